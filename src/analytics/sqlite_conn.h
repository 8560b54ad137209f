// A small RAII layer over one sqlite3 connection for the analytics database
// (DATA/analytics.sqlite): Status errors instead of result codes, statements
// finalized on destruction. The store's own layer (store/sqlite/sqlite_db.h) is
// internal to the store; analytics keeps its own, simpler one (no statement
// cache: analytics statements are prepared per view or per request).
//
//   VIGIL_ASSIGN_OR_RETURN(auto db, Db::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
//   VIGIL_ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT json FROM vigil_views WHERE id = ?"));
//   s.BindText(1, id);
//   VIGIL_ASSIGN_OR_RETURN(bool row, s.Step());
//
// Thread-safety: a Db and its Stmts are used by one thread at a time (the
// connection is opened SQLITE_OPEN_NOMUTEX); callers serialize.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vigil::analytics {

// An error Status for rc with SQLite's message for db (db may be null).
absl::Status SqlError(sqlite3* db, int rc, std::string_view context);

// A prepared statement; finalized when destroyed. Parameters count from 1,
// columns from 0, as in SQLite. Bound text is copied (SQLITE_TRANSIENT).
class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  void BindText(int index, std::string_view v);
  void BindInt(int index, int64_t v) { sqlite3_bind_int64(stmt_, index, v); }
  void BindDouble(int index, double v) { sqlite3_bind_double(stmt_, index, v); }
  void BindNull(int index) { sqlite3_bind_null(stmt_, index); }

  // true: a row is available; false: done. Errors carry SQLite's message.
  absl::StatusOr<bool> Step();
  // Steps a statement that returns no rows.
  absl::Status Run();
  // Ready to step again with new bindings.
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int ColumnCount() const { return sqlite3_column_count(stmt_); }
  std::string ColumnName(int col) const;
  int ColumnType(int col) const { return sqlite3_column_type(stmt_, col); }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class Db {
 public:
  // flags: SQLITE_OPEN_* (SQLITE_OPEN_NOMUTEX is added). Errors name the path.
  static absl::StatusOr<std::unique_ptr<Db>> Open(const std::string& path, int flags);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  absl::Status Exec(const std::string& sql);
  absl::StatusOr<Stmt> Prepare(std::string_view sql);
  sqlite3* get() const { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// name as an SQL identifier: "name", inner quotes doubled.
std::string QuoteIdentifier(std::string_view name);

}  // namespace vigil::analytics
