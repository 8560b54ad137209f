#include "store/row_match.h"

#include <algorithm>
#include <string_view>
#include <type_traits>
#include <variant>

#include "store/range_match.h"

namespace vigil::store {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool NumberMatches(const NumberMatch& m, double value) {
  Interval<double> s = NumberSearchInterval(m);
  return RangeMatches(m.prefix, value, value, s.low, s.high);
}

// A component predicate against a part of another kind never matches.
struct PartMatcher {
  int64_t now_ms;

  template <typename M, typename R>
  bool operator()(const M& m, const R& r) const {
    if constexpr (std::is_same_v<M, DateMatch> && std::is_same_v<R, DateRow>) {
      return RowMatches(m, r, now_ms);
    } else if constexpr (requires { RowMatches(m, r); }) {
      return RowMatches(m, r);
    } else {
      return false;
    }
  }
};

}  // namespace

bool RowMatches(const TokenMatch& m, const TokenRow& r) {
  return (!m.system || r.system == *m.system) && (!m.code || r.code == *m.code);
}

bool RowMatches(const TokenTextMatch& m, const TokenRow& r) {
  return StartsWith(r.text, m.text) || r.text.find(" " + m.text) != std::string::npos;
}

bool RowMatches(const StringMatch& m, const StringRow& r) {
  switch (m.mode) {
    case StringMatch::Mode::kStartsWith: return StartsWith(r.normalized, m.value);
    case StringMatch::Mode::kExact: return r.exact == m.value;
    case StringMatch::Mode::kContains: return r.normalized.find(m.value) != std::string::npos;
  }
  return false;
}

bool RowMatches(const NumberMatch& m, const NumberRow& r) { return NumberMatches(m, r.value); }

bool RowMatches(const DateMatch& m, const DateRow& r, int64_t now_ms) {
  Interval<int64_t> s{m.low, m.high};
  if (m.prefix == Prefix::kAp) s = ApWidenDate(m, now_ms);
  return RangeMatches(m.prefix, r.low, r.high, s.low, s.high);
}

bool RowMatches(const QuantityMatch& m, const QuantityRow& r) {
  if (m.system) {
    if (r.system != *m.system) return false;
    if (m.code && r.code != *m.code) return false;
  } else if (m.code && r.code != *m.code && r.unit != *m.code) {
    return false;
  }
  return NumberMatches(m.number, r.value);
}

bool RowMatches(const ReferenceMatch& m, const ReferenceRow& r) {
  if (m.target_id.empty()) return r.url == m.url;
  if (r.target_id != m.target_id) return false;
  if (!m.target_type.empty()) return r.target_type == m.target_type;
  return m.target_types.empty() || std::find(m.target_types.begin(), m.target_types.end(),
                                             r.target_type) != m.target_types.end();
}

bool RowMatches(const UriMatch& m, const UriRow& r) {
  switch (m.mode) {
    case UriMatch::Mode::kExact: return r.value == m.value;
    case UriMatch::Mode::kBelow: return StartsWith(r.value, m.value);
    case UriMatch::Mode::kAbove: return StartsWith(m.value, r.value);
  }
  return false;
}

bool RowMatches(const CompositeMatch& m, const CompositeRow& r, int64_t now_ms) {
  if (r.parts.size() < m.parts.size()) return false;
  for (size_t i = 0; i < m.parts.size(); ++i) {
    if (!std::visit(PartMatcher{now_ms}, m.parts[i], r.parts[i])) return false;
  }
  return true;
}

}  // namespace vigil::store
