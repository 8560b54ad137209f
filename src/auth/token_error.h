// Why a bearer token was rejected, as a machine-readable reason carried by the
// Unauthenticated status that every token check returns.
//
//   absl::Status s = TokenError(TokenProblem::kExpired, "the token expired");
//   TokenProblemOf(s) == TokenProblem::kExpired;
//
// The message is fixed English text chosen by the checker; it never contains
// the token or any of its claims, so it may be sent to the client
// (WWW-Authenticate error_description) and logged.
#pragma once

#include <optional>
#include <string_view>

#include "absl/status/status.h"

namespace vigil::auth {

enum class TokenProblem {
  kMissing,        // no Authorization: Bearer header
  kMalformed,      // not three base64url parts, bad JSON, wrong claim types
  kAlgNone,        // alg "none" (unsecured JWS)
  kAlgNotAllowed,  // alg not one its key allows (HS256, PS256, ...: algorithm confusion)
  kUnknownKey,     // kid not in the JWKS (or no kid with several keys)
  kBadSignature,   // signature does not verify with the key
  kExpired,        // exp (+ skew) is in the past, or exp is missing
  kNotYetValid,    // nbf (- skew) is in the future
  kWrongIssuer,    // iss differs from the configured issuer
  kWrongAudience,  // aud does not contain the configured audience
};

// Unauthenticated, with problem attached as a payload.
absl::Status TokenError(TokenProblem problem, std::string_view message);

// The attached problem; nullopt for statuses not made by TokenError.
std::optional<TokenProblem> TokenProblemOf(const absl::Status& status);

// "expired", "bad_signature", ...: a stable name for logs and tests.
std::string_view TokenProblemName(TokenProblem problem);

}  // namespace vigil::auth
