// Building the HL7 v2 acknowledgement (original mode ACK) for a parsed message.
//
//   MSH|^~\&|<orig MSH-5>|<orig MSH-6>|<orig MSH-3>|<orig
//   MSH-4>|<time>||ACK^<trigger>^ACK|<id>|<MSH-11>|<MSH-12> MSA|AE|<orig MSH-10>|<first error, for
//   pre-2.5 receivers> ERR|<ERR-1 (versions before 2.5)>|PID^1^7|102^Data type
//   error^HL70357|E||||PID-7: invalid date '1999133'
//
// The ACK uses the original message's delimiters; text is escaped. One ERR
// per issue (warnings too, with ERR-4 "W"). ERR-2 is the location (segment ID,
// sequence, field, repetition, component), ERR-3 the table 0357 code, ERR-4
// the severity, ERR-8 the user message. Segments end with CR; the result is
// the message without MLLP framing.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "ingest/hl7v2/issue.h"
#include "ingest/hl7v2/message.h"

namespace vigil::hl7v2 {

enum class AckCode { kAccept, kError, kReject };  // MSA-1: AA, AE, AR

// AR when the message type or event is unsupported, AE for any other error,
// else AA.
AckCode AckCodeFor(const std::vector<Issue>& issues);

struct AckOptions {
  std::string control_id;  // MSH-10 of the ACK (REQUIRES: unique per ACK)
  std::string timestamp;   // MSH-7, HL7 DTM ("20261129201500+0000")
};

std::string BuildAck(const Message& original, AckCode code, const std::vector<Issue>& issues,
                     const AckOptions& options);

}  // namespace vigil::hl7v2
