// JWS compact serialization (RFC 7515) verified against a JwkSet, with the
// algorithm pinned to the key: the header's "alg" must be one the key its
// "kid" names allows (jwks.h: the JWK's own "alg", or else its type's: RSA
// RS256/RS384, P-256 ES256, P-384 ES384). "none", HS256 and every other
// algorithm are refused before any signature check, so an HMAC "signed" with
// a public key's bytes (algorithm confusion) can never verify.
//
//   absl::StatusOr<VerifiedJws> jws = VerifyJws(token, keys);
//   if (jws.ok()) ... jws->payload  // the JSON claims, not yet checked
//
// Signatures: RS256/RS384 are RSASSA-PKCS1-v1_5 with SHA-256/SHA-384
// (signature exactly the modulus length); ES256/ES384 are ECDSA P-256 with
// SHA-256 / P-384 with SHA-384, the signature the raw r||s of RFC 7518 §3.4
// (64 / 96 bytes), converted to DER for OpenSSL.
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
  fhir::Json header;            // the protected header, a JSON object
  fhir::Json payload;           // the claims, a JSON object (not checked here; see claims.h)
  std::string kid;              // the key that verified it
  JwsAlg alg = JwsAlg::kRs256;  // the algorithm it was verified with
};

absl::StatusOr<VerifiedJws> VerifyJws(std::string_view token, const JwkSet& keys);

// A JSON object from base64url text, refusing duplicate member names (RFC 7515
// §4: a JWS with duplicate header names must be rejected or parsed
// consistently; refusing is the safe choice). kMalformed on any error.
absl::StatusOr<fhir::Json> DecodeJsonPart(std::string_view part, std::string_view what);

}  // namespace vigil::auth
