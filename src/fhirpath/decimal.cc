#include "fhirpath/decimal.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "fhirpath/uint256.h"

namespace vigil::fhirpath {
namespace {

using internal::Uint256;
using U128 = unsigned __int128;

constexpr int kDefaultBoundaryDigits = 8;
// Decimals FHIRPath division keeps beyond the operands' own.
constexpr int kDivisionExtraDigits = 8;
// Keeps exponent arithmetic in Parse far away from int overflow.
constexpr long kMaxExponent = 100000;

U128 Pow10(int n) {  // REQUIRES: 0 <= n <= 38
  U128 r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

U128 Magnitude(__int128 m) { return m < 0 ? -static_cast<U128>(m) : static_cast<U128>(m); }

int DigitCount(U128 v) {
  int digits = 0;
  for (; v != 0; v /= 10) ++digits;
  return digits;
}

std::string ToDigits(U128 v) {
  if (v == 0) return "0";
  std::string s;
  for (; v != 0; v /= 10) s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
  return s;
}

// A signed value magnitude * 10^-scale before rounding to Decimal's limits.
struct Wide {
  bool negative = false;
  Uint256 magnitude;
  int scale = 0;
};

// Removes `count` trailing digits; rounds half away from zero unless `truncate`.
Uint256 DropDigits(Uint256 v, int count, bool truncate = false) {
  uint64_t first_dropped = 0;
  for (int i = 0; i < count; ++i) first_dropped = v.DivSmall(10);
  if (!truncate && count > 0 && first_dropped >= 5) v = v + Uint256(1);
  return v;
}

// Rounds to at most kMaxDigits significant digits and kMaxScale decimals.
std::optional<Decimal> Build(Wide w) {
  int excess =
      std::max(w.magnitude.DigitCount() - Decimal::kMaxDigits, w.scale - Decimal::kMaxScale);
  if (excess > 0) {
    if (excess > w.scale) return std::nullopt;
    w.magnitude = DropDigits(w.magnitude, excess);
    w.scale -= excess;
  }
  if (w.magnitude.DigitCount() > Decimal::kMaxDigits) {  // the rounding carried: 10^28
    if (w.scale == 0) return std::nullopt;
    w.magnitude.DivSmall(10);
    --w.scale;
  }
  auto m = static_cast<__int128>(w.magnitude.ToU128());
  return Decimal::FromScaled(w.negative ? -m : m, w.scale);
}

Uint256 Aligned(const Decimal& d, int scale) {
  return Uint256(Magnitude(d.mantissa())) * Uint256::Pow10(scale - d.scale());
}

int Sign(const Decimal& d) { return d.is_zero() ? 0 : (d.is_negative() ? -1 : 1); }

// Builds a Decimal from the decimal digits of its magnitude (no sign, no point).
std::optional<Decimal> FromDigitString(bool negative, std::string digits, long scale) {
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  if (digits.empty()) return Decimal::FromScaled(0, static_cast<int>(std::clamp(scale, 0L, 28L)));
  long n = static_cast<long>(digits.size());
  if (scale < 0) {
    if (n - scale > Decimal::kMaxDigits) return std::nullopt;
    digits.append(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  // Digits past the 29th cannot change a rounding to 28 digits (half away from zero
  // looks only at the first digit dropped), so they are cut here without rounding.
  constexpr long kKept = Decimal::kMaxDigits + 1;
  if (static_cast<long>(digits.size()) > kKept) {
    long cut = static_cast<long>(digits.size()) - kKept;
    if (cut > scale) return std::nullopt;
    digits.resize(kKept);
    scale -= cut;
  }
  Wide w{.negative = negative, .magnitude = Uint256(0), .scale = static_cast<int>(scale)};
  const Uint256 ten(10);
  for (char c : digits) w.magnitude = w.magnitude * ten + Uint256(static_cast<U128>(c - '0'));
  return Build(w);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Appends the run of digits at text[*i] to *out; returns how many were read.
size_t ReadDigits(std::string_view text, size_t* i, std::string* out) {
  size_t start = *i;
  while (*i < text.size() && IsDigit(text[*i])) out->push_back(text[(*i)++]);
  return *i - start;
}

// Reads "e-12" style exponents; nullopt when malformed or absurdly large.
std::optional<long> ReadExponent(std::string_view text, size_t* i) {
  if (*i >= text.size() || (text[*i] != 'e' && text[*i] != 'E')) return 0L;
  ++*i;
  bool negative = false;
  if (*i < text.size() && (text[*i] == '+' || text[*i] == '-')) negative = text[(*i)++] == '-';
  std::string digits;
  if (ReadDigits(text, i, &digits) == 0 || digits.size() > 6) return std::nullopt;
  long value = std::stol(digits);
  if (value > kMaxExponent) return std::nullopt;
  return negative ? -value : value;
}

// q = round(n / d) half away from zero, for magnitudes.
Uint256 RoundedQuotient(const Uint256& n, const Uint256& d) {
  if (n.FitsU128() && d.FitsU128()) {  // the common case, in native 128-bit arithmetic
    U128 a = n.ToU128(), b = d.ToU128();
    U128 q = a / b, r = a % b;
    // r >= b - r  <=>  2r >= b, without overflowing 2r.
    if (r >= b - r) ++q;
    return Uint256(q);
  }
  Uint256 q, r;
  Uint256::DivMod(n, d, &q, &r);
  if (!((r + r) < d)) q = q + Uint256(1);
  return q;
}

// The magnitude lowered (or raised) by half a unit in the last place, at scale+1.
Wide HalfUnitAway(const Decimal& x, bool up) {
  Uint256 m = Uint256(Magnitude(x.mantissa())) * Uint256(10);
  return Wide{
      .negative = false, .magnitude = up ? m + Uint256(5) : m - Uint256(5), .scale = x.scale() + 1};
}

// Rewrites w at `digits` decimals: pads, or drops digits (rounding or truncating).
Wide AtScale(Wide w, int digits, bool truncate) {
  if (digits >= w.scale) {
    w.magnitude = w.magnitude * Uint256::Pow10(digits - w.scale);
  } else {
    w.magnitude = DropDigits(w.magnitude, w.scale - digits, truncate);
  }
  w.scale = digits;
  return w;
}

// Boundaries of a non-negative value (HAPI/fhirpath.js semantics: the low side is
// truncated, the high side rounded half up at the requested digits).
std::optional<Decimal> LowOfPositive(const Decimal& x, int digits) {
  return Build(AtScale(HalfUnitAway(x, false), digits, /*truncate=*/true));
}
std::optional<Decimal> HighOfNonNegative(const Decimal& x, int digits) {
  return Build(AtScale(HalfUnitAway(x, true), digits, /*truncate=*/false));
}

std::optional<Decimal> Negated(std::optional<Decimal> d) {
  if (!d) return std::nullopt;
  return -*d;
}

std::optional<int> BoundaryDigits(std::optional<int> digits) {
  int d = digits.value_or(kDefaultBoundaryDigits);
  if (d < 0 || d > Decimal::kMaxScale) return std::nullopt;
  return d;
}

// The common case: up to 18 digits with an optional fraction and no exponent,
// accumulated in 64 bits without the wide-integer path. nullopt means "not this
// simple form", not "malformed".
std::optional<Decimal> ParseSimple(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  int64_t mantissa = 0;
  int digits = 0, scale = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (!IsDigit(c) || ++digits > 18) return std::nullopt;
    mantissa = mantissa * 10 + (c - '0');
    if (point) ++scale;
  }
  bool well_formed =
      digits > 0 && (!point || scale > 0) && IsDigit(text[negative || text[0] == '+']);
  if (!well_formed) return std::nullopt;
  return Decimal::FromScaled(negative ? -mantissa : mantissa, scale);
}

}  // namespace

Decimal Decimal::FromInt(int64_t v) { return Decimal(v, 0); }

std::optional<Decimal> Decimal::FromScaled(__int128 mantissa, int scale) {
  U128 magnitude = Magnitude(mantissa);
  if (scale >= 0 && scale <= kMaxScale && magnitude < Pow10(kMaxDigits)) {
    return Decimal(mantissa, scale);
  }
  Wide w{.negative = mantissa < 0, .magnitude = Uint256(magnitude), .scale = scale};
  if (scale < 0) {
    if (scale < -kMaxDigits)
      return mantissa == 0 ? std::optional<Decimal>(Decimal()) : std::nullopt;
    w.magnitude = w.magnitude * Uint256::Pow10(-scale);
    w.scale = 0;
  }
  return Build(w);
}

std::optional<Decimal> Decimal::Parse(std::string_view text) {
  if (auto simple = ParseSimple(text)) return simple;
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string digits;
  if (ReadDigits(text, &i, &digits) == 0) return std::nullopt;
  long scale = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    scale = static_cast<long>(ReadDigits(text, &i, &digits));
    if (scale == 0) return std::nullopt;
  }
  std::optional<long> exponent = ReadExponent(text, &i);
  if (!exponent || i != text.size()) return std::nullopt;
  return FromDigitString(negative, std::move(digits), scale - *exponent);
}

std::optional<Decimal> Decimal::FromDouble(double v) {
  if (!std::isfinite(v)) return std::nullopt;
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.15g", v);
  return Parse(buffer);
}

std::string Decimal::ToString() const {
  std::string digits = ToDigits(Magnitude(mantissa_));
  if (scale_ > 0) {
    auto scale = static_cast<size_t>(scale_);
    if (digits.size() <= scale) digits.insert(0, scale - digits.size() + 1, '0');
    digits.insert(digits.size() - scale, ".");
  }
  if (mantissa_ < 0) digits.insert(0, "-");
  return digits;
}

double Decimal::ToDouble() const { return std::strtod(ToString().c_str(), nullptr); }

std::optional<int64_t> Decimal::ToInt() const {
  U128 unit = Pow10(scale_);
  U128 magnitude = Magnitude(mantissa_);
  if (magnitude % unit != 0) return std::nullopt;
  U128 whole = magnitude / unit;
  constexpr auto kMax = static_cast<U128>(std::numeric_limits<int64_t>::max());
  if (whole > kMax + (mantissa_ < 0 ? 1 : 0)) return std::nullopt;
  auto signed_whole = static_cast<__int128>(whole);
  return static_cast<int64_t>(mantissa_ < 0 ? -signed_whole : signed_whole);
}

Decimal Decimal::operator-() const { return Decimal(-mantissa_, scale_); }

std::optional<Decimal> Decimal::Add(const Decimal& o) const {
  int scale = std::max(scale_, o.scale_);
  // Fast path: both below 2^63 and at most 18 digits of alignment, so everything
  // fits in signed 128 bits.
  U128 ma = Magnitude(mantissa_), mb = Magnitude(o.mantissa_);
  constexpr U128 kHalfWidth = U128(1) << 63;
  if (ma < kHalfWidth && mb < kHalfWidth && scale - scale_ <= 18 && scale - o.scale_ <= 18) {
    auto a = static_cast<__int128>(ma * Pow10(scale - scale_));
    auto b = static_cast<__int128>(mb * Pow10(scale - o.scale_));
    return FromScaled((mantissa_ < 0 ? -a : a) + (o.mantissa_ < 0 ? -b : b), scale);
  }
  Uint256 a = Aligned(*this, scale), b = Aligned(o, scale);
  bool na = mantissa_ < 0, nb = o.mantissa_ < 0;
  Wide w{.negative = na, .magnitude = a + b, .scale = scale};
  if (na != nb) {
    bool b_bigger = a < b;
    w.magnitude = b_bigger ? b - a : a - b;
    w.negative = b_bigger ? nb : na;
  }
  if (w.magnitude.IsZero()) w.negative = false;
  return Build(w);
}

std::optional<Decimal> Decimal::Sub(const Decimal& o) const { return Add(-o); }

std::optional<Decimal> Decimal::Mul(const Decimal& o) const {
  // Fast path: both magnitudes below 2^63, so the product fits in 128 bits.
  U128 a = Magnitude(mantissa_), b = Magnitude(o.mantissa_);
  constexpr U128 kHalfWidth = U128(1) << 63;
  int scale = scale_ + o.scale_;
  if (a < kHalfWidth && b < kHalfWidth && scale <= kMaxScale) {
    U128 product = a * b;
    if (product < Pow10(kMaxDigits)) {
      bool negative = product != 0 && ((mantissa_ < 0) != (o.mantissa_ < 0));
      auto m = static_cast<__int128>(product);
      return Decimal(negative ? -m : m, scale);
    }
  }
  Wide w{.negative = (mantissa_ < 0) != (o.mantissa_ < 0),
         .magnitude = Uint256(Magnitude(mantissa_)) * Uint256(Magnitude(o.mantissa_)),
         .scale = scale_ + o.scale_};
  if (w.magnitude.IsZero()) w.negative = false;
  return Build(w);
}

std::optional<Decimal> Decimal::Div(const Decimal& o) const {
  int operand_scale = std::max(scale_, o.scale_);
  std::optional<Decimal> q = DivToScale(o, operand_scale + kDivisionExtraDigits);
  if (!q) return std::nullopt;
  return q->StripTrailingZeros(std::min(operand_scale, q->scale()));
}

std::optional<Decimal> Decimal::DivToScale(const Decimal& o, int scale) const {
  if (o.is_zero()) return std::nullopt;
  if (is_zero()) return FromScaled(0, std::clamp(scale, 0, kMaxScale));
  // value = (ma / mb) * 10^(sb - sa), so the result at `scale` is ma * 10^e / mb.
  int e = scale + o.scale_ - scale_;
  // Keep the quotient ma * 10^e / mb within 28 digits: it has digits(ma / mb) + e
  // digits, or at most da - db + 1 + e when ma < mb.
  U128 whole = Magnitude(mantissa_) / Magnitude(o.mantissa_);
  int max_e = whole != 0 ? kMaxDigits - DigitCount(whole)
                         : kMaxDigits - 1 - DigitCount(Magnitude(mantissa_)) +
                               DigitCount(Magnitude(o.mantissa_));
  if (e > max_e) {
    scale -= e - max_e;
    e = max_e;
  }
  bool negative = (mantissa_ < 0) != (o.mantissa_ < 0);
  U128 ma = Magnitude(mantissa_), mb = Magnitude(o.mantissa_);
  constexpr U128 kWord = U128(1) << 64;
  if (ma < kWord && mb < kWord && e >= -19 && e <= 19 && scale >= 0) {
    // Fast path: a 64-bit operand times 10^19 still fits in 128 bits.
    U128 n = e >= 0 ? ma * Pow10(e) : ma, d = e >= 0 ? mb : mb * Pow10(-e);
    U128 q = n / d, r = n % d;
    if (r >= d - r) ++q;  // half away from zero
    if (q < Pow10(kMaxDigits) && scale <= kMaxScale) {
      auto m = static_cast<__int128>(q);
      return Decimal(negative && q != 0 ? -m : m, scale);
    }
  }
  Uint256 n(ma), d(mb);
  if (e >= 0) {
    n = n * Uint256::Pow10(e);
  } else {
    d = d * Uint256::Pow10(-e);
  }
  Uint256 q = RoundedQuotient(n, d);
  if (scale < 0) {
    if (scale < -kMaxDigits) return std::nullopt;
    q = q * Uint256::Pow10(-scale);
    scale = 0;
  }
  return Build(Wide{.negative = negative && !q.IsZero(), .magnitude = q, .scale = scale});
}

std::optional<Decimal> Decimal::IntDiv(const Decimal& o) const {
  if (o.is_zero()) return std::nullopt;
  int scale = std::max(scale_, o.scale_);
  Uint256 q, r;
  Uint256::DivMod(Aligned(*this, scale), Aligned(o, scale), &q, &r);
  bool negative = (mantissa_ < 0) != (o.mantissa_ < 0) && !q.IsZero();
  return Build(Wide{.negative = negative, .magnitude = q, .scale = 0});
}

std::optional<Decimal> Decimal::Mod(const Decimal& o) const {
  if (o.is_zero()) return std::nullopt;
  int scale = std::max(scale_, o.scale_);
  Uint256 q, r;
  Uint256::DivMod(Aligned(*this, scale), Aligned(o, scale), &q, &r);
  return Build(Wide{.negative = mantissa_ < 0 && !r.IsZero(), .magnitude = r, .scale = scale});
}

int Decimal::Compare(const Decimal& o) const {
  int sa = Sign(*this), sb = Sign(o);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  if (scale_ == o.scale_) return mantissa_ < o.mantissa_ ? -1 : (mantissa_ > o.mantissa_ ? 1 : 0);
  int scale = std::max(scale_, o.scale_);
  int magnitude = internal::Compare(Aligned(*this, scale), Aligned(o, scale));
  return sa > 0 ? magnitude : -magnitude;
}

Decimal Decimal::Round(int digits) const {
  digits = std::max(digits, 0);
  if (digits >= scale_) return *this;
  U128 unit = Pow10(scale_ - digits);
  U128 magnitude = Magnitude(mantissa_);
  U128 q = magnitude / unit;
  if ((magnitude % unit) * 2 >= unit) ++q;
  auto m = static_cast<__int128>(q);
  return Decimal(mantissa_ < 0 ? -m : m, digits);
}

Decimal Decimal::Truncate() const {
  auto whole = static_cast<__int128>(Magnitude(mantissa_) / Pow10(scale_));
  return Decimal(mantissa_ < 0 ? -whole : whole, 0);
}

Decimal Decimal::Floor() const {
  Decimal t = Truncate();
  bool has_fraction = Magnitude(mantissa_) % Pow10(scale_) != 0;
  return (mantissa_ < 0 && has_fraction) ? Decimal(t.mantissa_ - 1, 0) : t;
}

Decimal Decimal::Ceiling() const {
  Decimal t = Truncate();
  bool has_fraction = Magnitude(mantissa_) % Pow10(scale_) != 0;
  return (mantissa_ > 0 && has_fraction) ? Decimal(t.mantissa_ + 1, 0) : t;
}

Decimal Decimal::Abs() const { return mantissa_ < 0 ? -*this : *this; }

bool Decimal::Equivalent(const Decimal& a, const Decimal& b) {
  // Trailing zeros do not count towards precision (1.50 ~ 1.54 is true).
  int scale = std::min(a.StripTrailingZeros().scale_, b.StripTrailingZeros().scale_);
  return a.Round(scale) == b.Round(scale);
}

std::optional<Decimal> Decimal::WithScale(int scale) const {
  if (scale < 0 || scale > kMaxScale) return std::nullopt;
  if (scale < scale_) return Round(scale);
  U128 padded = Magnitude(mantissa_) * Pow10(scale - scale_);
  if (padded >= Pow10(kMaxDigits)) return std::nullopt;
  auto m = static_cast<__int128>(padded);
  return Decimal(mantissa_ < 0 ? -m : m, scale);
}

Decimal Decimal::StripTrailingZeros(int min_scale) const {
  Decimal d = *this;
  while (d.scale_ > min_scale && d.mantissa_ % 10 == 0) {
    d.mantissa_ /= 10;
    --d.scale_;
  }
  return d;
}

std::optional<Decimal> Decimal::LowBoundary(std::optional<int> digits) const {
  std::optional<int> d = BoundaryDigits(digits);
  if (!d) return std::nullopt;
  if (mantissa_ > 0) return LowOfPositive(*this, *d);
  return Negated(HighOfNonNegative(Abs(), *d));
}

std::optional<Decimal> Decimal::HighBoundary(std::optional<int> digits) const {
  std::optional<int> d = BoundaryDigits(digits);
  if (!d) return std::nullopt;
  if (mantissa_ >= 0) return HighOfNonNegative(*this, *d);
  return Negated(LowOfPositive(Abs(), *d));
}

}  // namespace vigil::fhirpath
