// The sidecar DIR/audit.head: a copy of the log's last checkpoint record and its
// offset, replaced atomically (write, fsync, rename) after every checkpoint.
// It lets the verifier notice a log cut back to an earlier record boundary,
// which the chain alone cannot (docs/formats/audit_log.md, "Truncation").
//
// Format: "VGAHEAD1" (8 bytes), offset (fixed64), then the checkpoint record's
// bytes exactly as in the log (header and payload).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace vigil::audit {

inline constexpr char kLogFile[] = "audit.log";
inline constexpr char kHeadFile[] = "audit.head";

struct Head {
  uint64_t offset = 0;
  std::string record;  // the checkpoint record's bytes
};

// Errors: NotFound (no file), DataLoss (malformed).
absl::StatusOr<Head> ReadHead(const std::string& path);
// Writes path atomically (path + ".tmp", fsync, rename, fsync of the folder).
absl::Status WriteHead(const std::string& path, const Head& head);

}  // namespace vigil::audit
