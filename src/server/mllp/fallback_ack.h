// ACKs for input that cannot be parsed as an HL7 v2 message (or was never
// received whole, e.g. an oversized frame): an AR built from the message's own
// MSH line when that line parses, so MSA-2 still names its control id, else
// from a minimal v2.5 header carrying BestEffortControlId (so MSA-2 still
// names the message whenever its MSH-10 can be found).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "ingest/hl7v2/ack.h"

namespace vigil::mllp {

// HL7 DTM for ms since the epoch, UTC: "20261129201500+0000".
std::string Hl7Timestamp(int64_t ms_since_epoch);

// A unique-per-process ACK control id ("VIGIL-<ms>-<n>").
std::string NextAckControlId(int64_t now_ms);

// MSH-10 read from raw without parsing the message (split on the character
// after "MSH"), with anything but [A-Za-z0-9._-] dropped; "" when none.
std::string BestEffortControlId(std::string_view raw);

// An ACK with code (AR or AE), one ERR (table 0357 `error`) saying reason.
// raw: the received bytes ("" when none).
std::string FallbackAck(std::string_view raw, hl7v2::AckCode code, hl7v2::ErrorCode error,
                        std::string_view reason, int64_t now_ms);

}  // namespace vigil::mllp
