#include "fhirpath/uint256.h"

namespace vigil::fhirpath::internal {

Uint256 Uint256::Pow10(int n) {
  Uint256 result(1);
  const Uint256 ten(10);
  for (int i = 0; i < n; ++i) result = result * ten;
  return result;
}

int Uint256::DigitCount() const {
  if (FitsU128()) {  // compare against powers of ten instead of dividing
    U128 v = ToU128(), p = 1;
    int digits = 0;
    while (v >= p) {
      if (++digits == 39) break;  // 10^39 does not fit in 128 bits
      p *= 10;
    }
    return digits;
  }
  Uint256 v = *this;
  int digits = 0;
  while (!v.IsZero()) {
    v.DivSmall(10);
    ++digits;
  }
  return digits;
}

Uint256 operator+(const Uint256& a, const Uint256& b) {
  Uint256 r;
  Uint256::U128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    Uint256::U128 sum = static_cast<Uint256::U128>(a.limbs_[i]) + b.limbs_[i] + carry;
    r.limbs_[i] = static_cast<uint64_t>(sum);
    carry = sum >> 64;
  }
  return r;
}

Uint256 operator-(const Uint256& a, const Uint256& b) {
  Uint256 r;
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    uint64_t ai = a.limbs_[i];
    uint64_t diff = ai - b.limbs_[i] - borrow;
    borrow = (ai < b.limbs_[i] || (ai == b.limbs_[i] && borrow)) ? 1 : 0;
    r.limbs_[i] = diff;
  }
  return r;
}

Uint256 operator*(const Uint256& a, const Uint256& b) {
  Uint256 r;
  for (int i = 0; i < 4; ++i) {
    Uint256::U128 carry = 0;
    for (int j = 0; i + j < 4; ++j) {
      Uint256::U128 cur =
          static_cast<Uint256::U128>(a.limbs_[i]) * b.limbs_[j] + r.limbs_[i + j] + carry;
      r.limbs_[i + j] = static_cast<uint64_t>(cur);
      carry = cur >> 64;
    }
  }
  return r;
}

int Compare(const Uint256& a, const Uint256& b) {
  for (int i = 3; i >= 0; --i) {
    if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
  }
  return 0;
}

uint64_t Uint256::DivSmall(uint64_t divisor) {
  U128 rem = 0;
  for (int i = 3; i >= 0; --i) {
    U128 cur = (rem << 64) | limbs_[i];
    limbs_[i] = static_cast<uint64_t>(cur / divisor);
    rem = cur % divisor;
  }
  return static_cast<uint64_t>(rem);
}

void Uint256::ShiftLeftOne() {
  for (int i = 3; i > 0; --i) limbs_[i] = (limbs_[i] << 1) | (limbs_[i - 1] >> 63);
  limbs_[0] <<= 1;
}

void Uint256::DivMod(const Uint256& n, const Uint256& d, Uint256* quotient, Uint256* remainder) {
  if (n.FitsU128() && d.FitsU128()) {  // native 128-bit division covers nearly every call
    U128 a = n.ToU128(), b = d.ToU128();
    *quotient = Uint256(a / b);
    *remainder = Uint256(a % b);
    return;
  }
  Uint256 q, r;
  for (int i = 255; i >= 0; --i) {
    r.ShiftLeftOne();
    if (n.Bit(i)) r.limbs_[0] |= 1;
    if (!(r < d)) {
      r = r - d;
      q.SetBit(i);
    }
  }
  *quotient = q;
  *remainder = r;
}

}  // namespace vigil::fhirpath::internal
