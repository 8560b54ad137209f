// FHIRPath's System.Quantity: a decimal value with a UCUM unit or a calendar
// duration keyword.
//
// Units: UCUM codes as written ('mg', 'kg', 'cm', 'mm[Hg]', '%', '/min', ...) or
// the calendar keywords year/month/week/day/hour/minute/second/millisecond (and
// plurals). Unit conversion covers the common clinical UCUM units through a
// table of (dimension vector, factor) per atom with SI prefixes, so 'g' vs 'mg',
// 'cm' vs 'm' vs '[in_i]', 'h' vs 'min', 'Cel' vs 'K' (offset), 'kg/m2'
// compare correctly.
//
// Calendar keywords compare equal to their UCUM counterparts for week and below
// (1 week = 1 'wk', 1 day = 1 'd', 1 second = 1 's'), but 1 year != 1 'a' and
// 1 month != 1 'mo' (FHIRPath spec, "Time-valued quantities").
//
// Thread-safety: a value type; the unit table is immutable static data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fhirpath/decimal.h"

namespace vigil::fhirpath {

struct Quantity {
  Decimal value;
  std::string unit = "1";  // "1" is the UCUM unity

  // Parses a FHIRPath quantity literal's unit: a calendar keyword or a quoted UCUM
  // string's content ("mg"). Returns whether the unit is known to the converter.
  static bool IsKnownUnit(std::string_view unit);
  static bool IsCalendarUnit(std::string_view unit);

  // FHIRPath text: "4.0 'mg'", "1 year".
  std::string ToString() const;

  // -1/0/1 after converting b to a's unit; nullopt when the units are not comparable.
  static std::optional<int> Compare(const Quantity& a, const Quantity& b);
  // '=': nullopt when not comparable (per spec, empty result).
  static std::optional<bool> Equal(const Quantity& a, const Quantity& b);
  // '~': values compared after rounding to the lesser precision; false when not comparable.
  // The finer value is converted into the coarser unit first (4 'g' ~ 4040 'mg' is
  // true), and here year ~ 'a' and month ~ 'mo' (spec), so 1 year ~ 12 months too.
  static bool Equivalent(const Quantity& a, const Quantity& b);

  // a + b, a - b in a's unit; nullopt when the units are not commensurable.
  static std::optional<Quantity> Add(const Quantity& a, const Quantity& b);
  static std::optional<Quantity> Sub(const Quantity& a, const Quantity& b);
  // a * b and a / b with combined units ("cm" * "cm" = "cm2", "g" / "g" = "1"); nullopt
  // when a unit is unknown or division by zero.
  // Terms of b that share a dimension with a term of a are converted into it first
  // (2.0 'cm' * 2.0 'm' = 400.00 'cm2'); calendar keywords act as 'a', 'mo', 'wk', 'd',
  // ...; units with integer factors ('1000.m') combine as '(1000.m).(g)'. Special units
  // (Cel, [degF]) do not multiply, except by a '1' quantity.
  static std::optional<Quantity> Mul(const Quantity& a, const Quantity& b);
  static std::optional<Quantity> Div(const Quantity& a, const Quantity& b);

  // Converts to unit; nullopt when not commensurable.
  std::optional<Quantity> ConvertTo(std::string_view unit) const;
};

}  // namespace vigil::fhirpath
