// HL7 v2 date/time values (DT, DTM, and TS's first component) to FHIR R4
// date, dateTime and instant.
//
// HL7:  YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]
//
// FHIR dateTime has the precisions year, month, day and second; a time needs
// seconds and a time zone. So:
//   - "1999", "199903", "19990305" keep their precision ("1999-03-05");
//   - a time is written to the second: "1999030514" -> 14:00:00, "199903051430"
//     -> 14:30:00, fractions are kept (".1234"); the offset "+0130" -> "+01:30";
//   - a time without an offset gets Options::default_offset when one is set;
//     otherwise only the date is kept (we do not guess a time zone);
//   - an offset on a date without time is dropped.
// An instant needs seconds and an offset in the input (or the default).
//
// Errors (InvalidArgument) quote the value: "invalid date '1999133'" — month
// 13, day 32, hour 24, a wrong number of digits, offsets beyond +/-14:00.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace vigil::hl7v2 {

struct DateTimeOptions {
  // Offset assumed for local times, as "+HH:MM"/"-HH:MM" (or "Z"); none: drop the time.
  std::optional<std::string> default_offset;
};

// FHIR dateTime (precision kept as described above).
absl::StatusOr<std::string> ToFhirDateTime(std::string_view hl7,
                                           const DateTimeOptions& options = {});
// FHIR date: the date part only ("19880818112600+0215" -> "1988-08-18").
absl::StatusOr<std::string> ToFhirDate(std::string_view hl7);
// FHIR instant; std::nullopt when the value is valid but too coarse for one.
absl::StatusOr<std::optional<std::string>> ToFhirInstant(std::string_view hl7,
                                                         const DateTimeOptions& options = {});

}  // namespace vigil::hl7v2
