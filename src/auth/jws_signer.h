// The key pair `vigil serve` signs its own access tokens with (the SMART
// Backend Services token endpoint, token_endpoint.h), and the JWS compact
// serialization (RFC 7515) of what it signs.
//
//   absl::StatusOr<JwsSigner> signer = JwsSigner::LoadOrCreate("DATA/auth");
//   absl::StatusOr<std::string> jwt = signer->Sign(claims, "at+jwt");
//   std::string jwks = signer->JwksJson();  // what verifies it (GET /auth/jwks)
//
// The key is ECDSA P-256 (ES256, RFC 7518 §3.4). Its private half lives in
// DIR/token_key.pem (PKCS#8 PEM, created with mode 0600 on first start and
// refused when group or others may read it); it is never printed or logged.
// The public half is published as a JWK whose kid is its RFC 7638 thumbprint,
// so a new key (rotation: docs/smart-backend-services.md) has a new kid.
//
// Errors: FailedPrecondition for a key file with loose permissions or that is
// not a P-256 private key; Internal for I/O and OpenSSL failures.
// Ownership: owns its EVP_PKEY (shared between copies, never modified).
// Thread-safety: Sign and the accessors may run on many threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "auth/jwks.h"
#include "fhir/json.h"

namespace vigil::auth {

inline constexpr std::string_view kTokenKeyFile = "token_key.pem";

class JwsSigner {
 public:
  // Loads dir/token_key.pem, or generates a key and writes it there (dir must exist).
  static absl::StatusOr<JwsSigner> LoadOrCreate(const std::string& dir);
  // A fresh key kept in memory only (tests).
  static absl::StatusOr<JwsSigner> Generate();

  // header.payload.signature with header {"alg":"ES256","kid":kid(),"typ":typ}.
  absl::StatusOr<std::string> Sign(const fhir::Json& payload, std::string_view typ) const;

  JwsAlg alg() const { return JwsAlg::kEs256; }
  const std::string& kid() const { return kid_; }
  // The public JWK (kty EC, crv P-256, alg ES256, use sig, kid, x, y).
  fhir::Json PublicJwk() const;
  // {"keys":[PublicJwk()]}: what JwkSet::Parse reads to verify Sign's tokens.
  std::string JwksJson() const;

 private:
  JwsSigner(std::shared_ptr<EVP_PKEY> key, std::string x, std::string y);
  static absl::StatusOr<JwsSigner> FromKey(std::shared_ptr<EVP_PKEY> key);

  std::shared_ptr<EVP_PKEY> key_;
  std::string x_, y_;  // base64url public coordinates
  std::string kid_;
};

}  // namespace vigil::auth
