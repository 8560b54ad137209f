// Parsing, printing and comparison of Temporal values. Arithmetic and boundaries
// live in temporal_arithmetic.cc.
#include "fhirpath/temporal.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>

#include "absl/strings/str_format.h"
#include "base/calendar.h"

namespace vigil::fhirpath {
namespace {


// The largest offsets in use: -12:00 (Baker Island) and +14:00 (Kiribati).
constexpr int kMinOffsetMinutes = -12 * 60;
constexpr int kMaxOffsetMinutes = 14 * 60;

// Reads fixed-width fields from the text being parsed.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  bool Peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool Consume(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  // Exactly n digits as a number, or nullopt (nothing consumed).
  std::optional<int> Number(int n) {
    if (text_.size() - pos_ < static_cast<size_t>(n)) return std::nullopt;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    return v;
  }
  // One to nine fraction digits as milliseconds (digits beyond the third are dropped).
  std::optional<int> FractionMillis() {
    int digits = 0, millis = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (digits < 3) millis = millis * 10 + (text_[pos_] - '0');
      ++digits;
      ++pos_;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
    for (int i = digits; i < 3; ++i) millis *= 10;
    return millis;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

bool InRange(std::optional<int> v, int lo, int hi) { return v && *v >= lo && *v <= hi; }

// YYYY[-MM[-DD]] into t.
bool ParseDatePart(Cursor& in, Temporal& t) {
  std::optional<int> year = in.Number(4);
  if (!InRange(year, 1, 9999)) return false;
  t.year = *year;
  t.precision = TemporalPrecision::kYear;
  if (!in.Consume('-')) return true;
  std::optional<int> month = in.Number(2);
  if (!InRange(month, 1, 12)) return false;
  t.month = *month;
  t.precision = TemporalPrecision::kMonth;
  if (!in.Consume('-')) return true;
  std::optional<int> day = in.Number(2);
  if (!InRange(day, 1, DaysInMonth(t.year, t.month))) return false;
  t.day = *day;
  t.precision = TemporalPrecision::kDay;
  return true;
}

// HH[:MM[:SS[.fff]]] into t.
bool ParseClockPart(Cursor& in, Temporal& t) {
  std::optional<int> hour = in.Number(2);
  if (!InRange(hour, 0, 23)) return false;
  t.hour = *hour;
  t.precision = TemporalPrecision::kHour;
  if (!in.Consume(':')) return true;
  std::optional<int> minute = in.Number(2);
  if (!InRange(minute, 0, 59)) return false;
  t.minute = *minute;
  t.precision = TemporalPrecision::kMinute;
  if (!in.Consume(':')) return true;
  std::optional<int> second = in.Number(2);
  if (!InRange(second, 0, 59)) return false;
  t.second = *second;
  t.precision = TemporalPrecision::kSecond;
  if (!in.Consume('.')) return true;
  std::optional<int> millis = in.FractionMillis();
  if (!millis) return false;
  t.millisecond = *millis;
  t.precision = TemporalPrecision::kMillisecond;
  return true;
}

// Z | (+|-)HH:MM into t.tz_offset_minutes.
bool ParseTimeZone(Cursor& in, Temporal& t) {
  if (in.Consume('Z')) {
    t.tz_offset_minutes = 0;
    return true;
  }
  bool negative = in.Peek('-');
  if (!in.Consume('+') && !in.Consume('-')) return false;
  std::optional<int> hours = in.Number(2);
  if (!hours || !in.Consume(':')) return false;
  std::optional<int> minutes = in.Number(2);
  if (!InRange(minutes, 0, 59)) return false;
  int offset = (*hours * 60 + *minutes) * (negative ? -1 : 1);
  if (offset < kMinOffsetMinutes || offset > kMaxOffsetMinutes) return false;
  t.tz_offset_minutes = offset;
  return true;
}

std::string FormatDate(const Temporal& t) {
  std::string s = absl::StrFormat("%04d", t.year);
  if (t.precision >= TemporalPrecision::kMonth) absl::StrAppendFormat(&s, "-%02d", t.month);
  if (t.precision >= TemporalPrecision::kDay) absl::StrAppendFormat(&s, "-%02d", t.day);
  return s;
}

std::string FormatClock(const Temporal& t) {
  std::string s = absl::StrFormat("%02d", t.hour);
  if (t.precision >= TemporalPrecision::kMinute) absl::StrAppendFormat(&s, ":%02d", t.minute);
  if (t.precision >= TemporalPrecision::kSecond) absl::StrAppendFormat(&s, ":%02d", t.second);
  if (t.precision >= TemporalPrecision::kMillisecond) {
    absl::StrAppendFormat(&s, ".%03d", t.millisecond);
  }
  return s;
}

std::string FormatTimeZone(int offset) {
  if (offset == 0) return "Z";
  int magnitude = std::abs(offset);
  return absl::StrFormat("%c%02d:%02d", offset < 0 ? '-' : '+', magnitude / 60, magnitude % 60);
}

bool HasClock(const Temporal& t) { return t.precision >= TemporalPrecision::kHour; }

// The comparable components, coarsest first; seconds and milliseconds are one.
struct Components {
  std::array<int64_t, 6> values{};
  int count = 0;
};

Components ComponentsOf(const Temporal& t) {
  int64_t seconds = int64_t{t.second} * 1000 + t.millisecond;
  int level = std::min(static_cast<int>(t.precision), static_cast<int>(TemporalPrecision::kSecond));
  if (t.kind == TemporalKind::kTime) {
    return Components{{t.hour, t.minute, seconds}, level - 2};
  }
  return Components{{t.year, t.month, t.day, t.hour, t.minute, seconds}, level + 1};
}

std::optional<int> CompareComponents(const Temporal& a, const Temporal& b) {
  Components ca = ComponentsOf(a), cb = ComponentsOf(b);
  for (int i = 0; i < std::min(ca.count, cb.count); ++i) {
    if (ca.values[i] != cb.values[i]) return ca.values[i] < cb.values[i] ? -1 : 1;
  }
  if (ca.count != cb.count) return std::nullopt;
  return 0;
}

// The same instant at offset 0. REQUIRES: a DateTime with a clock and an offset.
Temporal ToUtc(const Temporal& t) {
  int64_t ms = EpochMs(t.year, t.month, t.day, t.hour, t.minute, t.second, t.millisecond) -
               *t.tz_offset_minutes * kMsPerMinute;
  Temporal r = t;
  CivilDate date = CivilFromDays(FloorDiv(ms, kMsPerDay));
  int64_t of_day = FloorMod(ms, kMsPerDay);
  r.year = date.year;
  r.month = date.month;
  r.day = date.day;
  r.hour = static_cast<int>(of_day / kMsPerHour);
  r.minute = static_cast<int>(of_day / kMsPerMinute % 60);
  r.second = static_cast<int>(of_day / kMsPerSecond % 60);
  r.millisecond = static_cast<int>(of_day % 1000);
  r.tz_offset_minutes = 0;
  return r;
}

Temporal WithOffset(Temporal t, int offset) {
  t.tz_offset_minutes = offset;
  return t;
}

// Both values carry a clock. When only one has an offset, the other's offset is
// unknown: the answer stands only if it is the same at both extreme offsets.
std::optional<int> CompareInstants(const Temporal& a, const Temporal& b) {
  if (a.tz_offset_minutes && b.tz_offset_minutes) return CompareComponents(ToUtc(a), ToUtc(b));
  if (!a.tz_offset_minutes && !b.tz_offset_minutes) return CompareComponents(a, b);
  std::optional<int> answers[2];
  const int extremes[2] = {kMinOffsetMinutes, kMaxOffsetMinutes};
  for (int i = 0; i < 2; ++i) {
    Temporal a2 = a.tz_offset_minutes ? a : WithOffset(a, extremes[i]);
    Temporal b2 = b.tz_offset_minutes ? b : WithOffset(b, extremes[i]);
    answers[i] = CompareComponents(ToUtc(a2), ToUtc(b2));
  }
  if (answers[0] != answers[1]) return std::nullopt;
  return answers[0];
}

}  // namespace

std::optional<Temporal> Temporal::ParseDate(std::string_view text) {
  Temporal t;
  t.kind = TemporalKind::kDate;
  Cursor in(text);
  if (!ParseDatePart(in, t) || !in.AtEnd()) return std::nullopt;
  return t;
}

std::optional<Temporal> Temporal::ParseDateTime(std::string_view text) {
  Temporal t;
  t.kind = TemporalKind::kDateTime;
  Cursor in(text);
  if (!ParseDatePart(in, t)) return std::nullopt;
  // "2014T" and "2014-01-25T" are DateTimes without a clock; a clock needs a full date.
  if (in.Consume('T') && !in.AtEnd()) {
    if (t.precision != TemporalPrecision::kDay || !ParseClockPart(in, t)) return std::nullopt;
    if (!in.AtEnd() && !ParseTimeZone(in, t)) return std::nullopt;
  }
  if (!in.AtEnd()) return std::nullopt;
  return t;
}

std::optional<Temporal> Temporal::ParseTime(std::string_view text) {
  Temporal t;
  t.kind = TemporalKind::kTime;
  Cursor in(text);
  if (!ParseClockPart(in, t) || !in.AtEnd()) return std::nullopt;
  return t;
}

std::string Temporal::ToString() const {
  if (kind == TemporalKind::kTime) return FormatClock(*this);
  std::string s = FormatDate(*this);
  if (kind == TemporalKind::kDateTime && HasClock(*this)) {
    s += "T" + FormatClock(*this);
    if (tz_offset_minutes) s += FormatTimeZone(*tz_offset_minutes);
  }
  return s;
}

std::optional<int> Temporal::Compare(const Temporal& a, const Temporal& b) {
  if ((a.kind == TemporalKind::kTime) != (b.kind == TemporalKind::kTime)) return std::nullopt;
  bool both_dated_clocks = a.kind == TemporalKind::kDateTime && b.kind == TemporalKind::kDateTime &&
                           HasClock(a) && HasClock(b);
  if (both_dated_clocks) return CompareInstants(a, b);
  return CompareComponents(a, b);
}

std::optional<bool> Temporal::Equal(const Temporal& a, const Temporal& b) {
  std::optional<int> c = Compare(a, b);
  if (!c) return std::nullopt;
  return *c == 0;
}

bool Temporal::Equivalent(const Temporal& a, const Temporal& b) { return Compare(a, b) == 0; }

int Temporal::PrecisionDigits() const {
  static constexpr int kDateDigits[] = {4, 6, 8, 10, 12, 14, 17};
  static constexpr int kTimeDigits[] = {0, 0, 0, 2, 4, 6, 9};
  const int* digits = kind == TemporalKind::kTime ? kTimeDigits : kDateDigits;
  return digits[static_cast<int>(precision)];
}

}  // namespace vigil::fhirpath
