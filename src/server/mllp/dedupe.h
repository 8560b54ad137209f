// Duplicate detection for HL7 v2 messages received over MLLP.
//
// A message is identified by (MSH-3 sending application, MSH-4 sending
// facility, MSH-10 control id); its content by a SHA-256 of its segments with
// the segment terminators normalized (CR, LF and CRLF read alike), so a resend
// through a different engine that rewrites line ends is still "the same".
//
// The record of a processed message is a store meta value written in the SAME
// store transaction as the message's resources (BundleProcessor's
// before-commit hook), so an acknowledged message always has its record and a
// record always has its resources:
//
//   key   "hl7v2.msg/" + percent-escaped app "|" facility "|" control id
//   value content hash (64 hex digits) " " time processed (ms since epoch)
//
// Decision (Decide):
//   no record                      -> kNew
//   record with the same hash      -> kDuplicate: ACK AA again, apply nothing
//   record with a different hash   -> kReused: a different message reusing the
//                                     control id; processed as new and logged
// A message without MSH-10 cannot be recognised: always kNew, no record.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil::mllp {

enum class Seen { kNew, kDuplicate, kReused };

// The meta key; "" when control_id is empty (no dedupe possible).
std::string DedupeKey(std::string_view sending_app, std::string_view sending_facility,
                      std::string_view control_id);

// SHA-256 (hex) of text with segment terminators normalized and trailing
// terminators ignored.
std::string ContentHash(std::string_view text);

// The meta value recorded for a message with this hash.
std::string DedupeRecord(std::string_view hash, int64_t now_ms);

// What to do with a message of content hash `hash`, given the stored record
// for its key (nullopt: none).
Seen Decide(const std::optional<std::string>& record, std::string_view hash);

}  // namespace vigil::mllp
