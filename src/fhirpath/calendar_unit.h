// FHIRPath's calendar duration keywords (year ... millisecond) and the UCUM time
// codes that stand for the same durations. Shared by temporal.cc and quantity.cc.
//
// Internal to the value library; not part of its API.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil::fhirpath::internal {

// Ordered from coarsest to finest.
enum class CalendarUnit : uint8_t {
  kYear,
  kMonth,
  kWeek,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kMillisecond
};

struct CalendarUnitName {
  std::string_view singular;
  std::string_view plural;
  std::string_view ucum;  // the UCUM code of the same name ('a' and 'mo' are NOT equal to it)
  CalendarUnit unit;
};

inline constexpr std::array<CalendarUnitName, 8> kCalendarUnitNames = {{
    {"year", "years", "a", CalendarUnit::kYear},
    {"month", "months", "mo", CalendarUnit::kMonth},
    {"week", "weeks", "wk", CalendarUnit::kWeek},
    {"day", "days", "d", CalendarUnit::kDay},
    {"hour", "hours", "h", CalendarUnit::kHour},
    {"minute", "minutes", "min", CalendarUnit::kMinute},
    {"second", "seconds", "s", CalendarUnit::kSecond},
    {"millisecond", "milliseconds", "ms", CalendarUnit::kMillisecond},
}};

// "year", "years", ... (the keywords only, not UCUM codes).
inline std::optional<CalendarUnit> CalendarKeyword(std::string_view unit) {
  for (const CalendarUnitName& n : kCalendarUnitNames) {
    if (unit == n.singular || unit == n.plural) return n.unit;
  }
  return std::nullopt;
}

// "a", "mo", "wk", "d", "h", "min", "s", "ms".
inline std::optional<CalendarUnit> UcumTimeCode(std::string_view unit) {
  for (const CalendarUnitName& n : kCalendarUnitNames) {
    if (unit == n.ucum) return n.unit;
  }
  return std::nullopt;
}

inline std::string_view UcumCodeOf(CalendarUnit unit) {
  return kCalendarUnitNames[static_cast<size_t>(unit)].ucum;
}

inline std::string_view SingularOf(CalendarUnit unit) {
  return kCalendarUnitNames[static_cast<size_t>(unit)].singular;
}

}  // namespace vigil::fhirpath::internal
