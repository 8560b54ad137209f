// Verifying an audit folder: the hash chain of DIR/audit.log, every
// checkpoint's Ed25519 signature, and that the checkpoint recorded in
// DIR/audit.head is still in the log (docs/formats/audit_log.md, "Checks").
//
//   absl::StatusOr<VerifyReport> r = VerifyLog(dir, key);
//   if (r.ok() && !r->intact) printf("record %llu: %s", r->broken_index, r->problem);
//
// Thread-safety: reads files only; safe to call concurrently with a writer only
// for the records that were flushed before it started (it may see a torn tail).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "audit/log_format.h"
#include "audit/signing_key.h"

namespace vigil::audit {

struct VerifyReport {
  bool intact = true;
  uint64_t records = 0;  // records read before any break
  uint64_t events = 0;
  uint64_t checkpoints = 0;
  uint64_t unsealed = 0;  // event records after the last checkpoint
  // The end of the last good record: where a writer appends.
  uint64_t end_offset = 0;
  Hash last_hash{};  // hash of the last good record (zeros if none)
  // When !intact: the first record found broken, its byte offset, and why.
  uint64_t broken_index = 0;
  uint64_t broken_offset = 0;
  std::string problem;
  // The file ends inside a record (a crash during a write, or a cut) ...
  bool torn = false;
  // ... and audit.head's checkpoint is intact before it: the only damage is
  // a torn, unsealed tail, which LogWriter::Open cuts off (and records).
  bool head_ok = false;
};

// Verifies dir/audit.log against key. A broken log is a report with !intact,
// not an error; errors: NotFound when dir has no audit log at all.
absl::StatusOr<VerifyReport> VerifyLog(const std::string& dir, const VerifyKey& key);

}  // namespace vigil::audit
