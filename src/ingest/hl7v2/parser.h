// Parsing HL7 v2 (v2.1 to v2.8 share the syntax; v2.3–v2.8 are what we map)
// text into Messages.
//
// Accepted input:
//   - segments ended by CR (the standard), LF or CRLF, mixed; blank lines are
//     skipped; a UTF-8 byte-order mark at the start is skipped;
//   - any delimiters MSH-1/MSH-2 choose: MSH-1 is the character after "MSH",
//     MSH-2 the 2–5 characters up to the next field separator (component,
//     repetition, escape, sub-component, and the v2.7 truncation character,
//     which is accepted and ignored). They must be distinct printable
//     non-alphanumeric ASCII characters;
//   - Z-segments and any other segment ID of three characters [A-Z][A-Z0-9]{2};
//   - batches: FHS/BHS/BTS/FTS envelopes around any number of messages, or
//     simply several messages one after another. Each MSH starts a message.
//
// Rejected (InvalidArgument, the message names the line and, where it helps,
// the column or field): input that is empty or does not start with MSH (or
// FHS/BHS for a batch); bad delimiters; a line that is not a segment; a
// message truncated before MSH-9 (message type). Never crashes, whatever the
// bytes; memory is proportional to the input.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ingest/hl7v2/message.h"

namespace vigil::hl7v2 {

// Exactly one message (no batch envelope). A second MSH is an error.
absl::StatusOr<Message> ParseMessage(std::string_view text);

// A batch file: the envelope segments (FHS, BHS, BTS, FTS in input order) and
// each message, parsed on its own, so one bad message does not hide the others.
struct Batch {
  std::vector<Segment> envelope;
  std::vector<absl::StatusOr<Message>> messages;
};

// A batch (FHS/BHS...BTS/FTS), or one or more messages without an envelope.
// Errors here concern the file as a whole: no message at all, a segment
// before the first MSH that is not FHS/BHS, an envelope with bad delimiters,
// or a BTS-1 count that does not match the messages of its batch.
absl::StatusOr<Batch> ParseBatch(std::string_view text);

}  // namespace vigil::hl7v2
