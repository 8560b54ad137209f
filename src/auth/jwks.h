// JSON Web Key Sets (RFC 7517): the public keys that may sign access tokens.
//
//   absl::StatusOr<JwkSet> keys = JwkSet::Parse(file_text);
//   const Jwk* key = keys->Find("key-1");
//
// Supported keys and the algorithms each may verify (RFC 7518 §3.1):
//   kty "RSA" (n, e; modulus of at least 2048 bits)           -> RS256, RS384
//   kty "EC", crv "P-256" (x, y; point checked on the curve)  -> ES256
//   kty "EC", crv "P-384" (x, y; point checked on the curve)  -> ES384
// A key's "alg", when present, pins it to that one algorithm, which must be
// one of its type's ("alg": "ES384" on a P-256 key is refused). Keys with
// "use" other than "sig", private members (d, p, q...), other kty/crv/alg, or
// duplicate kids make Parse fail: a JWKS that is not understood completely is
// refused rather than partly trusted.
//
// Ownership: JwkSet owns its EVP_PKEYs; it is movable, not copyable.
// Thread-safety: a parsed JwkSet is immutable and safe to share between threads
// (OpenSSL 3 EVP_PKEYs may be used concurrently for verification).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace vigil::auth {

enum class JwsAlg { kRs256, kRs384, kEs256, kEs384 };

// "RS256", "RS384", "ES256", "ES384".
std::string_view JwsAlgName(JwsAlg alg);

// The algorithm of a JOSE "alg" name; nullopt for every other name ("none",
// "HS256", "PS256", "rs256"...).
std::optional<JwsAlg> ParseJwsAlg(std::string_view name);

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const;
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

struct Jwk {
  std::string kid;  // may be empty (then the set must hold only this key)
  // What the key may verify: its "alg" alone, or every algorithm of its type.
  std::vector<JwsAlg> algs;
  PkeyPtr key;

  bool Allows(JwsAlg alg) const;
};

class JwkSet {
 public:
  // Parses a JWKS document ({"keys": [...]}). Errors: InvalidArgument, with the
  // index of the offending key.
  static absl::StatusOr<JwkSet> Parse(std::string_view json);

  // The key with this kid; nullptr if none. An empty kid finds the only key of
  // a one-key set (tokens without "kid"), never one of several.
  const Jwk* Find(std::string_view kid) const;

  size_t size() const { return keys_.size(); }

 private:
  std::vector<Jwk> keys_;
};

}  // namespace vigil::auth
