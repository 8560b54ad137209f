// The registered claims of an access token (RFC 7519 §4.1) and the SMART
// claims Vigil reads, checked against the server's configuration.
//
//   ClaimsPolicy policy;  // issuer, audience, skew
//   absl::StatusOr<TokenClaims> claims = CheckClaims(jws.payload, policy, now_s);
//
// Rules (each failure is Unauthenticated with its TokenProblem, token_error.h):
//   - exp is required: a NumericDate; expired when exp + skew <= now.
//   - nbf, when present: not yet valid when nbf - skew > now.
//   - iss must equal the configured issuer exactly (no normalization).
//   - aud, a string or an array of strings, must contain the configured
//     audience exactly.
//   - Claims of the wrong JSON type (exp as a string, scope as an array) are
//     kMalformed rather than ignored.
// skew defaults to 60 s: the allowance for clocks of the authorization server
// and this server disagreeing, in both directions (the usual choice of JWT
// libraries; RFC 7519 says "a few minutes" at most).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"

namespace vigil::auth {

struct ClaimsPolicy {
  std::string issuer;    // required: the authorization server's "iss"
  std::string audience;  // required: this server's base URL as the client was told
  int64_t skew_s = 60;
};

struct TokenClaims {
  std::string issuer;
  std::string subject;                 // "sub" ("" if absent)
  std::vector<std::string> audiences;  // "aud"
  int64_t expires_s = 0;               // "exp"
  std::optional<int64_t> not_before_s;
  std::string scope;      // "scope": space-separated scopes ("" if absent)
  std::string patient;    // SMART launch context "patient" ("" if absent)
  std::string fhir_user;  // "fhirUser" ("" if absent)
  std::string client_id;  // "client_id" ("" if absent)
};

absl::StatusOr<TokenClaims> CheckClaims(const fhir::Json& payload, const ClaimsPolicy& policy,
                                        int64_t now_s);

}  // namespace vigil::auth
