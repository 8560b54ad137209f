#include "ai/model/fingerprint.h"

#include <openssl/evp.h>

#include <memory>

#include "base/str.h"

namespace vigil::ai {
namespace {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void Update(const void* data, size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
  void Update(std::string_view s) { Update(s.data(), s.size() + 1); }  // NUL-terminated: unambiguous
  std::string Finish() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &len);
    std::string out = "sha256:";
    for (unsigned int i = 0; i < len; ++i) out += fmt::format("{:02x}", digest[i]);
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

}  // namespace

std::string Sha256Fingerprint(std::string_view bytes) {
  Sha256 h;
  h.Update(bytes.data(), bytes.size());
  return h.Finish();
}

std::string DatasetFingerprint(const Dataset& d, const std::vector<std::string>& feature_names) {
  Sha256 h;
  for (const std::string& name : feature_names) h.Update(name);
  for (const StayRows& sr : d.stays) {
    h.Update(sr.stay->encounter_id);
    for (size_t r = sr.first_row; r < sr.first_row + sr.row_count; ++r) {
      h.Update(&d.hour[r], sizeof(float));
      h.Update(&d.label[r], sizeof(float));
      h.Update(d.x.data() + r * d.cols, d.cols * sizeof(float));
    }
  }
  return h.Finish();
}

}  // namespace vigil::ai
