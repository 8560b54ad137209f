// A thin RAII layer over one sqlite3 connection (internal to the SQLite store):
// Status errors instead of result codes, and prepared statements cached by SQL
// text so that hot statements (Put's inserts, reads by id) are prepared once.
//
// Thread-safety: a Connection is used by one thread at a time (the store's
// writer mutex or read pool guarantees it); it is opened SQLITE_OPEN_NOMUTEX.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vigil::store::sqlite_internal {

using SqlValue = std::variant<int64_t, double, std::string>;

// A prepared statement borrowed from a Connection's cache; reset (bindings
// cleared) when it goes out of scope. Parameter and column indexes are as in
// SQLite: parameters from 1, columns from 0.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, bool* busy, bool owned) : stmt_(stmt), busy_(busy), owned_(owned) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  void Bind(int index, int64_t v) { sqlite3_bind_int64(stmt_, index, v); }
  void Bind(int index, double v) { sqlite3_bind_double(stmt_, index, v); }
  // Text and blobs are bound without a copy (SQLITE_STATIC): REQUIRES the
  // bound bytes outlive the last Step() (never bind a temporary). A null
  // data() would bind SQL NULL; empty values bind as empty.
  void Bind(int index, std::string_view v) {
    sqlite3_bind_text(stmt_, index, v.empty() ? "" : v.data(), static_cast<int>(v.size()),
                      SQLITE_STATIC);
  }
  void Bind(int index, const std::string& v) { Bind(index, std::string_view(v)); }
  void BindBlob(int index, std::string_view v) {
    sqlite3_bind_blob(stmt_, index, v.empty() ? "" : v.data(), static_cast<int>(v.size()),
                      SQLITE_STATIC);
  }
  void BindValue(int index, const SqlValue& v);

  // Binds values in order, starting at parameter 1.
  template <typename... Args>
  void BindAll(const Args&... args) {
    int i = 0;
    (Bind(++i, args), ...);
  }

  // true: a row is available; false: done.
  absl::StatusOr<bool> Step();
  // Steps a statement that returns no rows.
  absl::Status Run();
  // Makes the statement ready to step again; bindings stay.
  void Reset() { sqlite3_reset(stmt_); }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string Text(int col) const;

 private:
  sqlite3_stmt* stmt_;
  bool* busy_;  // the cache entry's in-use flag; null when owned_
  bool owned_;  // finalize on destruction (the cached copy was busy)
};

class Connection {
 public:
  // Opens (creating if needed) the database at `path` and applies the
  // per-connection pragmas. `writer` = the one connection that writes;
  // `cache_mib` = its SQLite page cache (readers also map the file).
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, bool writer,
                                                          bool synchronous_full,
                                                          int cache_mib = 32);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  absl::Status Exec(const char* sql);
  // One statement that returns no rows, through the statement cache: what
  // Exec does without preparing it again, for the hot transaction control
  // statements (BEGIN, SAVEPOINT, RELEASE, COMMIT).
  absl::Status Run(const std::string& sql);
  absl::StatusOr<Statement> Prepare(const std::string& sql);
  sqlite3* db() { return db_; }

 private:
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool busy = false;
  };
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  // Node-based, so `busy` flags handed to Statements stay put on insertion.
  std::unordered_map<std::string, Cached> cache_;
};

absl::Status SqliteError(sqlite3* db, int rc, std::string_view context);

// fdatasync of a database's WAL file ("<path>-wal") through a descriptor of
// its own, so that it can run while the writer connection writes the next
// transaction: everything written to the WAL before Sync() started is on disk
// when it returns OK. The file is opened on the first Sync (a WAL-mode
// connection keeps it while open). Not thread-safe: one Sync at a time.
class WalSync {
 public:
  explicit WalSync(std::string db_path) : wal_path_(std::move(db_path) + "-wal") {}
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  absl::Status Sync();

 private:
  std::string wal_path_;
  int fd_ = -1;
};

}  // namespace vigil::store::sqlite_internal
