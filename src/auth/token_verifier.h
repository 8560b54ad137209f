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
// More than one issuer may be trusted (an external authorization server and
// Vigil's own token endpoint, token_endpoint.h): WithIssuer adds one. Each
// issuer's tokens verify with that issuer's keys only: the token's "iss",
// read before its signature is checked only to pick the issuer, selects one
// JwkSet and one ClaimsPolicy, and a token whose iss names no trusted issuer
// is kWrongIssuer. With one issuer nothing is read before the signature.
//
// Errors: Unauthenticated with a TokenProblem (token_error.h). The token text
// is never logged or copied into a message.
// Thread-safety: Verify may be called from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

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

// One authorization server whose tokens are accepted.
struct TrustedIssuer {
  ClaimsPolicy claims;
  JwkSet keys;
};

class TokenVerifier {
 public:
  // Trusts one issuer: options.claims.issuer, whose tokens keys verify.
  TokenVerifier(JwkSet keys, TokenVerifierOptions options);

  // This verifier's issuers and one more. Errors: AlreadyExists when
  // claims.issuer is trusted already (an iss must name exactly one key set).
  absl::StatusOr<TokenVerifier> WithIssuer(JwkSet keys, ClaimsPolicy claims) const;

  absl::StatusOr<AccessToken> Verify(std::string_view token) const;

  // The first issuer's policy.
  const ClaimsPolicy& policy() const { return issuers_.front()->claims; }
  size_t issuer_count() const { return issuers_.size(); }

 private:
  TokenVerifier() = default;
  absl::StatusOr<const TrustedIssuer*> IssuerOf(std::string_view token) const;

  std::vector<std::shared_ptr<const TrustedIssuer>> issuers_;  // never empty
  std::function<int64_t()> now_s_;
};

// The token of an "Authorization: Bearer <token>" header value (scheme
// case-insensitive, RFC 6750 §2.1); kMissing when the header is empty or not
// a Bearer credential.
absl::StatusOr<std::string_view> BearerToken(std::string_view authorization);

}  // namespace vigil::auth
