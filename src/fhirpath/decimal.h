// Exact base-10 decimal for FHIRPath's System.Decimal.
//
// value = mantissa * 10^-scale. The scale is the number of digits written
// after the point, so "1.50" has scale 2 and prints back as "1.50"; that is the
// precision FHIRPath's precision-aware functions need. Arithmetic is exact for
// +, -, * (up to 28 significant digits); division rounds to 8 decimal places
// beyond the operands' precision, as FHIRPath requires at least 8.
//
// Thread-safety: a value type; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::fhirpath {

class Decimal {
 public:
  Decimal() = default;  // 0
  static Decimal FromInt(int64_t v);
  // Parses "12", "-0.50", "1.5e3" (JSON exponent form too). nullopt when malformed
  // or out of range (more than 28 significant digits are rounded, not refused).
  static std::optional<Decimal> Parse(std::string_view text);
  static std::optional<Decimal> FromDouble(double v);
  // mantissa * 10^-scale (a negative scale multiplies), rounded half away from zero to
  // at most 28 significant digits and 28 decimal places; nullopt when the integer part
  // is too big.
  static std::optional<Decimal> FromScaled(__int128 mantissa, int scale);

  // The shortest text that keeps the scale: "1.50", "-3", "0.001".
  std::string ToString() const;
  double ToDouble() const;
  // nullopt if there is a fractional part or it does not fit.
  std::optional<int64_t> ToInt() const;
  int scale() const { return scale_; }
  __int128 mantissa() const { return mantissa_; }
  bool is_zero() const { return mantissa_ == 0; }
  bool is_negative() const { return mantissa_ < 0; }

  Decimal operator-() const;
  // nullopt on overflow.
  std::optional<Decimal> Add(const Decimal& o) const;
  std::optional<Decimal> Sub(const Decimal& o) const;
  std::optional<Decimal> Mul(const Decimal& o) const;
  // nullopt on division by zero or overflow. Trailing zeros of the quotient are dropped
  // down to the operands' scale: 1 / 3 = 0.33333333, 1 / 2 = 0.5, 4.0 / 2.0 = 2.0.
  std::optional<Decimal> Div(const Decimal& o) const;
  // Truncated division (FHIRPath div) and remainder (mod); nullopt on zero divisor.
  std::optional<Decimal> IntDiv(const Decimal& o) const;
  std::optional<Decimal> Mod(const Decimal& o) const;

  // Numeric comparison, ignoring trailing zeros: -1, 0, 1.
  int Compare(const Decimal& o) const;
  friend bool operator==(const Decimal& a, const Decimal& b) { return a.Compare(b) == 0; }
  friend bool operator<(const Decimal& a, const Decimal& b) { return a.Compare(b) < 0; }

  // Half away from zero to `digits` places (digits >= 0).
  Decimal Round(int digits) const;
  Decimal Truncate() const;  // toward zero, scale 0
  Decimal Floor() const;
  Decimal Ceiling() const;
  Decimal Abs() const;
  // Both rounded to the smaller of the two scales, then compared (FHIRPath ~ on decimals).
  // Per the spec, trailing zeros do not count as precision: 1.50 ~ 1.54 is true.
  static bool Equivalent(const Decimal& a, const Decimal& b);

  // Quotient rounded half away from zero to `scale` decimal places (fewer when 28
  // significant digits run out), trailing zeros kept. nullopt on zero divisor/overflow.
  std::optional<Decimal> DivToScale(const Decimal& o, int scale) const;
  // The same value written with `scale` decimals: pads with zeros or rounds half away
  // from zero. nullopt when the padded mantissa would exceed 28 digits.
  std::optional<Decimal> WithScale(int scale) const;
  // Drops trailing fractional zeros, keeping at least `min_scale` decimals.
  Decimal StripTrailingZeros(int min_scale = 0) const;

  // FHIRPath lowBoundary()/highBoundary(): the least/greatest value the decimal can
  // stand for given its precision (1.587 -> [1.5865, 1.5875]), written with `digits`
  // decimals (default 8). nullopt when digits is outside 0..28. A boundary that is
  // -0.0 in the spec's tables comes back as 0.0 (a Decimal zero has no sign).
  std::optional<Decimal> LowBoundary(std::optional<int> digits) const;
  std::optional<Decimal> HighBoundary(std::optional<int> digits) const;

  static constexpr int kMaxDigits = 28;
  static constexpr int kMaxScale = 28;

 private:
  Decimal(__int128 mantissa, int scale) : mantissa_(mantissa), scale_(scale) {}
  __int128 mantissa_ = 0;
  int scale_ = 0;
};

}  // namespace vigil::fhirpath
