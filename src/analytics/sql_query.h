// The read-only SQL engine over the materialized views (POST /api/sql and
// `vigil sql`): one SELECT statement, only the view_ tables, limited in time
// and rows.
//
//   SqlLimits limits;                       // 10,000 rows, 5 s
//   VIGIL_ASSIGN_OR_RETURN(SqlResult r,
//       RunReadOnlySql(dir + "/analytics.sqlite", "SELECT * FROM view_bp", limits));
//   std::string body = SqlResultJson(r);   // {"columns":[..],"rows":[[..]],"truncated":false}
//
// Why it cannot change data (each guard alone suffices for writes; together
// they also keep queries to the views):
//   1. its own connection, opened SQLITE_OPEN_READONLY, with PRAGMA query_only,
//      SQLITE_DBCONFIG_DEFENSIVE and no attached databases allowed
//      (SQLITE_LIMIT_ATTACHED = 0);
//   2. an authorizer (sqlite3_set_authorizer) that allows only SQLITE_SELECT,
//      SQLITE_FUNCTION and SQLITE_READ of tables named view_*; everything
//      else is denied: INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, ATTACH,
//      PRAGMA, transactions, recursive CTEs, table-valued functions
//      (json_each, pragma_*), and reading any other table (the view registry
//      vigil_views, sqlite_schema). Scalar functions stay (json_extract reads
//      collection cells);
//   3. exactly one statement (text after the first statement is refused), and
//      sqlite3_stmt_readonly must hold.
// Limits: a progress handler stops the statement once `timeout` has passed
// (checked every 1,000 virtual-machine instructions); at most max_rows rows
// are returned (`truncated` says more were there); values longer than 16 MiB
// are refused by SQLite (SQLITE_LIMIT_LENGTH).
//
// Thread-safety: every call opens its own connection; calls may run on any
// threads at once, alongside the writer (the database is in WAL mode).
// Errors: HttpError 400 "invalid" for SQL that does not compile, is refused by
// the guards or fails; 400 "too-costly" when the time limit stops it;
// NotFound when the database does not exist.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace vigil::analytics {

struct SqlLimits {
  size_t max_rows = 10000;
  std::chrono::milliseconds timeout{5000};
};

// NULL, INTEGER, REAL, TEXT (blobs are returned as their bytes).
using SqlCell = std::variant<std::monostate, int64_t, double, std::string>;

struct SqlResult {
  std::vector<std::string> columns;
  std::vector<std::vector<SqlCell>> rows;
  bool truncated = false;  // the query had more than max_rows rows
};

absl::StatusOr<SqlResult> RunReadOnlySql(const std::string& db_path, std::string_view sql,
                                         const SqlLimits& limits);

// {"columns":[...],"rows":[[...],...],"truncated":bool}; non-finite reals are null.
std::string SqlResultJson(const SqlResult& result);
// A header line, then one line per row (RFC 4180 quoting, "\n" line ends; NULL
// is an empty field).
std::string SqlResultCsv(const SqlResult& result);

}  // namespace vigil::analytics
