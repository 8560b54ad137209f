// The embedded store: one SQLite database file, `dir/vigil.db`, in WAL mode.
//
//   SqliteOptions options;
//   VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store,
//                          store::OpenSqliteStore("/var/lib/vigil", options));
//
// Concurrency: one writer connection, guarded by a lock that a WriteTxn holds
// for its whole life; reads through the Store run
// on a pool of reader connections and, thanks to WAL, see the last committed
// snapshot without waiting for an open WriteTxn. Reads through a WriteTxn use
// the writer connection and see its own writes. Each Store read that runs
// several statements (Search, History, References) runs them in one read
// transaction, so a page and its total agree.
//
// Durability (options.durability):
//   kFull (default): the WAL is fsynced after every group's COMMIT, before any
//     of its Commit() calls returns. A Commit() that returned OK survives a
//     process kill, an OS crash and power loss. This is what store.h promises
//     ("durable once Commit() returns OK"), and what an acknowledged clinical
//     write needs. The fsync runs after the writer lock is released (the
//     writer connection itself is on synchronous=NORMAL), so readers may see
//     a group's writes during its fsync; nothing is acknowledged and no change
//     event is handed on before it ends, and a failed fsync fails that Commit
//     and every later one.
//   kNormal: synchronous=NORMAL. Committed transactions survive a process kill
//     (SIGKILL) but an OS crash or power loss may roll back the last few;
//     the database is never corrupted. Faster for bulk imports that can be
//     resumed (checkpoints in meta), and for tests.
// Either way an uncommitted or interrupted transaction leaves no trace.
//
// Group commit (sqlite_group_commit.h): each WriteTxn is a savepoint; when
// writers wait while one commits, their WriteTxns join one SQLite transaction
// and one COMMIT (one fsync) makes them all durable. Commit() still returns
// only once its writes are durable, and fails if that shared COMMIT fails.
// While one group's fsync runs the next group is written; a later fsync covers
// every group committed before it started. The WAL
// (vigil.db-wal) is checkpointed every 64Ki pages, so it may grow to ~256 MiB.
//
// One process at a time should open a given directory (the writer mutex is
// per process; a second process would wait on SQLite's lock, then fail with
// Unavailable).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "store/store.h"

namespace vigil::store {

// When a group of concurrent WriteTxns is committed at the latest.
struct GroupCommitLimits {
  // Once it holds this many WriteTxns...
  size_t max_transactions = 64;
  // ...or its first WriteTxn has waited this long, even if writers wait.
  std::chrono::microseconds max_wait{10000};
  // With nobody waiting, a group with fewer WriteTxns than the last one waits
  // this long for another writer to arrive before it commits (0: never). One
  // writer at a time never waits. 1 ms: +5% HL7 v2 messages/s (BENCHMARKS).
  std::chrono::microseconds linger{1000};
};

struct SqliteOptions {
  enum class Durability : uint8_t { kFull, kNormal };
  Durability durability = Durability::kFull;
  // Reader connections kept open; more readers than this wait for one.
  int max_readers = 8;
  // Page cache of the writer connection. It holds the index b-tree pages that
  // writes touch; a bulk load with large transactions wants more (vigil import
  // uses 1 GiB) than a server, whose cache only grows, needs. Allocated lazily.
  int writer_cache_mib = 256;
  // WAL pages after which a background thread copies the WAL into the database
  // file (sqlite_checkpointer.h): 64Ki pages = 256 MiB.
  int checkpoint_pages = 65536;
  GroupCommitLimits group;
  // Current time in ms since the Unix epoch, for the date `ap` prefix. Empty =
  // the system clock.
  std::function<int64_t()> now_ms;
  // Told what is being done before a one-time upgrade of an older file that
  // can take long (a line for the user). Empty = not told.
  std::function<void(std::string_view)> notice;
};

// Opens (creating the directory and database if missing) the store in `dir`.
// Errors: Unavailable when the file cannot be opened or is locked, DataLoss
// when it is not a database, FailedPrecondition when it was written by a
// newer schema version.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& dir,
                                                       const SqliteOptions& options = {});

// Process-wide SQLite settings: turns off SQLite's memory statistics, which
// take one global mutex on every allocation of every connection (nothing here
// reads them; +4% HL7 v2 messages/s in bench/hl7v2), and installs the page
// cache of sqlite_page_cache.h (no walk over the writer's whole cache at each
// COMMIT). Call first in main(), before anything opens a database; later
// calls have no effect.
void ConfigureSqlite();

}  // namespace vigil::store
