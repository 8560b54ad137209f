// The .well-known/smart-configuration document, with and without Vigil's own
// token endpoint.
#include "auth/smart_configuration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fhir/json.h"

namespace vigil::auth {
namespace {

std::vector<std::string> Strings(const fhir::Json& doc, std::string_view name) {
  std::vector<std::string> out;
  if (const fhir::Json* list = doc.Find(name)) {
    for (const fhir::Json& item : list->items()) out.push_back(item.text());
  }
  return out;
}

bool Has(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

TEST(SmartConfigurationTest, OwnTokenEndpointIsDescribedForBackendServices) {
  SmartConfigurationOptions options;
  options.issuer = "https://vigil.test/auth";
  options.token_endpoint = "https://vigil.test/auth/token";
  options.jwks_uri = "https://vigil.test/auth/jwks";
  fhir::Json doc = *fhir::ParseJson(SmartConfigurationJson(options));
  EXPECT_EQ(doc.Find("issuer")->text(), "https://vigil.test/auth");
  EXPECT_EQ(doc.Find("token_endpoint")->text(), "https://vigil.test/auth/token");
  EXPECT_EQ(doc.Find("jwks_uri")->text(), "https://vigil.test/auth/jwks");
  EXPECT_EQ(Strings(doc, "grant_types_supported"), std::vector<std::string>{"client_credentials"});
  EXPECT_EQ(Strings(doc, "token_endpoint_auth_methods_supported"),
            std::vector<std::string>{"private_key_jwt"});
  std::vector<std::string> algs = Strings(doc, "token_endpoint_auth_signing_alg_values_supported");
  EXPECT_TRUE(Has(algs, "RS384") && Has(algs, "ES384"));
  std::vector<std::string> capabilities = Strings(doc, "capabilities");
  EXPECT_TRUE(Has(capabilities, "client-confidential-asymmetric"));
  EXPECT_TRUE(Has(capabilities, "permission-v1") && Has(capabilities, "permission-v2"));
  EXPECT_TRUE(Has(Strings(doc, "scopes_supported"), "system/*.rs"));
}

TEST(SmartConfigurationTest, ExternalIssuerAloneNamesNoTokenEndpoint) {
  SmartConfigurationOptions options;
  options.issuer = "https://auth.example.org";
  fhir::Json doc = *fhir::ParseJson(SmartConfigurationJson(options));
  EXPECT_EQ(doc.Find("token_endpoint"), nullptr);
  EXPECT_EQ(doc.Find("grant_types_supported"), nullptr);
  EXPECT_FALSE(Has(Strings(doc, "capabilities"), "client-confidential-asymmetric"));
}

}  // namespace
}  // namespace vigil::auth
