// FHIRPath's System.Date, System.DateTime and System.Time values.
//
// A Temporal keeps the precision it was written with: @2014 is a year,
// @2014-01-25T14:30 is a minute. Comparisons follow FHIRPath: values are
// normalised to UTC when both carry a time zone, then compared field by field
// down to the coarser precision; when the values agree up to that point but one
// is more precise, the result is unknown (nullopt -> empty collection).
// Seconds and milliseconds count as one precision for comparison.
//
// Thread-safety: a value type; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "fhirpath/decimal.h"

namespace vigil::fhirpath {

enum class TemporalKind : uint8_t { kDate, kDateTime, kTime };

enum class TemporalPrecision : uint8_t {
  kYear,
  kMonth,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kMillisecond,
};

struct Temporal {
  TemporalKind kind = TemporalKind::kDate;
  TemporalPrecision precision = TemporalPrecision::kYear;
  int year = 0, month = 1, day = 1;  // unused for kTime
  int hour = 0, minute = 0, second = 0, millisecond = 0;
  std::optional<int> tz_offset_minutes;  // DateTime only; +01:00 -> 60, Z -> 0

  // Parsers take the text without FHIRPath's leading '@' (and for times without 'T').
  // They accept both FHIRPath literal forms and FHIR JSON forms:
  //   ParseDate("2014"), ParseDate("2014-01-25")
  //   ParseDateTime("2014-01-25T14:30:14.559+01:00"), ParseDateTime("2014-01-25T"),
  //   ParseDateTime("2014") (a DateTime with year precision)
  //   ParseTime("14:30"), ParseTime("14:30:14.559")
  // nullopt when malformed or a field is out of range (month 13, Feb 30, ...).
  static std::optional<Temporal> ParseDate(std::string_view text);
  static std::optional<Temporal> ParseDateTime(std::string_view text);
  static std::optional<Temporal> ParseTime(std::string_view text);

  // The FHIR/ISO form without '@', at this value's precision:
  // "2014-01", "2014-01-25T14:30:14.559+01:00", "14:30".
  std::string ToString() const;

  // -1/0/1, or nullopt when the answer is unknown because of differing precision,
  // or when kinds are incomparable (Time vs Date). A Date compared with a DateTime is
  // compared as a DateTime of day precision.
  static std::optional<int> Compare(const Temporal& a, const Temporal& b);
  // FHIRPath '=': true/false, or nullopt (unknown) as for Compare.
  static std::optional<bool> Equal(const Temporal& a, const Temporal& b);
  // FHIRPath '~': differing precision is simply false.
  static bool Equivalent(const Temporal& a, const Temporal& b);

  // Adds amount of unit, where unit is a calendar duration keyword (year(s), month(s),
  // week(s), day(s), hour(s), minute(s), second(s), millisecond(s)) or the UCUM codes
  // 'a', 'mo', 'wk', 'd', 'h', 'min', 's', 'ms'. Per FHIRPath, a fractional amount is
  // truncated for calendar units above the value's precision, month arithmetic clamps
  // to the last day of the month, and units finer than the precision are converted
  // and truncated (@2014 + 24 months = @2016). InvalidArgument for other units.
  // Implementation notes: UCUM 'a' and 'mo' are refused (InvalidArgument) as the R4
  // conformance suite requires (testPlusDate14/16): they are definite durations of
  // 365.25 and 30.4375 days, not calendar ones. The amount is truncated in its own unit
  // for every unit (testPlusDate19: + 0.1 's' adds nothing). Converting days to months
  // or years uses 30 and 365 days. Time + year/month/week/day is InvalidArgument; a
  // result outside years 1..9999 is OutOfRange. A Time wraps around midnight.
  absl::StatusOr<Temporal> Add(const Decimal& amount, std::string_view unit) const;
  absl::StatusOr<Temporal> Subtract(const Decimal& amount, std::string_view unit) const;

  // Precision in FHIRPath's precision() sense: digits of the written form
  // (year 4, month 6, day 8, hour 10, minute 12, second 14, millisecond 17; time: 2,4,6,9).
  int PrecisionDigits() const;
  // lowBoundary()/highBoundary() to the given precision digits (or the max when nullopt).
  // Digits: Date 4/6/8, DateTime 4/6/8/10/12/14/17, Time 2/4/6/9; others give nullopt.
  // A DateTime with a clock but no offset gets +14:00 (low) or -12:00 (high). As the
  // conformance suite expects, an hour-only DateTime counts as hh:00 (FHIR has no
  // hour-only dateTime): @2014-01-01T08.highBoundary(17) = @2014-01-01T08:00:59.999-12:00.
  std::optional<Temporal> LowBoundary(std::optional<int> digits) const;
  std::optional<Temporal> HighBoundary(std::optional<int> digits) const;
};

}  // namespace vigil::fhirpath
