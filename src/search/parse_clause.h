// Internal to search/parse.cc: one search parameter -> one store::Clause.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "base/str.h"
#include "search/registry.h"
#include "store/query.h"

namespace vigil::search::internal {

// Parses `name=value` for resource `type` (name may carry a modifier, a chain
// or be a _has). Errors: InvalidArgument for a bad value or modifier;
// NotFound for an unknown or unsupported parameter (the caller turns it into a
// warning or, in strict mode, an InvalidArgument).
absl::StatusOr<store::Clause> ParseClause(const Registry& registry, std::string_view type,
                                          std::string_view name, std::string_view value,
                                          int depth = 0);

// Splits at every `sep` not preceded by a backslash; escapes are kept.
std::vector<std::string_view> SplitUnescaped(std::string_view s, char sep);
// Removes the backslash of "\,", "\|", "\$" and "\\".
std::string Unescape(std::string_view s);

// The index row kind a parameter type reads; nullopt for special.
std::optional<store::RowKind> RowKindOf(ParamType type);

// Points c (a store::Clause or SortKey) at the rows that stand for def's where
// it has not all of its own (see ParamDef): subject's rows that target the type
// it narrows subject to, plus its own; or those of the parameters it is the
// union of. `suffix` is a modifier's row-name suffix (":of-type"). Both fields
// are left empty for a parameter with all of its rows.
template <typename ClauseOrSortKey>
void ReadRowsOf(const ParamDef& def, ClauseOrSortKey& c, std::string_view suffix = "") {
  c.row_params.clear();
  c.row_target_type.clear();
  if (!def.narrows.empty()) {
    c.row_params = {StrCat(def.narrows, suffix), StrCat(def.code, suffix)};
    c.row_target_type = std::string(def.narrows_to);
    return;
  }
  for (std::string_view code : def.union_of) c.row_params.push_back(StrCat(code, suffix));
  if constexpr (requires { c.component_rows; }) {
    c.component_rows.clear();
    std::vector<const ParamDef*> read = def.union_sources;
    if (read.empty()) read.push_back(&def);
    for (const ParamDef* composite : read) {
      if (composite->component_params.empty()) continue;
      store::ComponentRows rows{std::string(composite->code), {}};
      for (const ParamDef* part : composite->component_params) {
        rows.parts.push_back({std::string(part->code), *RowKindOf(part->type)});
      }
      c.component_rows.push_back(std::move(rows));
    }
  }
}

}  // namespace vigil::search::internal
