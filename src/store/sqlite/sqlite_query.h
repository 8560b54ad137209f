// store::Query -> SQL over the SQLite store's schema (sqlite_schema.cc).
//
// Shape of the statement for `Observation?patient=X&code=Y&_sort=date`:
//
//   SELECT r.rid, (SELECT MIN(x.low) FROM idx_date x WHERE x.rid = r.rid AND x.param = ?) AS s0
//   FROM resources r
//   WHERE r.rid IN (SELECT x.rid FROM idx_reference x WHERE x.param = ? AND (...))  -- driver
//     AND +r.type = ? AND r.deleted = 0
//     AND EXISTS (SELECT 1 FROM idx_token x WHERE x.rid = r.rid AND x.param = ? AND (...))
//   ORDER BY s0 ASC NULLS LAST, r.rid LIMIT ? OFFSET ?
//
// The most selective clause (ids, then references/chains, then tokens with a
// code, then string prefixes and uris) drives through its index as a rid IN
// list; every other clause is a correlated EXISTS. Chains nest the target query
// as `x.target_id IN (SELECT t.id FROM resources t WHERE ...)`, _has as an
// EXISTS over the source's reference rows. User values are always bound, never
// spliced into the text; only param-independent shapes vary, so the statement
// cache sees the same text for the same query shape.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/query.h"
#include "store/sqlite/sqlite_db.h"

namespace vigil::store::sqlite_internal {

struct SqlText {
  std::string sql;
  std::vector<SqlValue> args;  // bound to ?1, ?2... in order
};

// Selects the rids of one page of matches, in sort order (column 0).
SqlText SearchPageSql(const Query& query, int64_t now_ms);
// Counts every match (one row, one column).
SqlText SearchCountSql(const Query& query, int64_t now_ms);

}  // namespace vigil::store::sqlite_internal
