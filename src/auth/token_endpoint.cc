#include "auth/token_endpoint.h"

#include <openssl/rand.h>


#include "auth/base64url.h"
#include "auth/scope_grant.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"

namespace vigil::auth {
namespace {


// The value of the form parameter name; nullptr when absent. Repeats are
// refused before this is called.
const std::string* Param(const FormParams& form, std::string_view name) {
  for (const auto& [key, value] : form) {
    if (key == name) return &value;
  }
  return nullptr;
}

absl::Status CheckNoRepeats(const FormParams& form) {
  for (size_t i = 0; i < form.size(); ++i) {
    for (size_t j = i + 1; j < form.size(); ++j) {
      if (form[i].first == form[j].first) {
        return absl::InvalidArgumentError("a parameter is repeated (RFC 6749 §3.2)");
      }
    }
  }
  return absl::OkStatus();
}

// The request's shape: grant type, scope and client authentication method.
absl::Status CheckRequest(const FormParams& form) {
  VIGIL_RETURN_IF_ERROR(CheckNoRepeats(form));
  const std::string* grant = Param(form, "grant_type");
  if (grant == nullptr) return absl::InvalidArgumentError("grant_type is required");
  if (*grant != "client_credentials") {
    return absl::UnimplementedError("only grant_type=client_credentials is supported");
  }
  const std::string* scope = Param(form, "scope");
  if (scope == nullptr || scope->find_first_not_of(' ') == std::string::npos) {
    return absl::InvalidArgumentError("scope is required (e.g. system/*.rs)");
  }
  const std::string* type = Param(form, "client_assertion_type");
  if (type == nullptr || *type != kJwtBearerAssertionType ||
      Param(form, "client_assertion") == nullptr) {
    return absl::UnauthenticatedError(
        StrCat("authenticate with client_assertion_type=", kJwtBearerAssertionType,
               " and a client_assertion JWT (private_key_jwt)"));
  }
  return absl::OkStatus();
}

std::string RandomId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string_view OAuthErrorOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument: return "invalid_request";
    case absl::StatusCode::kUnimplemented: return "unsupported_grant_type";
    case absl::StatusCode::kUnauthenticated: return "invalid_client";
    case absl::StatusCode::kPermissionDenied: return "invalid_scope";
    default: return "";
  }
}

}  // namespace

TokenEndpoint::TokenEndpoint(JwsSigner signer, ClientSource clients, TokenEndpointOptions options,
                             std::unique_ptr<ReplayCache> replays)
    : signer_(std::move(signer)),
      clients_(std::move(clients)),
      options_(std::move(options)),
      replays_(replays != nullptr ? std::move(replays) : std::make_unique<ReplayCache>()) {
  if (!options_.now_s) options_.now_s = NowSeconds;
}

TokenReply TokenEndpoint::Error(std::string_view error, std::string_view description) {
  fhir::Json body = fhir::Json::Object();
  body.Set("error", fhir::Json::String(std::string(error)));
  body.Set("error_description", fhir::Json::String(std::string(description)));
  TokenReply reply;
  reply.status = 400;
  reply.body = fhir::WriteJson(body);
  return reply;
}

TokenReply TokenEndpoint::Handle(const FormParams& form) {
  absl::StatusOr<TokenReply> reply = Issue(form, options_.now_s());
  if (reply.ok()) return *std::move(reply);
  std::string_view error = OAuthErrorOf(reply.status().code());
  if (!error.empty()) return Error(error, Message(reply.status()));
  TokenReply failed;
  failed.status = 500;
  failed.body = R"({"error":"server_error","error_description":"the token could not be issued"})";
  failed.internal_error = std::string(Message(reply.status()));
  return failed;
}

absl::StatusOr<TokenReply> TokenEndpoint::Issue(const FormParams& form, int64_t now_s) {
  VIGIL_RETURN_IF_ERROR(CheckRequest(form));
  VIGIL_ASSIGN_OR_RETURN(std::shared_ptr<const ClientRegistry> clients, clients_());
  AssertionPolicy policy;
  policy.token_url = options_.token_url;
  policy.max_lifetime_s = options_.max_assertion_lifetime_s;
  policy.skew_s = options_.skew_s;
  VIGIL_ASSIGN_OR_RETURN(
      VerifiedAssertion assertion,
      CheckClientAssertion(*Param(form, "client_assertion"), *clients, policy, now_s));
  const RegisteredClient& client = *assertion.client;
  if (const std::string* id = Param(form, "client_id"); id != nullptr && *id != client.client_id) {
    return absl::UnauthenticatedError("client_id is not the client assertion's iss");
  }
  // A replay is invalid_client; a claim that cannot be recorded a server_error.
  VIGIL_RETURN_IF_ERROR(replays_->Claim(client.client_id, assertion.jti,
                                        assertion.expires_s + options_.skew_s, now_s));
  std::string scope = GrantScopes(*Param(form, "scope"), client.scope);
  if (scope.empty()) {
    return absl::PermissionDeniedError("none of the requested scopes is allowed for this client");
  }
  VIGIL_ASSIGN_OR_RETURN(std::string token, Sign(client, scope, now_s));
  fhir::Json body = fhir::Json::Object();
  body.Set("access_token", fhir::Json::String(std::move(token)));
  body.Set("token_type", fhir::Json::String("bearer"));
  body.Set("expires_in", fhir::Json::Number(std::to_string(options_.token_lifetime_s)));
  body.Set("scope", fhir::Json::String(std::move(scope)));
  TokenReply reply;
  reply.body = fhir::WriteJson(body);
  return reply;
}

absl::StatusOr<std::string> TokenEndpoint::Sign(const RegisteredClient& client,
                                                const std::string& scope, int64_t now_s) const {
  std::string jti = RandomId();
  if (jti.empty()) return absl::InternalError("no randomness for the token's jti");
  fhir::Json claims = fhir::Json::Object();
  claims.Set("iss", fhir::Json::String(options_.issuer));
  claims.Set("sub", fhir::Json::String(client.client_id));
  claims.Set("aud", fhir::Json::String(options_.audience));
  claims.Set("client_id", fhir::Json::String(client.client_id));
  claims.Set("scope", fhir::Json::String(scope));
  claims.Set("iat", fhir::Json::Number(std::to_string(now_s)));
  claims.Set("exp", fhir::Json::Number(std::to_string(now_s + options_.token_lifetime_s)));
  claims.Set("jti", fhir::Json::String(std::move(jti)));
  return signer_.Sign(claims, "at+jwt");
}

}  // namespace vigil::auth
