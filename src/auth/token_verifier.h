// Bearer access tokens: a JWS signed by a trusted key (jws.h), valid claims
// (claims.h) and its scopes parsed (scopes.h) -- everything `vigil serve
// --auth smart` learns about the caller of one request.
//
//   TokenVerifierOptions options;
//   options.claims.issuer = "https://auth.example.org";
//   options.claims.audience = "https://fhir.example.org/fhir";
//   TokenVerifier verifier(std::move(keys), options);
//   absl::StatusOr<AccessToken> token = verifier.Verify(bearer);
//
// Errors: Unauthenticated with a TokenProblem (token_error.h). The token text
// is never logged or copied into a message.
// Thread-safety: Verify may be called from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "absl/status/statusor.h"
#include "auth/claims.h"
#include "auth/jwks.h"
#include "auth/scopes.h"

namespace vigil::auth {

// What a verified token grants.
struct AccessToken {
  TokenClaims claims;
  Scopes scopes;
};

struct TokenVerifierOptions {
  ClaimsPolicy claims;
  // Seconds since the epoch; the system clock when empty (tests inject one).
  std::function<int64_t()> now_s;
};

class TokenVerifier {
 public:
  TokenVerifier(JwkSet keys, TokenVerifierOptions options);

  absl::StatusOr<AccessToken> Verify(std::string_view token) const;

  const ClaimsPolicy& policy() const { return options_.claims; }

 private:
  JwkSet keys_;
  TokenVerifierOptions options_;
};

// The token of an "Authorization: Bearer <token>" header value (scheme
// case-insensitive, RFC 6750 §2.1); kMissing when the header is empty or not
// a Bearer credential.
absl::StatusOr<std::string_view> BearerToken(std::string_view authorization);

}  // namespace vigil::auth
