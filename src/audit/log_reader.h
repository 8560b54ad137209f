// Sequential reading of an audit log's records (format: log_format.h,
// docs/formats/audit_log.md). The reader only frames records; checking the
// chain and the signatures is the verifier's job (verify.h).
//
// Thread-safety: one reader per thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "audit/log_format.h"

namespace vigil::audit {

struct LogRecord {
  uint64_t index = 0;   // 0-based position in the log
  uint64_t offset = 0;  // byte offset of its header in the file
  RecordType type = RecordType::kEvent;
  Hash prev{};
  std::string payload;
  Hash hash{};  // RecordHash of its bytes
};

enum class ReadResult {
  kRecord,   // *out holds the next record
  kEnd,      // clean end of file (at a record boundary)
  kTorn,     // the file ends inside a record (problem() says where)
  kCorrupt,  // an unknown type or an impossible length
};

class LogReader {
 public:
  // Reads from file, whose position must be just after the magic. Does not own file.
  explicit LogReader(std::FILE* file) : file_(file) {}
  ReadResult Next(LogRecord* out);
  // What was wrong with the last kTorn / kCorrupt.
  const std::string& problem() const { return problem_; }
  uint64_t offset() const { return offset_; }

 private:
  std::FILE* file_;
  uint64_t index_ = 0;
  uint64_t offset_ = kFileMagic.size();
  std::string problem_;
};

// Opens path and checks the magic. nullptr (with *problem set) when it cannot.
std::FILE* OpenLog(const std::string& path, std::string* problem);

}  // namespace vigil::audit
