// Copies the WAL back into the database file on a thread of its own, so that
// the writer does not stop for it.
//
// SQLite's automatic checkpoint runs inside the COMMIT of the transaction that
// crosses the threshold, on the writer's thread: for a bulk load that is a
// third of the writer's I/O. A PASSIVE checkpoint may run on another
// connection while the writer keeps writing, so the writer's wal hook only
// wakes this thread. Should the WAL still grow (the checkpointer cannot keep
// up, or cannot finish because readers hold old snapshots), the writer runs a
// PASSIVE checkpoint itself past four times the threshold, as SQLite would.
//
// Durability is unchanged: commits are made durable by the WAL's fsync; a
// checkpoint only moves committed pages into the database file.
//
// Thread-safety: Attach and the destructor run on the thread that owns the
// writer connection; the wal hook runs under the writer's lock.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_db.h"

namespace vigil::store::sqlite_internal {

class Checkpointer {
 public:
  // Opens its own connection to `path`; the thread starts on Attach. A
  // checkpoint starts once the WAL holds `frames` pages; past 4 * frames the
  // writer checkpoints inline.
  static absl::StatusOr<std::unique_ptr<Checkpointer>> Open(const std::string& path, int frames);
  // Unhooks the writer, stops the thread (finishing a running checkpoint) and
  // closes its connection. REQUIRES: no write transaction is open.
  ~Checkpointer();

  // Replaces `writer`'s automatic checkpoint by this one. REQUIRES: called
  // once, before the writer commits; `writer` outlives *this.
  void Attach(Connection& writer);

 private:
  Checkpointer(std::unique_ptr<Connection> conn, int frames)
      : conn_(std::move(conn)), frames_(frames) {}
  static int OnCommit(void* self, sqlite3* db, const char* name, int frames);
  void Run();

  std::unique_ptr<Connection> conn_;  // used only by thread_
  sqlite3* writer_ = nullptr;         // whose wal hook calls OnCommit
  const int frames_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;  // guarded by mu_
  bool stop_ = false;       // guarded by mu_
  std::thread thread_;
};

}  // namespace vigil::store::sqlite_internal
