#include "search/compartments.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "search/registry.h"

namespace vigil::search {
namespace {

struct CompartmentRow {
  std::string_view compartment;
  std::string_view resource;
  std::span<const std::string_view> params;
};

#include "search/compartments_data.inc"

// The rows of one compartment (the table is sorted by compartment, then resource).
std::span<const CompartmentRow> RowsOf(std::string_view compartment) {
  const CompartmentRow* begin = std::begin(kCompartmentRows);
  const CompartmentRow* end = std::end(kCompartmentRows);
  const CompartmentRow* first = std::partition_point(
      begin, end, [&](const CompartmentRow& r) { return r.compartment < compartment; });
  const CompartmentRow* last = std::partition_point(
      first, end, [&](const CompartmentRow& r) { return r.compartment == compartment; });
  return {first, last};
}

// The params of every row whose index rows record membership: a parameter
// that narrows subject to a type (Encounter's patient, see
// ParamDef::narrows) has no reference rows of its own, so it is replaced by
// subject (whose rows to the compartment's owner are exactly its rows) or,
// in a compartment of another type, dropped (it cannot point there).
const std::vector<std::vector<std::string_view>>& MembershipParams() {
  static const auto* const params = [] {
    auto* out = new std::vector<std::vector<std::string_view>>();
    const Registry& registry = Registry::Default();
    for (const CompartmentRow& row : kCompartmentRows) {
      std::vector<std::string_view> list;
      for (std::string_view param : row.params) {
        const ParamDef* def = registry.Find(row.resource, param);
        if (def != nullptr && !def->narrows.empty()) {
          if (row.compartment != def->narrows_to) continue;
          param = def->narrows;
        }
        if (std::find(list.begin(), list.end(), param) == list.end()) list.push_back(param);
      }
      out->push_back(std::move(list));
    }
    return out;
  }();
  return *params;
}

}  // namespace

bool IsCompartmentType(std::string_view type) { return !RowsOf(type).empty(); }

std::span<const std::string_view> CompartmentParams(std::string_view compartment_type,
                                                    std::string_view resource_type) {
  std::span<const CompartmentRow> rows = RowsOf(compartment_type);
  auto it = std::lower_bound(rows.begin(), rows.end(), resource_type,
                             [](const CompartmentRow& r, std::string_view t) { return r.resource < t; });
  if (it == rows.end() || it->resource != resource_type) return {};
  return MembershipParams()[&*it - std::begin(kCompartmentRows)];
}

std::vector<std::string_view> CompartmentResourceTypes(std::string_view compartment_type) {
  std::vector<std::string_view> types;
  for (const CompartmentRow& row : RowsOf(compartment_type)) types.push_back(row.resource);
  return types;
}

std::vector<std::string> CompartmentParamList(std::string_view compartment_type,
                                              std::string_view resource_type) {
  std::span<const std::string_view> params = CompartmentParams(compartment_type, resource_type);
  return {params.begin(), params.end()};
}

}  // namespace vigil::search
