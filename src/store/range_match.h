// Interval arithmetic for range prefixes (query.h), shared by every store so
// that they agree to the last bit on what eq, ap, sa... mean.
//
// A row interval [row_low, row_high] matches a search interval [low, high]:
//   eq: row_low >= low && row_high <= high     ne: !eq
//   gt: row_high > high    lt: row_low < low   ge: row_high >= low   le: row_low <= high
//   sa: row_low > high     eb: row_high < low
//   ap: row_low <= high' && row_high >= low' where [low', high'] is the search
//       interval widened on both sides by ApMargin (see ApWidenNumber/ApWidenDate).
//
// ap margins:
//   numbers, quantities: 10% of |value|.
//   dates: 10% of the gap between `now` and the search interval (0 when now is
//          inside it), computed in ms; saturates at kMinTime/kMaxTime.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "store/index.h"
#include "store/query.h"

namespace vigil::store {

template <typename T>
struct Interval {
  T low;
  T high;
};

inline Interval<double> ApWidenNumber(const NumberMatch& m) {
  double margin = std::fabs(m.value) * 0.1;
  return {m.low - margin, m.high + margin};
}

inline int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_add_overflow(a, b, &out)) return b > 0 ? kMaxTime : kMinTime;
  return out;
}

inline Interval<int64_t> ApWidenDate(const DateMatch& m, int64_t now_ms) {
  // The gap is computed in unsigned arithmetic: it may exceed INT64_MAX when
  // the interval ends at kMinTime/kMaxTime.
  uint64_t gap = 0;
  if (now_ms < m.low) gap = static_cast<uint64_t>(m.low) - static_cast<uint64_t>(now_ms);
  if (now_ms > m.high) gap = static_cast<uint64_t>(now_ms) - static_cast<uint64_t>(m.high);
  int64_t margin = static_cast<int64_t>(gap / 10);
  return {SaturatingAdd(m.low, -margin), SaturatingAdd(m.high, margin)};
}

// Numbers and quantities (FHIR R4 search page, "number"): the resource's value
// is compared as a point. eq/ne/sa/eb compare it with the interval the search
// value's precision implies ("100" is [99.5, 100.5]), ap with that interval
// widened, and gt/lt/ge/le with the search value itself: "gt100" matches 100.3,
// which the interval reading (above 100.5) would miss. Pass the row value as
// both ends of the row interval.
inline Interval<double> NumberSearchInterval(const NumberMatch& m) {
  switch (m.prefix) {
    case Prefix::kGt:
    case Prefix::kLt:
    case Prefix::kGe:
    case Prefix::kLe: return {m.value, m.value};
    case Prefix::kAp: return ApWidenNumber(m);
    default: return {m.low, m.high};
  }
}

// The row interval [rl, rh] against the (already widened for ap) search
// interval [sl, sh].
template <typename T>
bool RangeMatches(Prefix prefix, T rl, T rh, T sl, T sh) {
  switch (prefix) {
    case Prefix::kEq: return rl >= sl && rh <= sh;
    case Prefix::kNe: return !(rl >= sl && rh <= sh);
    case Prefix::kGt: return rh > sh;
    case Prefix::kLt: return rl < sl;
    case Prefix::kGe: return rh >= sl;
    case Prefix::kLe: return rl <= sh;
    case Prefix::kSa: return rl > sh;
    case Prefix::kEb: return rh < sl;
    case Prefix::kAp: return rl <= sh && rh >= sl;
  }
  return false;
}

// {true, u} where u is the smallest string greater than every string that
// starts with `prefix`; {false, ""} when there is none (prefix empty or all
// 0xFF bytes). Lets stores turn "starts with" into an indexable range.
inline std::pair<bool, std::string> PrefixUpperBound(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
  if (prefix.empty()) return {false, {}};
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return {true, std::move(prefix)};
}

}  // namespace vigil::store
