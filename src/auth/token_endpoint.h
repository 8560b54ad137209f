// The OAuth 2.0 token endpoint of SMART Backend Services (SMART App Launch 2,
// "Backend Services"): a registered client trades a signed client assertion
// (client_assertion.h) for a short-lived access token signed with the
// server's own key (jws_signer.h).
//
//   TokenEndpoint endpoint(signer, clients, options);
//   TokenReply reply = endpoint.Handle(form);  // the decoded form parameters
//
// The request (application/x-www-form-urlencoded, each parameter at most once):
//   grant_type=client_credentials
//   scope=system/Observation.rs ...
//   client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer
//   client_assertion=<JWT>            [client_id=<the assertion's iss>]
// Success, 200: {"access_token", "token_type": "bearer", "expires_in", "scope"},
// scope being what GrantScopes (scope_grant.h) allows of the request. The
// token: header {alg ES256, kid, typ at+jwt}; claims iss = options.issuer,
// aud = options.audience, sub = client_id = the client, scope, iat, exp = iat
// + token_lifetime_s, and a random jti.
// Errors, 400 with {"error", "error_description"} (RFC 6749 §5.2):
//   invalid_request         a parameter missing or repeated, no scope
//   unsupported_grant_type  grant_type other than client_credentials
//   invalid_client          no or another client_assertion_type, no assertion,
//                           any failed assertion check, a replayed jti
//   invalid_scope           none of the requested scopes may be granted
// and 500 {"error": "server_error"} when the client registry cannot be read
// or the token cannot be signed. Neither the assertion nor the token ever
// appears in an error or a log line.
//
// Thread-safety: Handle may run on many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "auth/client_assertion.h"
#include "auth/client_registry.h"
#include "auth/jws_signer.h"

namespace vigil::auth {

struct TokenEndpointOptions {
  std::string token_url;  // this endpoint's URL: the assertions' required aud
  std::string issuer;     // iss of the tokens issued ("https://host/auth")
  std::string audience;   // aud of the tokens issued: the FHIR base URL
  int64_t token_lifetime_s = 300;
  int64_t max_assertion_lifetime_s = 300;
  int64_t skew_s = 60;
  std::function<int64_t()> now_s;  // the system clock when empty
};

struct TokenReply {
  int status = 200;
  std::string body;            // JSON
  std::string internal_error;  // with status 500: what failed, for the server's log
};

// Where the endpoint reads the registered clients (ClientRegistryFile::Current).
using ClientSource = std::function<absl::StatusOr<std::shared_ptr<const ClientRegistry>>()>;

using FormParams = std::vector<std::pair<std::string, std::string>>;

class TokenEndpoint {
 public:
  // replays: where used assertion jtis are kept (ReplayCache::Open keeps them
  // across restarts); null = an in-memory cache.
  TokenEndpoint(JwsSigner signer, ClientSource clients, TokenEndpointOptions options,
                std::unique_ptr<ReplayCache> replays = nullptr);

  TokenReply Handle(const FormParams& form);

  // An OAuth error reply (RFC 6749 §5.2), for requests Handle never sees
  // (a body that is not a form).
  static TokenReply Error(std::string_view error, std::string_view description);

 private:
  absl::StatusOr<TokenReply> Issue(const FormParams& form, int64_t now_s);
  absl::StatusOr<std::string> Sign(const RegisteredClient& client, const std::string& scope,
                                   int64_t now_s) const;

  JwsSigner signer_;
  ClientSource clients_;
  TokenEndpointOptions options_;
  std::unique_ptr<ReplayCache> replays_;
};

}  // namespace vigil::auth
