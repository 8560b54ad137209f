#include "audit/log_format.h"

#include <openssl/evp.h>

namespace vigil::audit {

Hash Sha256(std::string_view data) {
  // Fetched once: OpenSSL 3's one-shot SHA256() fetches the algorithm on every
  // call, which costs more than hashing a record. Never freed (process lifetime).
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  Hash out;
  EVP_Digest(data.data(), data.size(), out.data(), nullptr, kSha256, nullptr);
  return out;
}

std::string HexOf(const Hash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : hash) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

void PutFixed32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutFixed64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

uint64_t GetFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

std::string EncodeRecord(RecordType type, const Hash& prev, std::string_view payload) {
  std::string out;
  out.reserve(kHeaderSize + payload.size());
  PutFixed32(&out, static_cast<uint32_t>(payload.size()));
  out.push_back(static_cast<char>(type));
  out.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  out.append(payload);
  return out;
}

std::string CheckpointMessage(uint64_t index, int64_t time_ms, const Hash& prev) {
  std::string out(kCheckpointDomain);
  PutFixed64(&out, index);
  PutFixed64(&out, static_cast<uint64_t>(time_ms));
  out.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  return out;
}

std::string EncodeCheckpointPayload(const Checkpoint& checkpoint) {
  std::string out;
  PutFixed64(&out, checkpoint.index);
  PutFixed64(&out, static_cast<uint64_t>(checkpoint.time_ms));
  out.append(checkpoint.signature);
  return out;
}

std::optional<Checkpoint> DecodeCheckpointPayload(std::string_view payload) {
  if (payload.size() != kCheckpointPayloadSize) return std::nullopt;
  Checkpoint c;
  c.index = GetFixed64(payload.data());
  c.time_ms = static_cast<int64_t>(GetFixed64(payload.data() + 8));
  c.signature = std::string(payload.substr(16));
  return c;
}

}  // namespace vigil::audit
