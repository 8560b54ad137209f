// A minimal unsigned 256-bit integer for Decimal's exact intermediate results.
//
// Decimal mantissas have at most 28 digits (< 2^94), so an aligned operand or
// a product has at most 56 digits and a scaled dividend at most 76 (< 2^256).
// Arithmetic wraps silently on overflow; callers size their operands so that
// it never happens.
//
// Internal to the value library; not part of its API.
#pragma once

#include <array>
#include <cstdint>

namespace vigil::fhirpath::internal {

class Uint256 {
 public:
  using U128 = unsigned __int128;

  Uint256() = default;
  explicit Uint256(U128 v)
      : limbs_{static_cast<uint64_t>(v), static_cast<uint64_t>(v >> 64), 0, 0} {}

  static Uint256 Pow10(int n);  // REQUIRES: 0 <= n <= 77

  bool IsZero() const { return (limbs_[0] | limbs_[1] | limbs_[2] | limbs_[3]) == 0; }
  bool FitsU128() const { return (limbs_[2] | limbs_[3]) == 0; }
  U128 ToU128() const { return (static_cast<U128>(limbs_[1]) << 64) | limbs_[0]; }
  int DigitCount() const;

  friend Uint256 operator+(const Uint256& a, const Uint256& b);
  friend Uint256 operator-(const Uint256& a, const Uint256& b);  // REQUIRES: a >= b
  friend Uint256 operator*(const Uint256& a, const Uint256& b);
  friend int Compare(const Uint256& a, const Uint256& b);
  friend bool operator==(const Uint256& a, const Uint256& b) { return Compare(a, b) == 0; }
  friend bool operator<(const Uint256& a, const Uint256& b) { return Compare(a, b) < 0; }

  // Divides in place by a small divisor and returns the remainder.
  uint64_t DivSmall(uint64_t divisor);
  // Quotient and remainder; REQUIRES: divisor != 0.
  static void DivMod(const Uint256& n, const Uint256& d, Uint256* quotient, Uint256* remainder);

 private:
  bool Bit(int i) const { return (limbs_[i / 64] >> (i % 64)) & 1; }
  void SetBit(int i) { limbs_[i / 64] |= uint64_t{1} << (i % 64); }
  void ShiftLeftOne();

  std::array<uint64_t, 4> limbs_{};
};

int Compare(const Uint256& a, const Uint256& b);  // -1, 0, 1

}  // namespace vigil::fhirpath::internal
