// JWS compact serialization (RFC 7515) verified against a JwkSet, with the
// algorithm pinned to the key: the header's "alg" must be exactly the
// algorithm of the key its "kid" names. "none", HS256 and every other
// algorithm are refused before any signature check, so an HMAC "signed" with
// a public key's bytes (algorithm confusion) can never verify.
//
//   absl::StatusOr<VerifiedJws> jws = VerifyJws(token, keys);
//   if (jws.ok()) ... jws->payload  // the JSON claims, not yet checked
//
// Signatures: RS256 is RSASSA-PKCS1-v1_5 with SHA-256 (signature exactly the
// modulus length); ES256 is ECDSA P-256 with SHA-256, its signature the raw
// 64-byte r||s of RFC 7518 §3.4, converted to DER for OpenSSL.
//
// Errors: Unauthenticated with a TokenProblem (token_error.h): kMalformed,
// kAlgNone, kAlgNotAllowed, kUnknownKey, kBadSignature.
// Thread-safety: safe from many threads on one JwkSet.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "auth/jwks.h"
#include "fhir/json.h"

namespace vigil::auth {

// Tokens longer than this are refused unread (headers are limited anyway).
inline constexpr size_t kMaxTokenBytes = 16 * 1024;

struct VerifiedJws {
  fhir::Json header;   // the protected header, a JSON object
  fhir::Json payload;  // the claims, a JSON object (not checked here; see claims.h)
  std::string kid;     // the key that verified it
};

absl::StatusOr<VerifiedJws> VerifyJws(std::string_view token, const JwkSet& keys);

// A JSON object from base64url text, refusing duplicate member names (RFC 7515
// §4: a JWS with duplicate header names must be rejected or parsed
// consistently; refusing is the safe choice). kMalformed on any error.
absl::StatusOr<fhir::Json> DecodeJsonPart(std::string_view part, std::string_view what);

}  // namespace vigil::auth
