// Test helpers: real key pairs made by OpenSSL and JWS tokens signed with them,
// so the verifier is tested against genuine RS256/RS384/ES256/ES384 signatures
// (and against forgeries such as HS256 keyed with a public key's bytes).
//
//   TestKey rsa = TestKey::Rsa("rsa-1");
//   std::string jwks = JwksJson({&rsa});
//   std::string token = rsa.Sign(R"({"alg":"RS256","kid":"rsa-1"})", claims_json);
//
// Header-only, for tests only (aborts on OpenSSL failures).
#pragma once

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "auth/base64url.h"

namespace vigil::auth::testing {

struct TestPkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

inline void Check(bool ok) {
  if (!ok) std::abort();
}

// A BIGNUM parameter of key as big-endian bytes, left-padded to width (0 = minimal).
inline std::string BnParam(EVP_PKEY* key, const char* name, size_t width = 0) {
  BIGNUM* bn = nullptr;
  Check(EVP_PKEY_get_bn_param(key, name, &bn) == 1);
  size_t size = width ? width : static_cast<size_t>(BN_num_bytes(bn));
  std::string out(size, '\0');
  Check(BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(size)) ==
        static_cast<int>(size));
  BN_free(bn);
  return out;
}

class TestKey {
 public:
  // alg: "RS256" or "RS384", what Sign uses and JwkJson names.
  static TestKey Rsa(std::string kid, std::string alg = "RS256") {
    return TestKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}), std::move(kid),
                   std::move(alg));
  }
  // ES256 on P-256.
  static TestKey Ec(std::string kid) {
    return TestKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), std::move(kid), "ES256");
  }
  // ES384 on P-384.
  static TestKey Ec384(std::string kid) {
    return TestKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"), std::move(kid), "ES384");
  }

  bool is_rsa() const { return rsa_; }
  const std::string& kid() const { return kid_; }
  std::string_view alg() const { return alg_; }

  // The public JWK (JSON object text); with_alg = false leaves out "alg", so
  // the key allows every algorithm of its type.
  std::string JwkJson(bool with_alg = true) const {
    std::string kid = kid_.empty() ? "" : ",\"kid\":\"" + kid_ + "\"";
    std::string alg = with_alg ? ",\"alg\":\"" + alg_ + "\"" : "";
    if (rsa_) {
      return "{\"kty\":\"RSA\",\"use\":\"sig\"" + alg + kid + ",\"n\":\"" +
             Base64UrlEncode(BnParam(key_.get(), OSSL_PKEY_PARAM_RSA_N)) + "\",\"e\":\"" +
             Base64UrlEncode(BnParam(key_.get(), OSSL_PKEY_PARAM_RSA_E)) + "\"}";
    }
    return "{\"kty\":\"EC\",\"crv\":\"" + std::string(p384() ? "P-384" : "P-256") + "\"" + alg +
           kid + ",\"x\":\"" +
           Base64UrlEncode(BnParam(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, coordinate())) +
           "\",\"y\":\"" +
           Base64UrlEncode(BnParam(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, coordinate())) + "\"}";
  }

  // The SubjectPublicKeyInfo PEM: the bytes an algorithm-confusion attacker
  // would use as an HMAC secret.
  std::string PublicPem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    Check(PEM_write_bio_PUBKEY(bio, key_.get()) == 1);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(size));
    BIO_free(bio);
    return pem;
  }

  // header.payload.signature with this key's algorithm (RSASSA-PKCS1-v1_5 or
  // raw-r||s ECDSA), whatever the header says.
  std::string Sign(std::string_view header_json, std::string_view payload_json) const {
    return SignAs(alg_, header_json, payload_json);
  }

  // The same with the digest of another algorithm ("RS384" on an RS256 key,
  // "ES384" on a P-256 key): genuine signatures the verifier must still refuse.
  std::string SignAs(std::string_view alg, std::string_view header_json,
                     std::string_view payload_json) const {
    std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
    return input + "." + Base64UrlEncode(RawSignature(input, alg));
  }

 private:
  TestKey(EVP_PKEY* key, std::string kid, std::string alg)
      : key_(key), kid_(std::move(kid)), alg_(std::move(alg)), rsa_(alg_[0] == 'R') {
    Check(key != nullptr);
  }

  bool p384() const { return alg_ == "ES384"; }
  size_t coordinate() const { return p384() ? 48 : 32; }

  std::string RawSignature(std::string_view input, std::string_view alg) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const EVP_MD* md = alg.ends_with("384") ? EVP_sha384() : EVP_sha256();
    Check(EVP_DigestSignInit(ctx, nullptr, md, nullptr, key_.get()) == 1);
    size_t size = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(input.data());
    Check(EVP_DigestSign(ctx, nullptr, &size, in, input.size()) == 1);
    std::string sig(size, '\0');
    Check(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &size, in,
                         input.size()) == 1);
    EVP_MD_CTX_free(ctx);
    sig.resize(size);
    if (rsa_) return sig;
    // DER ECDSA-Sig-Value -> raw r||s (RFC 7518 §3.4).
    const auto* der = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* ecdsa = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(sig.size()));
    Check(ecdsa != nullptr);
    const int half = static_cast<int>(coordinate());
    std::string raw(2 * coordinate(), '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    Check(BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), out, half) == half);
    Check(BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), out + half, half) == half);
    ECDSA_SIG_free(ecdsa);
    return raw;
  }

  std::unique_ptr<EVP_PKEY, TestPkeyDeleter> key_;
  std::string kid_;
  std::string alg_;
  bool rsa_;
};

inline std::string JwksJson(std::initializer_list<const TestKey*> keys) {
  std::string out = "{\"keys\":[";
  for (const TestKey* k : keys) out += (out.back() == '[' ? "" : ",") + k->JwkJson();
  return out + "]}";
}

// header.payload.HMAC-SHA256(secret): an HS256 token.
inline std::string SignHs256(std::string_view header_json, std::string_view payload_json,
                             std::string_view secret) {
  std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  Check(HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
             &size) != nullptr);
  return input + "." + Base64UrlEncode(std::string_view(reinterpret_cast<char*>(mac), size));
}

}  // namespace vigil::auth::testing
