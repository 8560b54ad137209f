// A UCUM unit-expression parser and converter for the common clinical units.
//
// A unit is reduced to factor × (base units)^dims, with the factor kept as an
// exact ratio numerator/denominator of Decimals so that 'h' vs 'min' or 'mg' vs
// 'g' convert without rounding. Base dimensions are UCUM's seven (m, g, s, rad,
// K, C, cd) plus one for the arbitrary international unit [iU] and one private
// "calendar month" dimension that Quantity uses for the year/month keywords.
// Atoms are defined in ucum_units.cc, mostly in terms of other atoms, as UCUM's
// own table does. Special (non-ratio) units are the temperatures Cel and [degF];
// they may only stand alone.
//
// Grammar accepted (UCUM's, less what clinical codes never use):
//   term      := ['/'] component (('.' | '/') component)*
//   component := '(' term ')' [annotation] | annotation | symbol [exponent] [annotation]
//                | integer [annotation]
//   symbol    := [prefix] atom           e.g. mg, mm[Hg], [in_i], 10*, %
// Annotations ({...}) stand for 1 and are otherwise ignored.
//
// Internal to the value library; not part of its API. Thread-safety: the atom
// table is built once on first use (function-local static) and never changes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fhirpath/decimal.h"

namespace vigil::fhirpath::internal {

inline constexpr int kDimensionCount = 9;
inline constexpr int kIuDimension = 7;             // [iU], [IU], IU
inline constexpr int kCalendarMonthDimension = 8;  // year/month keywords (not UCUM)
using Dimensions = std::array<int8_t, kDimensionCount>;

// value_in_kelvin = (value + offset) * numerator / denominator.
struct UcumSpecial {
  std::string_view code;
  std::string_view offset, numerator, denominator;
};

struct UcumTerm {
  std::string symbol;  // prefix and atom as written: "cm", "[lb_av]", "10*"
  int exponent = 1;
};

struct UcumUnit {
  Decimal numerator = Decimal::FromInt(1);  // factor to base units = numerator / denominator
  Decimal denominator = Decimal::FromInt(1);
  Dimensions dims{};
  const UcumSpecial* special = nullptr;
  std::vector<UcumTerm> terms;  // parentheses flattened, annotations dropped
  bool symbolic = true;         // false when integer factors make `terms` incomplete
};

std::optional<UcumUnit> ParseUcum(std::string_view code);

// `value` in unit `from` expressed in unit `to`; nullopt when the dimensions differ.
std::optional<Decimal> ConvertUcum(const Decimal& value, const UcumUnit& from, const UcumUnit& to);

// The magnitude order of two ratio units: -1 when one `a` is smaller than one `b`.
int CompareFactors(const UcumUnit& a, const UcumUnit& b);

// --- The table (ucum_units.cc) ---

struct UcumAtomDef {
  std::string_view code;
  bool metric;                  // accepts SI prefixes
  std::string_view factor;      // the atom is factor × definition
  std::string_view definition;  // a UCUM expression; empty for a base unit
  int base_dimension;           // for base units; -1 otherwise
};

struct UcumPrefixDef {
  std::string_view code;
  std::string_view factor;
};

std::span<const UcumAtomDef> UcumAtomTable();
std::span<const UcumPrefixDef> UcumPrefixTable();  // longest codes first
std::span<const UcumSpecial> UcumSpecialTable();   // all measure temperature (K)

}  // namespace vigil::fhirpath::internal
