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
// several MLLP connections or HTTP clients writing at once. A group smaller
// than the one before it lingers (GroupCommitLimits::linger) for the writers
// that are probably on their way, e.g. the one MLLP sender whose message is
// still being mapped: one COMMIT then writes the pages they share once.
//
// With a `sync` hook the COMMIT itself does not wait for the disk (the writer
// runs with synchronous=NORMAL) and the fsync of the WAL happens after the
// writer lock is released: the next group writes while this one's sync runs,
// and one sync covers every group committed before it started. Members still
// return only once their group is durable, and change events are handed on
// (on_durable) only then, in commit order. Readers may see a group's writes
// during its sync; nothing is acknowledged before it ends.
//
// Thread-safety: all methods are thread-safe; a Turn belongs to one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
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
  // on_open, on_commit and read_last_seq run under the writer lock. on_open:
  // right after a group's BEGIN IMMEDIATE (an error rolls it back and fails
  // the Begin). on_commit: after a successful COMMIT, before the group is
  // durable (bookkeeping the next group relies on). read_last_seq: before
  // COMMIT, when the group has events. sync: makes everything committed so
  // far durable; empty when COMMIT is durable by itself. on_durable: once the
  // group is durable, in commit order, one call at a time, under no writer
  // lock (under it when there is no sync).
  struct Hooks {
    std::function<absl::Status()> on_open;
    std::function<void(CommittedWrites&)> on_commit;
    std::function<absl::StatusOr<int64_t>()> read_last_seq;
    std::function<absl::Status()> sync;
    std::function<void(CommittedWrites)> on_durable;
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
  // COMMIT has run and, with a sync hook, the group is durable: its status.
  // Ends the turn.
  absl::Status Commit(Turn turn, uint64_t writes, std::vector<ChangeEvent> events);
  // Rolls the savepoint back. Ends the turn.
  void Abandon(Turn turn);
  // The writer lock with no group open (an open one is committed first) and
  // every committed group durable and handed on, for work outside WriteTxns:
  // changing the listener, reading other processes' writes.
  std::unique_lock<std::mutex> Exclusive();
  // Makes every committed group durable and hands it on (on_durable); what
  // Exclusive does, for hooks that run under the writer lock. The status of
  // the sync, OK when there was nothing to sync.
  absl::Status SyncCommitted();
  // Threads waiting in Begin (for tests).
  int waiting() const { return waiting_.load(); }

 private:
  using Group = Turn::Group;

  // REQUIRES: mu_. Commits the open group unless the next writer should join
  // (one is waiting, or, for a group smaller than the last, arrives within
  // the linger).
  void Settle(bool force);
  // REQUIRES: mu_, a group open. COMMITs it (ROLLBACK when empty); with a
  // sync hook a committed group is queued for MakeDurable.
  void CommitGroup();
  // REQUIRES: mu_. The transaction is gone or must go: fails the group.
  void FailGroup(absl::Status why);
  // REQUIRES: mu_. Ends `group` with `result` (on_durable first when ok).
  void Finish(Group& group, absl::Status result);
  // REQUIRES: not sync_mu_. Returns once `group` (committed, or null: every
  // committed group) is durable: syncs unless a sync that started after its
  // COMMIT already ended; the sync's status.
  absl::Status MakeDurable(const std::shared_ptr<Group>& group);

  Connection& c_;
  const GroupCommitLimits limits_;
  const Hooks hooks_;
  std::mutex mu_;                  // the writer lock
  std::condition_variable done_;   // a group committed or finished
  std::atomic<int> waiting_{0};    // threads in Begin waiting for mu_
  std::shared_ptr<Group> open_;    // guarded by mu_
  size_t last_size_ = 0;           // WriteTxns in the last group; guarded by mu_
  std::mutex arrive_mu_;           // with arrived_: Begin wakes a lingering Settle
  std::condition_variable arrived_;
  std::mutex sync_mu_;             // one sync (and its on_durable calls) at a time
  std::mutex queue_mu_;            // guards unsynced_; taken under mu_ or sync_mu_
  // Committed groups not yet durable, in commit order.
  std::deque<std::shared_ptr<Group>> unsynced_;
  absl::Status sync_failure_;  // guarded by sync_mu_; sticky
};

}  // namespace vigil::store::sqlite_internal
