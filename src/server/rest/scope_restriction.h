// Granular SMART scopes ("patient/Observation.rs?category=vital-signs", App
// Launch 2 "Finer-grained resource constraints using search parameters") as
// clauses of the server's own search, and the match of one resource against
// them without the store.
//
//   std::optional<Clauses> c =
//       CompileRestriction(registry, "Observation", {{"category", "laboratory"}});
//   // c: one token clause; a search ANDs it in, MatchesClauses(*c, id, rows)
//   // tests one version.
//
// A restriction is read as the search "<type>?<name>=<value>&..." (names and
// values percent-decoded; search/parse.h in strict mode, so an unknown
// parameter is an error). It can be enforced when every name=value pair
// became exactly one clause whose predicates can be evaluated on one
// resource's index rows (search/indexer.h): token (system|code, |code, code,
// :not, :text, :in, :of-type), reference (Type/id, id, url), uri, _id and
// :missing. Anything else (result parameters such as _count or _include,
// chains, _has, strings, dates, numbers, quantities) cannot be enforced:
// CompileRestriction returns nullopt and the scope grants nothing
// (auth/authorizer.h). Matching follows store/query.h exactly for the
// supported predicates, so a search with the clauses and MatchesClauses agree.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "auth/authorizer.h"
#include "search/registry.h"
#include "store/index.h"
#include "store/query.h"

namespace vigil::server {

using Clauses = std::vector<store::Clause>;

// The clauses (AND) restriction stands for on type; nullopt when it cannot
// be enforced (see above) or type is not a resource type.
std::optional<Clauses> CompileRestriction(const search::Registry& registry, std::string_view type,
                                          const auth::Restriction& restriction);

// Whether the resource with this id and these index rows matches every clause.
// REQUIRES: clauses came from CompileRestriction.
bool MatchesClauses(const Clauses& clauses, std::string_view id, const store::IndexEntries& rows);

}  // namespace vigil::server
