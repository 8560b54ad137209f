#include "fhirpath/quantity.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fhirpath/calendar_unit.h"
#include "fhirpath/ucum.h"

namespace vigil::fhirpath {
namespace {

using internal::CalendarUnit;
using internal::UcumTerm;
using internal::UcumUnit;

// How calendar keywords map onto units. For comparison, year and month measure a
// private "calendar month" dimension: comparable with each other (1 year = 12
// months) but not with 'a', 'mo' or days. For equivalence (1 year ~ 1 'a') and
// for unit algebra they become UCUM 'a' and 'mo'.
enum class Mode { kCompare, kEquivalence, kAlgebra };

std::string_view Canonical(std::string_view unit) {
  if (unit.empty()) return "1";
  if (std::optional<CalendarUnit> c = internal::CalendarKeyword(unit))
    return internal::SingularOf(*c);
  return unit;
}

bool SameUnit(std::string_view a, std::string_view b) { return Canonical(a) == Canonical(b); }

bool IsUnity(std::string_view unit) { return Canonical(unit) == "1"; }

UcumUnit CalendarMonths(int months) {
  UcumUnit u;
  u.numerator = Decimal::FromInt(months);
  u.dims[internal::kCalendarMonthDimension] = 1;
  return u;
}

std::optional<UcumUnit> Resolve(std::string_view unit, Mode mode) {
  unit = Canonical(unit);
  std::optional<CalendarUnit> c = internal::CalendarKeyword(unit);
  if (!c) return internal::ParseUcum(unit);
  bool variable = *c == CalendarUnit::kYear || *c == CalendarUnit::kMonth;
  if (variable && mode == Mode::kCompare) return CalendarMonths(*c == CalendarUnit::kYear ? 12 : 1);
  return internal::ParseUcum(internal::UcumCodeOf(*c));
}

// q's value expressed in `unit`; nullopt when either unit is unknown or they differ
// in dimension.
std::optional<Decimal> ValueIn(const Quantity& q, std::string_view unit, Mode mode) {
  if (SameUnit(q.unit, unit)) return q.value;
  std::optional<UcumUnit> from = Resolve(q.unit, mode), to = Resolve(unit, mode);
  if (!from || !to) return std::nullopt;
  return internal::ConvertUcum(q.value, *from, *to);
}

// --- Unit algebra for Mul/Div ---

std::optional<internal::Dimensions> DimensionsOf(std::string_view symbol) {
  std::optional<UcumUnit> u = internal::ParseUcum(symbol);
  if (!u) return std::nullopt;
  return u->dims;
}

// The term of `terms` that a term `symbol`^`exponent` should fold into: itself if
// present, else one of the same (non-empty) dimension, preferring one it cancels.
std::optional<std::string> FoldTarget(const std::vector<UcumTerm>& terms, const std::string& symbol,
                                      int exponent) {
  for (const UcumTerm& t : terms) {
    if (t.symbol == symbol) return std::nullopt;
  }
  std::optional<internal::Dimensions> dims = DimensionsOf(symbol);
  if (!dims || *dims == internal::Dimensions{}) return std::nullopt;
  std::optional<std::string> target;
  for (const UcumTerm& t : terms) {
    if (t.exponent == 0 || DimensionsOf(t.symbol) != dims) continue;
    if ((t.exponent < 0) != (exponent < 0)) return t.symbol;
    if (!target) target = t.symbol;
  }
  return target;
}

// v per from^exponent, re-expressed per to^exponent.
std::optional<Decimal> Rescale(const Decimal& v, const std::string& from, const std::string& to,
                               int exponent) {
  std::string power = exponent == 1 ? "" : std::to_string(exponent);
  std::optional<UcumUnit> f = internal::ParseUcum(from + power);
  std::optional<UcumUnit> t = internal::ParseUcum(to + power);
  if (!f || !t) return std::nullopt;
  return internal::ConvertUcum(v, *f, *t);
}

void AddTerm(std::vector<UcumTerm>& terms, const std::string& symbol, int exponent) {
  for (UcumTerm& t : terms) {
    if (t.symbol == symbol) {
      t.exponent += exponent;
      return;
    }
  }
  terms.push_back(UcumTerm{symbol, exponent});
}

std::string FormatTerms(const std::vector<UcumTerm>& terms) {
  std::string numerator, denominator;
  for (const UcumTerm& t : terms) {
    if (t.exponent > 0) {
      absl::StrAppend(&numerator, numerator.empty() ? "" : ".", t.symbol);
      if (t.exponent != 1) absl::StrAppend(&numerator, t.exponent);
    } else if (t.exponent < 0) {
      absl::StrAppend(&denominator, "/", t.symbol);
      if (t.exponent != -1) absl::StrAppend(&denominator, -t.exponent);
    }
  }
  if (numerator.empty() && denominator.empty()) return "1";
  return numerator + denominator;
}

struct Product {
  Decimal b_value;  // b's value after rescaling its terms to a's
  std::string unit;
};

// a's unit times (or divided by) b's, folding b's terms into a's where they share a
// dimension ('cm' * 'm' = 'cm2'); parenthesised when the units are not plain terms.
std::optional<Product> CombineUnits(const Quantity& a, const Quantity& b, bool divide) {
  std::optional<UcumUnit> ua = Resolve(a.unit, Mode::kAlgebra);
  std::optional<UcumUnit> ub = Resolve(b.unit, Mode::kAlgebra);
  if (!ua || !ub || ua->special || ub->special) return std::nullopt;
  if (!ua->symbolic || !ub->symbolic) {
    return Product{b.value, absl::StrCat("(", a.unit, ")", divide ? "/" : ".", "(", b.unit, ")")};
  }
  Decimal v = b.value;
  std::vector<UcumTerm> terms = ua->terms;
  for (const UcumTerm& t : ub->terms) {
    std::string symbol = t.symbol;
    int exponent = divide ? -t.exponent : t.exponent;
    if (std::optional<std::string> target = FoldTarget(terms, symbol, exponent)) {
      std::optional<Decimal> rescaled = Rescale(v, symbol, *target, t.exponent);
      if (!rescaled) return std::nullopt;
      v = *rescaled;
      symbol = *target;
    }
    AddTerm(terms, symbol, exponent);
  }
  return Product{v, FormatTerms(terms)};
}

std::optional<Quantity> MulOrDiv(const Quantity& a, const Quantity& b, bool divide) {
  if (divide && b.value.is_zero()) return std::nullopt;
  auto apply = [divide](const Decimal& x, const Decimal& y) {
    return divide ? x.Div(y) : x.Mul(y);
  };
  if (IsUnity(b.unit) || (!divide && IsUnity(a.unit))) {
    std::optional<Decimal> v = apply(a.value, b.value);
    if (!v) return std::nullopt;
    return Quantity{*v, IsUnity(b.unit) ? a.unit : b.unit};
  }
  std::optional<Product> p = CombineUnits(a, b, divide);
  if (!p) return std::nullopt;
  std::optional<Decimal> v = apply(a.value, p->b_value);
  if (!v) return std::nullopt;
  return Quantity{*v, std::move(p->unit)};
}

}  // namespace

bool Quantity::IsKnownUnit(std::string_view unit) {
  return IsCalendarUnit(unit) || internal::ParseUcum(Canonical(unit)).has_value();
}

bool Quantity::IsCalendarUnit(std::string_view unit) {
  return internal::CalendarKeyword(unit).has_value();
}

std::string Quantity::ToString() const {
  if (IsCalendarUnit(unit)) return absl::StrCat(value.ToString(), " ", unit);
  return absl::StrCat(value.ToString(), " '", unit, "'");
}

std::optional<int> Quantity::Compare(const Quantity& a, const Quantity& b) {
  std::optional<Decimal> vb = ValueIn(b, a.unit, Mode::kCompare);
  if (!vb) return std::nullopt;
  return a.value.Compare(*vb);
}

std::optional<bool> Quantity::Equal(const Quantity& a, const Quantity& b) {
  std::optional<int> c = Compare(a, b);
  if (!c) return std::nullopt;
  return *c == 0;
}

bool Quantity::Equivalent(const Quantity& a, const Quantity& b) {
  if (SameUnit(a.unit, b.unit)) return Decimal::Equivalent(a.value, b.value);
  std::optional<UcumUnit> ua = Resolve(a.unit, Mode::kEquivalence);
  std::optional<UcumUnit> ub = Resolve(b.unit, Mode::kEquivalence);
  if (!ua || !ub) return false;
  // Compare in the coarser unit, so the finer value is rounded to the coarser's
  // precision (4 'g' ~ 4040 'mg').
  bool a_finer = !ua->special && !ub->special && internal::CompareFactors(*ua, *ub) < 0;
  const Quantity& fine = a_finer ? a : b;
  const Quantity& coarse = a_finer ? b : a;
  std::optional<Decimal> converted =
      internal::ConvertUcum(fine.value, a_finer ? *ua : *ub, a_finer ? *ub : *ua);
  return converted && Decimal::Equivalent(coarse.value, *converted);
}

std::optional<Quantity> Quantity::Add(const Quantity& a, const Quantity& b) {
  std::optional<Decimal> vb = ValueIn(b, a.unit, Mode::kCompare);
  std::optional<Decimal> sum = vb ? a.value.Add(*vb) : std::nullopt;
  if (!sum) return std::nullopt;
  return Quantity{*sum, a.unit};
}

std::optional<Quantity> Quantity::Sub(const Quantity& a, const Quantity& b) {
  return Add(a, Quantity{-b.value, b.unit});
}

std::optional<Quantity> Quantity::Mul(const Quantity& a, const Quantity& b) {
  return MulOrDiv(a, b, /*divide=*/false);
}

std::optional<Quantity> Quantity::Div(const Quantity& a, const Quantity& b) {
  return MulOrDiv(a, b, /*divide=*/true);
}

std::optional<Quantity> Quantity::ConvertTo(std::string_view unit) const {
  std::optional<Decimal> v = ValueIn(*this, unit, Mode::kCompare);
  if (!v) return std::nullopt;
  return Quantity{*v, std::string(unit)};
}

}  // namespace vigil::fhirpath
