// Internal to search/parse.cc: one search parameter -> one store::Clause.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
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

// The rows that stand for def's where it has not all of its own (a union or a
// narrowing, see ParamDef): row_params (with the row-name suffix of a
// modifier, ":of-type") and row_target_type of a store::Clause or SortKey.
// Both empty for a parameter with all of its rows.
struct StandIns {
  std::vector<std::string> row_params;
  std::string row_target_type;
};
StandIns StandInRows(const ParamDef& def, std::string_view suffix = "");

// Sets c.row_params and c.row_target_type (a store::Clause or SortKey).
template <typename ClauseOrSortKey>
void ReadRowsOf(const ParamDef& def, ClauseOrSortKey& c, std::string_view suffix = "") {
  StandIns rows = StandInRows(def, suffix);
  c.row_params = std::move(rows.row_params);
  c.row_target_type = std::move(rows.row_target_type);
}

}  // namespace vigil::search::internal
