#include "auth/jws_signer.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "auth/base64url.h"
#include "base/file.h"
#include "base/status.h"
#include "base/str.h"

namespace vigil::auth {
namespace {

constexpr int kCoordinateBytes = 32;  // P-256

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};

std::shared_ptr<EVP_PKEY> Shared(EVP_PKEY* key) {
  return std::shared_ptr<EVP_PKEY>(key, [](EVP_PKEY* k) { EVP_PKEY_free(k); });
}

// A BIGNUM parameter of key as big-endian bytes padded to width; "" on failure.
std::string BnParam(EVP_PKEY* key, const char* name, int width) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return "";
  std::unique_ptr<BIGNUM, BnFree> bn(raw);
  std::string out(static_cast<size_t>(width), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), width) != width) {
    return "";
  }
  return out;
}

bool IsP256(EVP_PKEY* key) {
  char group[64] = {0};
  size_t len = 0;
  return key != nullptr && EVP_PKEY_is_a(key, "EC") == 1 &&
         EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                        &len) == 1 &&
         std::string_view(group, len) == "prime256v1";
}

// The PKCS#8 PEM of key's private half; "" on failure. The caller cleanses it.
std::string PrivatePem(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return "";
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<size_t>(n));
  OPENSSL_cleanse(data, static_cast<size_t>(n));
  return pem;
}

// Creates path exclusively with mode 0600 and writes text, fsynced.
absl::Status WritePrivateFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(StrCat("cannot create ", path));
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return absl::InternalError(StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<EVP_PKEY>> ReadPrivateKey(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return absl::NotFoundError(StrCat("no ", path));
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        StrCat(path, " must be readable by its owner only (chmod 600)"));
  }
  VIGIL_ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::shared_ptr<EVP_PKEY> key =
      Shared(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!IsP256(key.get())) {
    return absl::FailedPreconditionError(StrCat(path, " is not an EC P-256 private key"));
  }
  return key;
}

// The raw r||s (64 bytes) of a DER ECDSA-Sig-Value; "" if it is not one.
std::string DerToRaw(std::string_view der) {
  const auto* in = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(
      d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (!sig) return "";
  std::string raw(2 * kCoordinateBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, kCoordinateBytes) != kCoordinateBytes ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + kCoordinateBytes, kCoordinateBytes) !=
          kCoordinateBytes) {
    return "";
  }
  return raw;
}

// The RFC 7638 thumbprint input: the required members, sorted, no whitespace.
std::string Thumbprint(const std::string& x, const std::string& y) {
  std::string canonical = StrCat(R"({"crv":"P-256","kty":"EC","x":")", x, R"(","y":")", y, "\"}");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(canonical.data(), canonical.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    return "";
  }
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), size));
}

}  // namespace

JwsSigner::JwsSigner(std::shared_ptr<EVP_PKEY> key, std::string x, std::string y)
    : key_(std::move(key)), x_(std::move(x)), y_(std::move(y)), kid_(Thumbprint(x_, y_)) {}

absl::StatusOr<JwsSigner> JwsSigner::FromKey(std::shared_ptr<EVP_PKEY> key) {
  std::string x = BnParam(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, kCoordinateBytes);
  std::string y = BnParam(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, kCoordinateBytes);
  if (x.empty() || y.empty()) return absl::InternalError("cannot read the token key's point");
  JwsSigner signer(std::move(key), Base64UrlEncode(x), Base64UrlEncode(y));
  if (signer.kid_.empty()) return absl::InternalError("cannot hash the token key");
  return signer;
}

absl::StatusOr<JwsSigner> JwsSigner::Generate() {
  std::shared_ptr<EVP_PKEY> key = Shared(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return absl::InternalError("cannot generate an EC P-256 key");
  return FromKey(std::move(key));
}

absl::StatusOr<JwsSigner> JwsSigner::LoadOrCreate(const std::string& dir) {
  std::string path = (std::filesystem::path(dir) / kTokenKeyFile).string();
  absl::StatusOr<std::shared_ptr<EVP_PKEY>> key = ReadPrivateKey(path);
  if (key.ok()) return FromKey(*std::move(key));
  if (!absl::IsNotFound(key.status())) return key.status();
  VIGIL_ASSIGN_OR_RETURN(JwsSigner signer, Generate());
  std::string pem = PrivatePem(signer.key_.get());
  absl::Status written = pem.empty() ? absl::InternalError("cannot encode the token key")
                                     : WritePrivateFile(path, pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  VIGIL_RETURN_IF_ERROR(written);
  return signer;
}

absl::StatusOr<std::string> JwsSigner::Sign(const fhir::Json& payload, std::string_view typ) const {
  fhir::Json header = fhir::Json::Object();
  header.Set("alg", fhir::Json::String(std::string(JwsAlgName(alg()))));
  header.Set("kid", fhir::Json::String(kid_));
  header.Set("typ", fhir::Json::String(std::string(typ)));
  std::string input = StrCat(Base64UrlEncode(fhir::WriteJson(header)), ".",
                             Base64UrlEncode(fhir::WriteJson(payload)));
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, in, input.size()) != 1) {
    return absl::InternalError("cannot sign the token");
  }
  std::string der(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &size, in,
                     input.size()) != 1) {
    return absl::InternalError("cannot sign the token");
  }
  der.resize(size);
  std::string raw = DerToRaw(der);
  if (raw.empty()) return absl::InternalError("cannot encode the token's signature");
  return StrCat(input, ".", Base64UrlEncode(raw));
}

fhir::Json JwsSigner::PublicJwk() const {
  fhir::Json jwk = fhir::Json::Object();
  jwk.Set("kty", fhir::Json::String("EC"));
  jwk.Set("crv", fhir::Json::String("P-256"));
  jwk.Set("alg", fhir::Json::String(std::string(JwsAlgName(alg()))));
  jwk.Set("use", fhir::Json::String("sig"));
  jwk.Set("kid", fhir::Json::String(kid_));
  jwk.Set("x", fhir::Json::String(x_));
  jwk.Set("y", fhir::Json::String(y_));
  return jwk;
}

std::string JwsSigner::JwksJson() const {
  fhir::Json keys = fhir::Json::Array();
  keys.Push(PublicJwk());
  fhir::Json doc = fhir::Json::Object();
  doc.Set("keys", std::move(keys));
  return fhir::WriteJson(doc);
}

}  // namespace vigil::auth
