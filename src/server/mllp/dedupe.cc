#include "server/mllp/dedupe.h"

#include <openssl/evp.h>

#include <cstdint>
#include <memory>

#include "base/str.h"

namespace vigil::mllp {
namespace {

// Keeps '|' (our separator) and '%' unambiguous inside a key part.
std::string EscapePart(std::string_view part) {
  std::string out;
  for (char c : part) {
    if (c == '|' || c == '%' || static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      auto u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace

std::string DedupeKey(std::string_view sending_app, std::string_view sending_facility,
                      std::string_view control_id) {
  if (control_id.empty()) return "";
  return StrCat("hl7v2.msg/", EscapePart(sending_app), "|", EscapePart(sending_facility), "|",
                EscapePart(control_id));
}

std::string ContentHash(std::string_view text) {
  std::string normalized;
  normalized.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (!normalized.empty() && normalized.back() != '\r') normalized += '\r';
    } else {
      normalized += c;
    }
  }
  while (!normalized.empty() && normalized.back() == '\r') normalized.pop_back();
  return Sha256Hex(normalized);
}

std::string DedupeRecord(std::string_view hash, int64_t now_ms) {
  return StrCat(hash, " ", now_ms);
}

Seen Decide(const std::optional<std::string>& record, std::string_view hash) {
  if (!record) return Seen::kNew;
  std::string_view stored = *record;
  stored = stored.substr(0, stored.find(' '));
  return stored == hash ? Seen::kDuplicate : Seen::kReused;
}

}  // namespace vigil::mllp
