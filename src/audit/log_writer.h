// Appends records to DIR/audit.log and seals them with signed checkpoints
// (docs/formats/audit_log.md).
//
//   VIGIL_ASSIGN_OR_RETURN(auto writer, LogWriter::Open(dir, std::move(key), NowMs));
//   writer->Append(event_json);   // buffered
//   writer->Flush();              // written and fdatasync'ed
//   writer->Checkpoint();         // signed checkpoint, flushed, audit.head replaced
//
// Open verifies an existing log completely and refuses one that is not intact
// (FailedPrecondition naming the broken record): a new chain is never silently
// started over evidence of tampering. One exception: a record torn by a crash
// after the last checkpoint is cut off, and an event noting the repair is
// appended (docs/formats/audit_log.md). A new log starts with a checkpoint.
//
// Thread-safety: not thread-safe; AuditTrail (trail.h) owns one on its thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "audit/log_format.h"
#include "audit/signing_key.h"

namespace vigil::audit {

class LogWriter {
 public:
  // dir is created if needed. now_ms: the clock for checkpoint times.
  static absl::StatusOr<std::unique_ptr<LogWriter>> Open(const std::string& dir, SigningKey key,
                                                         std::function<int64_t()> now_ms);
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Buffers one event record. InvalidArgument if payload exceeds kMaxPayload.
  absl::Status Append(std::string_view payload);
  // Writes the buffer and fdatasyncs. On error the file is cut back to the last
  // flushed record and the buffer kept, so Flush can be retried.
  absl::Status Flush();
  // Appends a signed checkpoint, flushes, and replaces audit.head.
  absl::Status Checkpoint();

  uint64_t records() const { return records_; }
  // Event records since the last checkpoint.
  uint64_t unsealed() const { return unsealed_; }

 private:
  LogWriter(std::string dir, int fd, SigningKey key, std::function<int64_t()> now_ms);
  void AppendRecord(RecordType type, std::string_view payload);

  std::string dir_;
  int fd_;
  SigningKey key_;
  std::function<int64_t()> now_ms_;
  uint64_t records_ = 0;
  uint64_t unsealed_ = 0;
  uint64_t flushed_offset_ = 0;  // file size after the last successful Flush
  Hash last_hash_{};             // hash of the last appended record (buffered or not)
  std::string buffer_;
};

}  // namespace vigil::audit
