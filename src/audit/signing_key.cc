#include "audit/signing_key.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "audit/log_format.h"
#include "base/status.h"
#include "base/str.h"

namespace vigil::audit {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string ToPem(EVP_PKEY* key, bool private_key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (private_key) {
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PUBKEY(bio.get(), key);
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

// Writes text to path with mode (created exclusively), fsynced.
absl::Status WriteNewFile(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return absl::InternalError(StrCat("cannot create ", path));
  bool ok = ::fchmod(fd, mode) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return absl::InternalError(StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return absl::NotFoundError(StrCat("cannot open ", path));
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  return text;
}

bool IsEd25519(EVP_PKEY* key) { return key != nullptr && EVP_PKEY_id(key) == EVP_PKEY_ED25519; }

}  // namespace

void PkeyFree::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

absl::StatusOr<VerifyKey> VerifyKey::Load(const std::string& path) {
  VIGIL_ASSIGN_OR_RETURN(std::string pem, ReadSmallFile(path));
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!IsEd25519(key.get())) {
    return absl::InvalidArgumentError(StrCat(path, " is not an Ed25519 public key"));
  }
  return VerifyKey(std::move(key));
}

bool VerifyKey::Verify(std::string_view message, std::string_view signature) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

std::string VerifyKey::Fingerprint() const {
  unsigned char raw[32];
  size_t n = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key_.get(), raw, &n) != 1) return "";
  return HexOf(Sha256(std::string_view(reinterpret_cast<const char*>(raw), n)));
}

SigningKey SigningKey::Generate() {
  return SigningKey(PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")));
}

absl::StatusOr<SigningKey> SigningKey::LoadOrCreate(const std::string& dir) {
  std::string private_path = (std::filesystem::path(dir) / kPrivateKeyFile).string();
  std::string public_path = (std::filesystem::path(dir) / kPublicKeyFile).string();
  struct stat st;
  if (::stat(private_path.c_str(), &st) != 0) {
    SigningKey key = Generate();
    if (!key.key_) return absl::InternalError("cannot generate an Ed25519 key");
    VIGIL_RETURN_IF_ERROR(WriteNewFile(private_path, ToPem(key.key_.get(), true), 0600));
    std::filesystem::remove(public_path);
    VIGIL_RETURN_IF_ERROR(WriteNewFile(public_path, ToPem(key.key_.get(), false), 0644));
    return key;
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        StrCat(private_path, " must be readable by its owner only (chmod 600)"));
  }
  VIGIL_ASSIGN_OR_RETURN(std::string pem, ReadSmallFile(private_path));
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!IsEd25519(key.get())) {
    return absl::FailedPreconditionError(StrCat(private_path, " is not an Ed25519 private key"));
  }
  return SigningKey(std::move(key));
}

std::string SigningKey::Sign(std::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  unsigned char sig[64];
  size_t n = sizeof sig;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &n, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1) {
    return "";
  }
  return std::string(reinterpret_cast<const char*>(sig), n);
}

VerifyKey SigningKey::Public() const {
  EVP_PKEY_up_ref(key_.get());
  return VerifyKey(PkeyPtr(key_.get()));
}

}  // namespace vigil::audit
