// The audit log's byte format (docs/formats/audit_log.md is the specification):
// framing of one record, the record hash that chains records together, and
// the checkpoint payload and the message its signature covers.
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::audit {

using Hash = std::array<uint8_t, 32>;  // SHA-256

// The 8 bytes every audit log starts with.
inline constexpr std::string_view kFileMagic = "VGAUDIT1";
// length (4) + type (1) + prev_hash (32).
inline constexpr size_t kHeaderSize = 37;
// Longer payloads are refused by the writer and reported as corrupt by readers.
inline constexpr uint32_t kMaxPayload = 1u << 20;
// Prefix of the message a checkpoint signs.
inline constexpr std::string_view kCheckpointDomain = "VIGIL-AUDIT-CHECKPOINT-1";
// index (8) + time_ms (8) + Ed25519 signature (64).
inline constexpr size_t kCheckpointPayloadSize = 80;

enum class RecordType : uint8_t { kEvent = 1, kCheckpoint = 2 };

// SHA-256 of data (OpenSSL).
Hash Sha256(std::string_view data);
std::string HexOf(const Hash& hash);

// The bytes of one record: header then payload.
std::string EncodeRecord(RecordType type, const Hash& prev, std::string_view payload);
// The record hash: SHA-256 of the whole encoded record (header and payload).
inline Hash RecordHash(std::string_view encoded) { return Sha256(encoded); }

struct Checkpoint {
  uint64_t index = 0;     // this checkpoint's record index (0-based) = records before it
  int64_t time_ms = 0;    // Unix time in milliseconds when it was written
  std::string signature;  // 64 bytes, Ed25519
};

// What a checkpoint at index, time_ms, following the record with hash prev signs.
std::string CheckpointMessage(uint64_t index, int64_t time_ms, const Hash& prev);
std::string EncodeCheckpointPayload(const Checkpoint& checkpoint);
// nullopt unless payload is exactly kCheckpointPayloadSize bytes.
std::optional<Checkpoint> DecodeCheckpointPayload(std::string_view payload);

void PutFixed32(std::string* out, uint32_t v);
void PutFixed64(std::string* out, uint64_t v);
uint32_t GetFixed32(const char* p);
uint64_t GetFixed64(const char* p);

}  // namespace vigil::audit
