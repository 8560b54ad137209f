// One predicate against one index row, for the memory store (internal): the
// row-level half of query.h's semantics, shared by plain clauses and by the
// parts of a CompositeMatch so that both read a row the same way.
#pragma once

#include <cstdint>

#include "store/index.h"
#include "store/query.h"

namespace vigil::store::memory_internal {

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

}  // namespace vigil::store::memory_internal
