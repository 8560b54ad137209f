// One predicate against one index row: the row-level half of query.h's
// semantics. The memory store evaluates queries with it (plain clauses and the
// parts of a CompositeMatch read a row the same way), and the REST layer tests
// one resource version against granular-scope clauses with it
// (server/rest/scope_restriction.h), so both agree with the SQLite store's SQL.
//
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "store/index.h"
#include "store/query.h"

namespace vigil::store {

bool RowMatches(const TokenMatch& m, const TokenRow& r);
bool RowMatches(const TokenTextMatch& m, const TokenRow& r);
bool RowMatches(const StringMatch& m, const StringRow& r);
bool RowMatches(const NumberMatch& m, const NumberRow& r);
// now_ms widens `ap` (range_match.h).
bool RowMatches(const DateMatch& m, const DateRow& r, int64_t now_ms);
bool RowMatches(const QuantityMatch& m, const QuantityRow& r);
bool RowMatches(const ReferenceMatch& m, const ReferenceRow& r);
bool RowMatches(const UriMatch& m, const UriRow& r);

// Whether composite row `r` matches `m` (query.h): part i of the row is of
// the kind of m.parts[i] and matches it, for every i.
bool RowMatches(const CompositeMatch& m, const CompositeRow& r, int64_t now_ms);

// True when some row of `rows` that `filter` reads satisfies `pred`.
template <typename Row, typename Pred>
bool AnyRow(const std::vector<Row>& rows, const RowFilter& filter, Pred pred) {
  return std::any_of(rows.begin(), rows.end(),
                     [&](const Row& r) { return filter.Reads(r) && pred(r); });
}

}  // namespace vigil::store
