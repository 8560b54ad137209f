// Group commit for the SQLite store's single writer connection (internal).
//
// Every WriteTxn is a SAVEPOINT inside one shared SQLite transaction (a
// "group"). When a WriteTxn commits while other writers are already waiting
// for the writer, its savepoint is released into the group and it waits;
// the writer that finds nobody waiting (or the group full or old) COMMITs the
// group once, so one fsync makes several WriteTxns durable. Commit() returns
// only after that COMMIT, with its status: a WriteTxn is never reported
// durable before it is. A WriteTxn that rolls back undoes only its own
// savepoint. If the group's COMMIT fails (or SQLite rolled the transaction
// back after an I/O error), every WriteTxn in it fails and nothing is
// announced.
//
// With one writer at a time this is the old behaviour (BEGIN IMMEDIATE ...
// COMMIT per WriteTxn); the grouping only happens under concurrency, e.g.
// several MLLP connections or HTTP clients writing at once.
//
// Thread-safety: all methods are thread-safe; a Turn belongs to one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/change.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace vigil::store::sqlite_internal {

// What one COMMIT made durable, in commit order.
struct CommittedWrites {
  size_t transactions = 0;
  uint64_t writes = 0;               // successful Puts
  std::vector<ChangeEvent> events;   // only those collected while listening
  int64_t last_seq = 0;              // highest versions.seq, read before COMMIT
};

class GroupCommitter {
 public:
  // Run under the writer lock. on_open: right after a group's BEGIN IMMEDIATE
  // (an error rolls it back and fails the Begin). on_commit: after a
  // successful COMMIT. read_last_seq: before COMMIT, when the group has events.
  struct Hooks {
    std::function<absl::Status()> on_open;
    std::function<void(CommittedWrites)> on_commit;
    std::function<absl::StatusOr<int64_t>()> read_last_seq;
  };

  GroupCommitter(Connection& c, GroupCommitLimits limits, Hooks hooks);
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // The writer lock plus the group this turn writes into.
  class Turn {
   public:
    Turn(Turn&&) = default;
    Turn& operator=(Turn&&) = default;

   private:
    friend class GroupCommitter;
    struct Group;
    Turn(std::unique_lock<std::mutex> lock, std::shared_ptr<Group> group)
        : lock_(std::move(lock)), group_(std::move(group)) {}
    std::unique_lock<std::mutex> lock_;
    std::shared_ptr<Group> group_;
  };

  // Waits for the writer; opens a group if none is open, then a savepoint.
  absl::StatusOr<Turn> Begin();
  // Releases the savepoint into the group and returns once the group's
  // COMMIT has run: its status. Ends the turn.
  absl::Status Commit(Turn turn, uint64_t writes, std::vector<ChangeEvent> events);
  // Rolls the savepoint back. Ends the turn.
  void Abandon(Turn turn);
  // The writer lock with no group open (an open one is committed first), for
  // work outside WriteTxns: changing the listener, reading other processes'
  // writes.
  std::unique_lock<std::mutex> Exclusive();
  // Threads waiting in Begin (for tests).
  int waiting() const { return waiting_.load(); }

 private:
  using Group = Turn::Group;

  // REQUIRES: mu_. Commits the open group unless the next writer should join.
  void Settle(bool force);
  // REQUIRES: mu_, a group open. COMMITs it (ROLLBACK when empty).
  void CommitGroup();
  // REQUIRES: mu_. The transaction is gone or must go: fails the group.
  void FailGroup(absl::Status why);

  Connection& c_;
  const GroupCommitLimits limits_;
  const Hooks hooks_;
  std::mutex mu_;                  // the writer lock
  std::condition_variable done_;   // a group finished
  std::atomic<int> waiting_{0};    // threads in Begin waiting for mu_
  std::shared_ptr<Group> open_;    // guarded by mu_
};

}  // namespace vigil::store::sqlite_internal
