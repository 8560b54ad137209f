#include "analytics/sql_query.h"

#include <strings.h>

#include <cmath>

#include "analytics/materializer.h"
#include "analytics/sqlite_conn.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "fhir/json.h"

namespace vigil::analytics {
namespace {

constexpr int kMaxValueBytes = 16 << 20;
constexpr int kMaxSqlBytes = 100000;
constexpr int kProgressSteps = 1000;

bool IsViewTable(const char* table) {
  return table != nullptr && strncasecmp(table, kTablePrefix.data(), kTablePrefix.size()) == 0 &&
         table[kTablePrefix.size()] != '\0';
}

int Authorize(void*, int action, const char* arg1, const char*, const char*, const char*) {
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_FUNCTION: return SQLITE_OK;
    case SQLITE_READ: return IsViewTable(arg1) ? SQLITE_OK : SQLITE_DENY;
    default: return SQLITE_DENY;
  }
}

struct Deadline {
  std::chrono::steady_clock::time_point at;
  bool expired = false;
};

int CheckDeadline(void* arg) {
  auto* deadline = static_cast<Deadline*>(arg);
  if (std::chrono::steady_clock::now() < deadline->at) return 0;
  deadline->expired = true;
  return 1;  // interrupts the statement
}

absl::Status Invalid(std::string_view message) {
  return HttpError(400, "invalid", StrCat("SQL: ", message));
}

absl::StatusOr<std::unique_ptr<Db>> OpenReadOnly(const std::string& path) {
  absl::StatusOr<std::unique_ptr<Db>> db = Db::Open(path, SQLITE_OPEN_READONLY);
  if (absl::IsNotFound(db.status())) {
    return absl::NotFoundError(
        StrCat("no analytics database at '", path, "' (materialize a view first)"));
  }
  if (!db.ok()) return db.status();
  sqlite3* handle = (*db)->get();
  sqlite3_limit(handle, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, kMaxValueBytes);
  sqlite3_limit(handle, SQLITE_LIMIT_SQL_LENGTH, kMaxSqlBytes);
  sqlite3_db_config(handle, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_busy_timeout(handle, 2000);
  VIGIL_RETURN_IF_ERROR((*db)->Exec("PRAGMA query_only = 1"));
  sqlite3_set_authorizer(handle, Authorize, nullptr);
  return db;
}

// Compiles exactly one statement; refuses a second one after it.
absl::StatusOr<Stmt> PrepareOne(sqlite3* db, std::string_view sql) {
  if (sql.size() > static_cast<size_t>(kMaxSqlBytes)) return Invalid("the statement is too long");
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  Stmt stmt(raw);
  if (rc != SQLITE_OK) return Invalid(sqlite3_errmsg(db));
  if (raw == nullptr) return Invalid("no statement");
  const char* end = sql.data() + sql.size();
  if (tail != nullptr && tail < end) {
    sqlite3_stmt* next = nullptr;
    rc = sqlite3_prepare_v2(db, tail, static_cast<int>(end - tail), &next, nullptr);
    Stmt second(next);
    if (rc != SQLITE_OK || next != nullptr) return Invalid("only one statement is allowed");
  }
  if (!sqlite3_stmt_readonly(raw)) return Invalid("only SELECT statements are allowed");
  return stmt;
}

SqlCell CellOf(const Stmt& stmt, int col) {
  switch (stmt.ColumnType(col)) {
    case SQLITE_NULL: return std::monostate();
    case SQLITE_INTEGER: return stmt.Int(col);
    case SQLITE_FLOAT: return stmt.Double(col);
    default: return stmt.Text(col);
  }
}

void AppendJsonCell(const SqlCell& cell, std::string* out) {
  if (const auto* i = std::get_if<int64_t>(&cell)) {
    out->append(std::to_string(*i));
  } else if (const auto* d = std::get_if<double>(&cell)) {
    out->append(std::isfinite(*d) ? fmt::format("{}", *d) : "null");
  } else if (const auto* s = std::get_if<std::string>(&cell)) {
    fhir::AppendJsonString(*s, out);
  } else {
    out->append("null");
  }
}

void AppendCsvField(std::string_view field, std::string* out) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvCell(const SqlCell& cell, std::string* out) {
  if (const auto* i = std::get_if<int64_t>(&cell)) {
    out->append(std::to_string(*i));
  } else if (const auto* d = std::get_if<double>(&cell)) {
    out->append(fmt::format("{}", *d));
  } else if (const auto* s = std::get_if<std::string>(&cell)) {
    AppendCsvField(*s, out);
  }
}

}  // namespace

absl::StatusOr<SqlResult> RunReadOnlySql(const std::string& db_path, std::string_view sql,
                                         const SqlLimits& limits) {
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, OpenReadOnly(db_path));
  Deadline deadline{std::chrono::steady_clock::now() + limits.timeout};
  sqlite3_progress_handler(db->get(), kProgressSteps, CheckDeadline, &deadline);
  VIGIL_ASSIGN_OR_RETURN(Stmt stmt, PrepareOne(db->get(), sql));
  SqlResult result;
  for (int i = 0; i < stmt.ColumnCount(); ++i) result.columns.push_back(stmt.ColumnName(i));
  while (true) {
    int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      if (deadline.expired) {
        return HttpError(400, "too-costly",
                         StrCat("SQL: the query was stopped after the time limit of ",
                                limits.timeout.count(), " ms"));
      }
      return Invalid(sqlite3_errmsg(db->get()));
    }
    if (result.rows.size() == limits.max_rows) {
      result.truncated = true;
      break;
    }
    std::vector<SqlCell> row;
    row.reserve(result.columns.size());
    for (int i = 0; i < stmt.ColumnCount(); ++i) row.push_back(CellOf(stmt, i));
    result.rows.push_back(std::move(row));
  }
  return result;
}

std::string SqlResultJson(const SqlResult& result) {
  std::string out = "{\"columns\":[";
  for (size_t i = 0; i < result.columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    fhir::AppendJsonString(result.columns[i], &out);
  }
  out += "],\"rows\":[";
  for (size_t r = 0; r < result.rows.size(); ++r) {
    out += r > 0 ? ",[" : "[";
    for (size_t i = 0; i < result.rows[r].size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendJsonCell(result.rows[r][i], &out);
    }
    out.push_back(']');
  }
  out += StrCat("],\"truncated\":", result.truncated ? "true" : "false", "}");
  return out;
}

std::string SqlResultCsv(const SqlResult& result) {
  std::string out;
  for (size_t i = 0; i < result.columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendCsvField(result.columns[i], &out);
  }
  out.push_back('\n');
  for (const std::vector<SqlCell>& row : result.rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendCsvCell(row[i], &out);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace vigil::analytics
