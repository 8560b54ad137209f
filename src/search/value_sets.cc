#include "search/value_sets.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

#include "base/str.h"

namespace vigil::search {
namespace value_sets_data {

struct RawCode {
  uint16_t system;  // index into kSystems
  std::string_view code;
};

struct RawValueSet {
  std::string_view url;
  int32_t first;  // into kCodes; -1 = cannot expand
  int32_t count;
};

#include "search/value_sets_data.inc"

}  // namespace value_sets_data

absl::StatusOr<std::vector<ValueSetCode>> ExpandValueSet(std::string_view url) {
  using namespace value_sets_data;  // NOLINT(google-build-using-namespace)
  url = url.substr(0, url.find('|'));
  const RawValueSet* end = std::end(kValueSets);
  const RawValueSet* vs =
      std::lower_bound(std::begin(kValueSets), end, url,
                       [](const RawValueSet& v, std::string_view u) { return v.url < u; });
  if (vs == end || vs->url != url) {
    return absl::InvalidArgumentError(StrCat("unknown value set '", url, "'"));
  }
  if (vs->first < 0) {
    return absl::InvalidArgumentError(
        StrCat("cannot expand value set '", url,
               "': it uses filters or code systems this server does not hold"));
  }
  std::vector<ValueSetCode> out;
  out.reserve(static_cast<size_t>(vs->count));
  for (int32_t i = vs->first; i < vs->first + vs->count; ++i) {
    out.push_back({kSystems[kCodes[i].system], kCodes[i].code});
  }
  return out;
}

}  // namespace vigil::search
