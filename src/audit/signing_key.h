// The Ed25519 key pair that signs audit checkpoints (OpenSSL 3 EVP).
//
// The private key lives in DIR/audit_key.pem (PKCS#8 PEM, created 0600 on first
// start), the public key beside it in DIR/audit_key.pub.pem; `vigil audit
// verify` needs only the public one. The key is never printed or logged.
//
// Thread-safety: a const SigningKey/VerifyKey may be used from several threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace vigil::audit {

inline constexpr std::string_view kPrivateKeyFile = "audit_key.pem";
inline constexpr std::string_view kPublicKeyFile = "audit_key.pub.pem";

struct PkeyFree {
  void operator()(EVP_PKEY* key) const;
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

class VerifyKey {
 public:
  // Reads an Ed25519 public key (PEM). Errors: NotFound, InvalidArgument.
  static absl::StatusOr<VerifyKey> Load(const std::string& path);
  explicit VerifyKey(PkeyPtr key) : key_(std::move(key)) {}
  bool Verify(std::string_view message, std::string_view signature) const;
  // SHA-256 of the raw public key, hex: to pin the key out of band.
  std::string Fingerprint() const;

 private:
  PkeyPtr key_;
};

class SigningKey {
 public:
  // Loads dir's private key, or generates a pair and writes both files when
  // neither exists. Errors: a private key without 0600-only permissions or one
  // that is not Ed25519 (FailedPrecondition), I/O (Internal).
  static absl::StatusOr<SigningKey> LoadOrCreate(const std::string& dir);
  // A fresh key kept in memory only (tests).
  static SigningKey Generate();

  // The 64-byte Ed25519 signature of message.
  std::string Sign(std::string_view message) const;
  VerifyKey Public() const;

 private:
  explicit SigningKey(PkeyPtr key) : key_(std::move(key)) {}
  PkeyPtr key_;
};

}  // namespace vigil::audit
