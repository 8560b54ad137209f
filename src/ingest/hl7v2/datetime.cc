#include "ingest/hl7v2/datetime.h"

#include "base/calendar.h"
#include "base/str.h"

namespace vigil::hl7v2 {
namespace {

struct Parts {
  std::string_view digits;    // YYYY...SS
  std::string_view fraction;  // after '.', digits only
  std::string offset;         // "+01:30" or ""
};

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int Num(std::string_view s, size_t pos, size_t len) {
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

absl::Status Invalid(std::string_view hl7) {
  return absl::InvalidArgumentError(StrCat("invalid date '", hl7, "'"));
}

// Splits and checks the value; every field is range-checked.
absl::StatusOr<Parts> Split(std::string_view hl7) {
  Parts p;
  std::string_view s = hl7;
  size_t sign = s.find_first_of("+-");
  if (sign != std::string_view::npos) {
    std::string_view z = s.substr(sign + 1);
    if (z.size() != 4 || !AllDigits(z)) return Invalid(hl7);
    int hh = Num(z, 0, 2), mm = Num(z, 2, 2);
    if (mm > 59 || hh > 14 || (hh == 14 && mm != 0)) return Invalid(hl7);
    p.offset = StrCat(s[sign], z.substr(0, 2), ":", z.substr(2, 2));
    s = s.substr(0, sign);
  }
  size_t dot = s.find('.');
  if (dot != std::string_view::npos) {
    p.fraction = s.substr(dot + 1);
    s = s.substr(0, dot);
    if (p.fraction.empty() || p.fraction.size() > 9 || !AllDigits(p.fraction) || s.size() != 14) {
      return Invalid(hl7);
    }
  }
  const size_t n = s.size();
  if (!AllDigits(s) || (n != 4 && n != 6 && n != 8 && n != 10 && n != 12 && n != 14)) {
    return Invalid(hl7);
  }
  int year = Num(s, 0, 4);
  if (year < 1) return Invalid(hl7);
  if (n >= 6 && (Num(s, 4, 2) < 1 || Num(s, 4, 2) > 12)) return Invalid(hl7);
  if (n >= 8 && (Num(s, 6, 2) < 1 || Num(s, 6, 2) > DaysInMonth(year, Num(s, 4, 2)))) {
    return Invalid(hl7);
  }
  if (n >= 10 && Num(s, 8, 2) > 23) return Invalid(hl7);
  if (n >= 12 && Num(s, 10, 2) > 59) return Invalid(hl7);
  if (n >= 14 && Num(s, 12, 2) > 60) return Invalid(hl7);
  p.digits = s;
  return p;
}

std::string DatePart(std::string_view d) {
  std::string out(d.substr(0, 4));
  if (d.size() >= 6) out += StrCat("-", d.substr(4, 2));
  if (d.size() >= 8) out += StrCat("-", d.substr(6, 2));
  return out;
}

std::string TimePart(const Parts& p) {
  std::string_view d = p.digits;
  std::string out = StrCat("T", d.substr(8, 2), ":", d.size() >= 12 ? d.substr(10, 2) : "00", ":",
                           d.size() >= 14 ? d.substr(12, 2) : "00");
  if (!p.fraction.empty()) out += StrCat(".", p.fraction);
  return out;
}

}  // namespace

absl::StatusOr<std::string> ToFhirDateTime(std::string_view hl7, const DateTimeOptions& options) {
  absl::StatusOr<Parts> p = Split(hl7);
  if (!p.ok()) return p.status();
  std::string out = DatePart(p->digits);
  if (p->digits.size() <= 8) return out;
  std::string offset = p->offset;
  if (offset.empty() && options.default_offset) offset = *options.default_offset;
  if (offset.empty()) return out;  // local time of unknown zone: keep the date
  return out + TimePart(*p) + offset;
}

absl::StatusOr<std::string> ToFhirDate(std::string_view hl7) {
  absl::StatusOr<Parts> p = Split(hl7);
  if (!p.ok()) return p.status();
  return DatePart(p->digits.substr(0, std::min<size_t>(p->digits.size(), 8)));
}

absl::StatusOr<std::optional<std::string>> ToFhirInstant(std::string_view hl7,
                                                         const DateTimeOptions& options) {
  absl::StatusOr<Parts> p = Split(hl7);
  if (!p.ok()) return p.status();
  std::string offset = p->offset;
  if (offset.empty() && options.default_offset) offset = *options.default_offset;
  if (p->digits.size() < 14 || offset.empty()) return std::optional<std::string>();
  return std::optional<std::string>(DatePart(p->digits) + TimePart(*p) + offset);
}

}  // namespace vigil::hl7v2
