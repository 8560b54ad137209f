// A problem with an HL7 v2 message's data, located the way an ACK's ERR
// segment locates it (ERR-2, v2.5+: segment ID, sequence, field, repetition,
// component) and coded with HL7 table 0357 (ERR-3).
//
// Errors stop the mapping of a message (its ACK becomes AE, or AR for an
// unsupported message type); warnings do not (data dropped or approximated).
// These are the "input is bad" channel; our own failures stay absl::Status.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace vigil::hl7v2 {

// HL7 table 0357 (message error condition codes) that we report.
enum class ErrorCode : int {
  kSegmentSequence = 100,
  kRequiredFieldMissing = 101,
  kDataTypeError = 102,
  kTableValueNotFound = 103,
  kUnsupportedMessageType = 200,
  kUnsupportedEventCode = 201,
  kInternalError = 207,
};

// The table's text for code ("Required field missing").
const char* ErrorCodeText(ErrorCode code);

struct Issue {
  enum class Severity { kError, kWarning };

  Severity severity = Severity::kError;
  ErrorCode code = ErrorCode::kDataTypeError;
  std::string segment;  // "PID"; empty when the issue is about the whole message
  int sequence = 1;     // which occurrence of the segment (1-based)
  int field = 0;        // 0: the whole segment
  int repetition = 0;   // 0: not specific to one repetition
  int component = 0;    // 0: the whole field
  std::string message;  // for a person: "invalid date '1999133'"

  bool is_error() const { return severity == Severity::kError; }
  // "PID-7", "OBX(2)-5", "PID-3[2].4"; the first occurrence is not numbered.
  std::string Location() const;
  // "PID-7: invalid date '1999133'" (warnings: "warning: " in front).
  std::string ToString() const;
};

bool HasErrors(const std::vector<Issue>& issues);
// InvalidArgument naming every error (one per line); OK when there is none.
absl::Status ErrorsToStatus(const std::vector<Issue>& issues);

}  // namespace vigil::hl7v2
