// Temporal + / - time-valued quantities, and lowBoundary()/highBoundary().
#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/calendar.h"
#include "fhirpath/calendar_unit.h"
#include "fhirpath/temporal.h"

namespace vigil::fhirpath {
namespace {

using internal::CalendarUnit;

constexpr int64_t kDaysPerMonth = 30;  // calendar-duration conversion (FHIRPath/CQL)
constexpr int64_t kDaysPerYear = 365;

// The calendar unit a value's precision counts in (seconds and milliseconds apart).
CalendarUnit UnitOfPrecision(TemporalPrecision p) {
  static constexpr CalendarUnit kUnits[] = {
      CalendarUnit::kYear,   CalendarUnit::kMonth,  CalendarUnit::kDay,        CalendarUnit::kHour,
      CalendarUnit::kMinute, CalendarUnit::kSecond, CalendarUnit::kMillisecond};
  return kUnits[static_cast<int>(p)];
}

// Milliseconds in a definite unit (week and finer).
int64_t MillisOf(CalendarUnit u) {
  switch (u) {
    case CalendarUnit::kWeek: return 7 * kMsPerDay;
    case CalendarUnit::kDay: return kMsPerDay;
    case CalendarUnit::kHour: return kMsPerHour;
    case CalendarUnit::kMinute: return kMsPerMinute;
    case CalendarUnit::kSecond: return kMsPerSecond;
    default: return 1;
  }
}

// Keywords and the UCUM codes wk, d, h, min, s, ms. UCUM 'a' and 'mo' are definite
// durations (365.25 d, 30.4375 d), not calendar ones, so the conformance suite
// (testPlusDate14/16) expects an error for them.
absl::StatusOr<CalendarUnit> TemporalUnit(std::string_view unit) {
  if (std::optional<CalendarUnit> u = internal::CalendarKeyword(unit)) return *u;
  std::optional<CalendarUnit> u = internal::UcumTimeCode(unit);
  if (u && *u != CalendarUnit::kYear && *u != CalendarUnit::kMonth) return *u;
  return absl::InvalidArgumentError(absl::StrCat(
      "'", std::string(unit), "' is not a calendar duration usable in date/time arithmetic"));
}

// An amount in a unit, converted (and truncated) to the value's precision when
// the unit is finer: @2014 + 24 months = @2016, @2014-01-01 + 47 hours = + 1 day.
int64_t ToPrecisionUnits(__int128 n, CalendarUnit from, CalendarUnit to) {
  if (from <= to) return static_cast<int64_t>(n);
  if (to == CalendarUnit::kYear && from == CalendarUnit::kMonth)
    return static_cast<int64_t>(n / 12);
  if (to <= CalendarUnit::kMonth) {
    __int128 days = n * MillisOf(from) / kMsPerDay;
    return static_cast<int64_t>(days / (to == CalendarUnit::kYear ? kDaysPerYear : kDaysPerMonth));
  }
  return static_cast<int64_t>(n * MillisOf(from) / MillisOf(to));
}

void ClampDay(Temporal& t) { t.day = std::min(t.day, DaysInMonth(t.year, t.month)); }

void AddMonths(Temporal& t, int64_t months) {
  int64_t total = int64_t{t.year} * 12 + (t.month - 1) + months;
  t.year = static_cast<int>(FloorDiv(total, 12));
  t.month = static_cast<int>(FloorMod(total, 12)) + 1;
  ClampDay(t);
}

int64_t MillisOfDay(const Temporal& t) {
  return t.hour * kMsPerHour + t.minute * kMsPerMinute +
         t.second * kMsPerSecond + t.millisecond;
}

void SetMillisOfDay(Temporal& t, int64_t ms) {
  t.hour = static_cast<int>(ms / kMsPerHour);
  t.minute = static_cast<int>(ms / kMsPerMinute % 60);
  t.second = static_cast<int>(ms / kMsPerSecond % 60);
  t.millisecond = static_cast<int>(ms % 1000);
}

// Adds a definite number of milliseconds; a Time wraps around midnight.
void AddMillis(Temporal& t, __int128 delta) {
  if (t.kind == TemporalKind::kTime) {
    auto wrapped = static_cast<int64_t>(delta % kMsPerDay);
    SetMillisOfDay(t, FloorMod(MillisOfDay(t) + wrapped, kMsPerDay));
    return;
  }
  __int128 ms =
      static_cast<__int128>(DaysFromCivil(t.year, t.month, t.day)) * kMsPerDay +
      MillisOfDay(t) + delta;
  auto days = static_cast<int64_t>(ms / kMsPerDay);
  int64_t of_day = static_cast<int64_t>(ms % kMsPerDay);
  if (of_day < 0) {
    of_day += kMsPerDay;
    --days;
  }
  CivilDate date = CivilFromDays(days);
  t.year = date.year;
  t.month = date.month;
  t.day = date.day;
  SetMillisOfDay(t, of_day);
}

// Amounts beyond ten thousand years are out of range whatever the start; refusing
// them early keeps the arithmetic far from overflow.
constexpr int64_t kMaxYears = 10000;

bool WithinRange(int64_t n, int64_t bound) { return n <= bound && n >= -bound; }

absl::Status ApplyAmount(Temporal& t, int64_t n, CalendarUnit unit) {
  absl::Status out_of_range = absl::OutOfRangeError("date/time arithmetic out of range");
  if (unit == CalendarUnit::kYear || unit == CalendarUnit::kMonth) {
    if (!WithinRange(n, kMaxYears * 12)) return out_of_range;
    AddMonths(t, unit == CalendarUnit::kYear ? n * 12 : n);
  } else {
    if (!WithinRange(n, kMaxYears * 366 * kMsPerDay / MillisOf(unit)))
      return out_of_range;
    AddMillis(t, static_cast<__int128>(n) * MillisOf(unit));
  }
  if (t.kind != TemporalKind::kTime && (t.year < 1 || t.year > 9999)) return out_of_range;
  return absl::OkStatus();
}

// --- Boundaries ---

std::optional<TemporalPrecision> PrecisionForDigits(TemporalKind kind, int digits) {
  using P = TemporalPrecision;
  switch (kind) {
    case TemporalKind::kTime:
      if (digits == 2) return P::kHour;
      if (digits == 4) return P::kMinute;
      if (digits == 6) return P::kSecond;
      if (digits == 9) return P::kMillisecond;
      return std::nullopt;
    case TemporalKind::kDateTime:
      if (digits == 10) return P::kHour;
      if (digits == 12) return P::kMinute;
      if (digits == 14) return P::kSecond;
      if (digits == 17) return P::kMillisecond;
      [[fallthrough]];
    case TemporalKind::kDate:
      if (digits == 4) return P::kYear;
      if (digits == 6) return P::kMonth;
      if (digits == 8) return P::kDay;
      return std::nullopt;
  }
  return std::nullopt;
}

int MaxDigits(TemporalKind kind) {
  switch (kind) {
    case TemporalKind::kDate: return 8;
    case TemporalKind::kTime: return 9;
    case TemporalKind::kDateTime: return 17;
  }
  return 17;
}

// Sets the fields finer than `known`, down to `target`, to their least or greatest.
void FillUnknown(Temporal& t, TemporalPrecision known, TemporalPrecision target, bool high) {
  using P = TemporalPrecision;
  auto unknown = [&](P p) { return p > known && p <= target; };
  if (unknown(P::kMonth)) t.month = high ? 12 : 1;
  if (unknown(P::kDay)) t.day = high ? DaysInMonth(t.year, t.month) : 1;
  if (unknown(P::kHour)) t.hour = high ? 23 : 0;
  if (unknown(P::kMinute)) t.minute = high ? 59 : 0;
  if (unknown(P::kSecond)) t.second = high ? 59 : 0;
  if (unknown(P::kMillisecond)) t.millisecond = high ? 999 : 0;
}

// Clears the fields finer than the precision, so a truncated value prints and
// compares as written.
void ClearBelow(Temporal& t, TemporalPrecision p) {
  FillUnknown(t, p, TemporalPrecision::kMillisecond, false);
}

std::optional<Temporal> Boundary(const Temporal& value, std::optional<int> digits, bool high) {
  std::optional<TemporalPrecision> target =
      PrecisionForDigits(value.kind, digits.value_or(MaxDigits(value.kind)));
  if (!target) return std::nullopt;
  Temporal t = value;
  TemporalPrecision known = value.precision;
  // The conformance suite (Low/HighBoundaryDateTimeMillisecond1/3) reads an
  // hour-only DateTime as hh:00, as FHIR has no hour-only dateTime:
  // @2014-01-01T08.highBoundary(17) = @2014-01-01T08:00:59.999-12:00.
  if (value.kind == TemporalKind::kDateTime && known == TemporalPrecision::kHour) {
    known = TemporalPrecision::kMinute;
  }
  if (*target < value.precision) ClearBelow(t, *target);
  FillUnknown(t, known, *target, high);
  t.precision = *target;
  if (value.kind == TemporalKind::kDateTime) {
    // Without an offset the value may be in any zone: the earliest reading is at
    // +14:00 and the latest at -12:00.
    if (*target < TemporalPrecision::kHour) {
      t.tz_offset_minutes.reset();
    } else if (!t.tz_offset_minutes) {
      t.tz_offset_minutes = high ? -12 * 60 : 14 * 60;
    }
  }
  return t;
}

}  // namespace

absl::StatusOr<Temporal> Temporal::Add(const Decimal& amount, std::string_view unit) const {
  absl::StatusOr<CalendarUnit> u = TemporalUnit(unit);
  if (!u.ok()) return u.status();
  if (kind == TemporalKind::kTime && *u < CalendarUnit::kHour) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot add '", std::string(unit), "' to a Time"));
  }
  std::optional<int64_t> whole = amount.Truncate().ToInt();
  if (!whole) return absl::OutOfRangeError("duration out of range");
  CalendarUnit target = UnitOfPrecision(precision);
  if (kind == TemporalKind::kTime) target = std::max(target, CalendarUnit::kHour);
  int64_t n = ToPrecisionUnits(*whole, *u, target);
  Temporal result = *this;
  absl::Status status = ApplyAmount(result, n, std::min(*u, target));
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<Temporal> Temporal::Subtract(const Decimal& amount, std::string_view unit) const {
  return Add(-amount, unit);
}

std::optional<Temporal> Temporal::LowBoundary(std::optional<int> digits) const {
  return Boundary(*this, digits, /*high=*/false);
}

std::optional<Temporal> Temporal::HighBoundary(std::optional<int> digits) const {
  return Boundary(*this, digits, /*high=*/true);
}

}  // namespace vigil::fhirpath
