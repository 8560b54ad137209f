#include "auth/smart_configuration.h"

#include <initializer_list>
#include <string_view>

#include "fhir/json.h"

namespace vigil::auth {
namespace {

fhir::Json Strings(std::initializer_list<std::string_view> values) {
  fhir::Json array = fhir::Json::Array();
  for (std::string_view v : values) array.Push(fhir::Json::String(std::string(v)));
  return array;
}

}  // namespace

std::string SmartConfigurationJson(const SmartConfigurationOptions& options) {
  fhir::Json doc = fhir::Json::Object();
  doc.Set("issuer", fhir::Json::String(options.issuer));
  if (!options.jwks_uri.empty()) doc.Set("jwks_uri", fhir::Json::String(options.jwks_uri));
  if (!options.token_endpoint.empty()) {
    doc.Set("token_endpoint", fhir::Json::String(options.token_endpoint));
  }
  fhir::Json capabilities =
      Strings({"permission-v1", "permission-v2", "permission-patient", "permission-user"});
  if (!options.token_endpoint.empty()) {
    capabilities.Push(fhir::Json::String("client-confidential-asymmetric"));
    doc.Set("grant_types_supported", Strings({"client_credentials"}));
    doc.Set("token_endpoint_auth_signing_alg_values_supported",
            Strings({"RS384", "ES384", "RS256", "ES256"}));
  }
  doc.Set("capabilities", std::move(capabilities));
  doc.Set("scopes_supported", Strings({"patient/*.rs", "user/*.cruds", "system/*.rs",
                                       "system/*.cruds", "patient/*.read", "user/*.*",
                                       "system/*.read", "launch/patient", "vigil/analytics.read",
                                       "vigil/models.write", "vigil/audit.read", "vigil/admin"}));
  doc.Set("code_challenge_methods_supported", Strings({"S256"}));
  doc.Set("token_endpoint_auth_methods_supported", Strings({"private_key_jwt"}));
  return fhir::WriteJson(doc);
}

}  // namespace vigil::auth
