// The HL7 v2 dead-letter folder: every message that was not accepted (AE/AR
// ACK) is kept with the reason, so bad input never vanishes.
//
// Layout (DIR is DATA/dead-letter/hl7v2):
//   DIR/ID.hl7    the message bytes exactly as received (MLLP framing removed)
//   DIR/ID.json   {"id","reason","ack_code","received_at","peer","control_id",
//                  "message_type","bytes"}
// ID is "<ms since epoch>-<sequence>-<pid>": unique per process and sorting by
// arrival. The .hl7 file is written first and the sidecar last (each via a
// temporary file and rename), so an entry is listed only once complete.
//
// Thread-safety: Add may be called from many threads at once; List/Read/Remove
// are for the operator CLI (one process at a time).
#pragma once

#include <atomic>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace vigil::mllp {

struct DeadLetter {
  std::string id;
  std::string reason;       // why it was not accepted (first error, or the store's)
  std::string ack_code;     // "AE" or "AR"
  std::string received_at;  // FHIR instant
  std::string peer;         // "127.0.0.1:50312", or "replay"
  std::string control_id;   // MSH-10 ("" when unparseable)
  std::string message_type; // MSH-9 as written ("" when unparseable)
  size_t bytes = 0;
};

class DeadLetterStore {
 public:
  // message_ext: the extension of the message file. The MQTT device-stream
  // ingestion keeps its payloads here too (DATA/dead-letter/mqtt, ".payload").
  explicit DeadLetterStore(std::string dir, std::string message_ext = ".hl7")
      : dir_(std::move(dir)), message_ext_(std::move(message_ext)) {}

  const std::string& dir() const { return dir_; }

  // Keeps message with its metadata (letter.id and bytes are filled in); the
  // new id. Errors: the folder cannot be created or written (Internal).
  absl::StatusOr<std::string> Add(std::string_view message, DeadLetter letter);

  // Every complete entry, oldest first. A missing folder is an empty list.
  absl::StatusOr<std::vector<DeadLetter>> List() const;
  // One entry's metadata. NotFound for an unknown id.
  absl::StatusOr<DeadLetter> Read(std::string_view id) const;
  // One entry's message bytes. NotFound for an unknown id.
  absl::StatusOr<std::string> ReadMessage(std::string_view id) const;
  // Deletes both files. NotFound for an unknown id.
  absl::Status Remove(std::string_view id) const;

  // The sidecar JSON of letter (also the `show` output).
  static std::string ToJson(const DeadLetter& letter);

 private:
  std::string PathOf(std::string_view id, std::string_view ext) const;

  std::string dir_;
  std::string message_ext_;
  std::atomic<uint64_t> sequence_{0};
};

}  // namespace vigil::mllp
