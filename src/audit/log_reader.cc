#include "audit/log_reader.h"

#include <cstring>

#include "base/str.h"

namespace vigil::audit {

std::FILE* OpenLog(const std::string& path, std::string* problem) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *problem = StrCat("cannot open ", path);
    return nullptr;
  }
  char magic[8];
  if (std::fread(magic, 1, sizeof magic, f) != sizeof magic ||
      std::memcmp(magic, kFileMagic.data(), sizeof magic) != 0) {
    *problem = "the file does not start with the audit log magic \"VGAUDIT1\"";
    std::fclose(f);
    return nullptr;
  }
  return f;
}

ReadResult LogReader::Next(LogRecord* out) {
  char header[kHeaderSize];
  size_t got = std::fread(header, 1, kHeaderSize, file_);
  if (got == 0) return ReadResult::kEnd;
  if (got < kHeaderSize) {
    problem_ = StrCat("the file ends inside the header of record ", index_, " (", got, " of ",
                      kHeaderSize, " bytes)");
    return ReadResult::kTorn;
  }
  uint32_t length = GetFixed32(header);
  uint8_t type = static_cast<uint8_t>(header[4]);
  if (type != static_cast<uint8_t>(RecordType::kEvent) &&
      type != static_cast<uint8_t>(RecordType::kCheckpoint)) {
    problem_ = StrCat("record ", index_, " has an unknown type ", static_cast<int>(type));
    return ReadResult::kCorrupt;
  }
  if (length > kMaxPayload) {
    problem_ = StrCat("record ", index_, " claims an impossible length ", length);
    return ReadResult::kCorrupt;
  }
  std::string bytes(header, kHeaderSize);
  bytes.resize(kHeaderSize + length);
  got = std::fread(bytes.data() + kHeaderSize, 1, length, file_);
  if (got < length) {
    problem_ = StrCat("the file ends inside record ", index_, " (", got, " of ", length,
                      " payload bytes)");
    return ReadResult::kTorn;
  }
  out->index = index_;
  out->offset = offset_;
  out->type = static_cast<RecordType>(type);
  std::memcpy(out->prev.data(), header + 5, 32);
  out->hash = RecordHash(bytes);
  out->payload = bytes.substr(kHeaderSize);
  ++index_;
  offset_ += bytes.size();
  return ReadResult::kRecord;
}

}  // namespace vigil::audit
