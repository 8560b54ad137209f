#include "search/values.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "base/calendar.h"
#include "fhir/model.h"

namespace vigil::search {
namespace {

using fhirpath::TemporalKind;
using fhirpath::TemporalPrecision;

// Splits "a/b/c" into segments.
std::vector<std::string_view> Segments(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    out.push_back(s.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

std::string_view StripHistory(std::string_view s) {
  size_t h = s.find("/_history/");
  return h == std::string_view::npos ? s : s.substr(0, h);
}

bool IsAbsolute(std::string_view s) {
  return s.find("://") != std::string_view::npos || s.starts_with("urn:");
}

}  // namespace

std::optional<TimeRange> TemporalRange(const fhirpath::Temporal& t) {
  if (t.kind == TemporalKind::kTime) return std::nullopt;
  int64_t low = EpochMs(t.year, t.month, t.day, t.hour, t.minute, t.second, t.millisecond);
  int64_t next = 0;  // the first instant after the value's period
  switch (t.precision) {
    case TemporalPrecision::kYear: next = EpochMs(t.year + 1, 1, 1, 0, 0, 0, 0); break;
    case TemporalPrecision::kMonth:
      next = t.month == 12 ? EpochMs(t.year + 1, 1, 1, 0, 0, 0, 0)
                           : EpochMs(t.year, t.month + 1, 1, 0, 0, 0, 0);
      break;
    case TemporalPrecision::kDay: next = low + kMsPerDay; break;
    case TemporalPrecision::kHour: next = low + kMsPerHour; break;
    case TemporalPrecision::kMinute: next = low + kMsPerMinute; break;
    case TemporalPrecision::kSecond: next = low + kMsPerSecond; break;
    case TemporalPrecision::kMillisecond: next = low + 1; break;
  }
  // No offset (dates, or a dateTime without one): read as UTC, see values.h.
  int64_t shift = t.tz_offset_minutes.value_or(0) * kMsPerMinute;
  return TimeRange{low - shift, next - 1 - shift};
}

std::optional<TimeRange> ParseDateRange(std::string_view text) {
  std::optional<fhirpath::Temporal> t = fhirpath::Temporal::ParseDateTime(text);
  if (!t || text.ends_with('T')) return std::nullopt;
  return TemporalRange(*t);
}

std::optional<NumberRange> ParseNumberRange(std::string_view text) {
  size_t i = 0, n = text.size();
  if (i < n && (text[i] == '-' || text[i] == '+')) ++i;
  size_t int_start = i;
  while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == int_start) return std::nullopt;
  int fraction_digits = 0;
  if (i < n && text[i] == '.') {
    ++i;
    size_t frac_start = i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
    fraction_digits = static_cast<int>(i - frac_start);
    if (fraction_digits == 0) return std::nullopt;
  }
  int exponent = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    size_t exp_start = i;
    if (i < n && (text[i] == '-' || text[i] == '+')) ++i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
    std::string_view e = text.substr(exp_start, i - exp_start);
    if (!e.empty() && e[0] == '+') e.remove_prefix(1);
    auto [p, ec] = std::from_chars(e.data(), e.data() + e.size(), exponent);
    if (ec != std::errc() || p != e.data() + e.size()) return std::nullopt;
  }
  if (i != n) return std::nullopt;
  std::string_view number = text[0] == '+' ? text.substr(1) : text;
  double value = 0;
  auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || p != number.data() + number.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  // Bounds = value -/+ half a unit of the last digit. Computed as (digits*10 -/+ 5)
  // / 10^k from exact integers where they fit, so that "5.4" gives exactly the
  // doubles nearest 5.35 and 5.45 (as parsing those texts would).
  int scale = fraction_digits - exponent + 1;  // bound = integer / 10^scale
  std::string digits;
  for (char c : text.substr(int_start)) {
    if (c == 'e' || c == 'E') break;
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
  if (digits.size() <= 15 && scale >= -15 && scale <= 22) {
    double mantissa = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), mantissa);
    double sign = text[0] == '-' ? -1 : 1;
    double a = sign * (mantissa * 10 - 5), b = sign * (mantissa * 10 + 5);
    double p10 = std::pow(10.0, std::abs(scale));  // exact for |scale| <= 22
    double lo = scale >= 0 ? a / p10 : a * p10, hi = scale >= 0 ? b / p10 : b * p10;
    return NumberRange{value, std::min(lo, hi), std::max(lo, hi)};
  }
  double half = 0.5 * std::pow(10.0, exponent - fraction_digits);
  return NumberRange{value, value - half, value + half};
}

std::optional<ParsedReference> ParseReferenceText(std::string_view text, bool canonical) {
  if (text.empty() || text[0] == '#') return std::nullopt;
  if (canonical) text = text.substr(0, text.find('|'));
  text = StripHistory(text);
  ParsedReference out;
  out.url = std::string(text);
  if (IsAbsolute(text) || text.find('?') != std::string_view::npos) return out;
  std::vector<std::string_view> parts = Segments(text);
  if (parts.size() == 2 && !parts[1].empty() && fhir::IsResourceType(parts[0])) {
    out.type = std::string(parts[0]);
    out.id = std::string(parts[1]);
  }
  return out;
}

std::string_view ReferenceTargetType(std::string_view text) {
  text = StripHistory(text);
  if (text.find('?') != std::string_view::npos) return {};
  std::vector<std::string_view> parts = Segments(text);
  if (parts.size() < 2) return {};
  std::string_view type = parts[parts.size() - 2];
  return fhir::IsResourceType(type) ? type : std::string_view{};
}

}  // namespace vigil::search
