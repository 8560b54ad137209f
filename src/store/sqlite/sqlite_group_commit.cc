#include "store/sqlite/sqlite_group_commit.h"

#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "base/str.h"

namespace vigil::store::sqlite_internal {

// One SQLite transaction shared by the WriteTxns released into it.
struct GroupCommitter::Turn::Group {
  std::chrono::steady_clock::time_point opened = std::chrono::steady_clock::now();
  CommittedWrites writes;  // of the released WriteTxns
  // Guarded by mu_: ended without a sync (failed, empty, or no sync hook)...
  bool done = false;
  absl::Status result;     // valid once done
  // ...or COMMITted and queued for MakeDurable.
  bool committed = false;
  // Guarded by sync_mu_.
  bool durable = false;
  absl::Status durable_result;  // valid once durable
};

GroupCommitter::GroupCommitter(Connection& c, GroupCommitLimits limits, Hooks hooks)
    : c_(c), limits_(limits), hooks_(std::move(hooks)) {}

absl::StatusOr<GroupCommitter::Turn> GroupCommitter::Begin() {
  waiting_.fetch_add(1);
  {
    std::lock_guard arrive(arrive_mu_);  // a lingering Settle sees the count or the notify
  }
  arrived_.notify_one();
  std::unique_lock lock(mu_);
  waiting_.fetch_sub(1);
  if (open_ == nullptr) {
    if (absl::Status s = c_.Run("BEGIN IMMEDIATE"); !s.ok()) return s;
    open_ = std::make_shared<Group>();
    if (hooks_.on_open) {
      if (absl::Status s = hooks_.on_open(); !s.ok()) {
        FailGroup(s);
        return s;
      }
    }
  }
  if (absl::Status s = c_.Run("SAVEPOINT txn"); !s.ok()) {
    if (sqlite3_get_autocommit(c_.db()) != 0) {
      FailGroup(s);
    } else {
      Settle(/*force=*/false);
    }
    return s;
  }
  return Turn(std::move(lock), open_);
}

absl::Status GroupCommitter::Commit(Turn turn, uint64_t writes, std::vector<ChangeEvent> events) {
  if (absl::Status s = c_.Run("RELEASE txn"); !s.ok()) {
    Abandon(std::move(turn));
    return s;
  }
  CommittedWrites& group = turn.group_->writes;
  ++group.transactions;
  group.writes += writes;
  group.events.insert(group.events.end(), std::make_move_iterator(events.begin()),
                      std::make_move_iterator(events.end()));
  Settle(/*force=*/false);
  std::shared_ptr<Group> mine = std::move(turn.group_);
  done_.wait(turn.lock_, [&] { return mine->done || mine->committed; });
  if (mine->done) return mine->result;
  turn.lock_.unlock();  // the next group writes while this one syncs
  return MakeDurable(mine);
}

absl::Status GroupCommitter::SyncCommitted() { return MakeDurable(nullptr); }

absl::Status GroupCommitter::MakeDurable(const std::shared_ptr<Group>& group) {
  std::lock_guard lock(sync_mu_);
  if (group != nullptr && group->durable) return group->durable_result;
  std::deque<std::shared_ptr<Group>> batch;
  {
    std::lock_guard queue(queue_mu_);
    batch.swap(unsynced_);  // all COMMITted before this sync starts
  }
  if (batch.empty()) return sync_failure_;
  // After one failed fsync the kernel may have dropped the unwritten pages, so a
  // later one that succeeds proves nothing: nothing is reported durable again.
  if (sync_failure_.ok()) {
    absl::Status synced = hooks_.sync();
    if (!synced.ok()) {
      sync_failure_ = absl::DataLossError(
          StrCat("committed writes could not be made durable (", Message(synced),
                 "); they may be lost on a crash, and no later write is acknowledged"));
    }
  }
  for (const std::shared_ptr<Group>& g : batch) {
    if (sync_failure_.ok() && hooks_.on_durable) hooks_.on_durable(std::move(g->writes));
    g->durable_result = sync_failure_;
    g->durable = true;
  }
  return group != nullptr ? group->durable_result : sync_failure_;
}

void GroupCommitter::Abandon(Turn turn) {
  absl::Status s = c_.Run("ROLLBACK TO txn");
  if (s.ok()) s = c_.Run("RELEASE txn");
  if (!s.ok() || sqlite3_get_autocommit(c_.db()) != 0) {
    FailGroup(s.ok() ? absl::InternalError("the store transaction was rolled back") : s);
  } else {
    Settle(/*force=*/false);
  }
  turn.lock_.unlock();  // the turn ends here, not when its group commits
}

std::unique_lock<std::mutex> GroupCommitter::Exclusive() {
  std::unique_lock lock(mu_);
  if (open_ != nullptr) Settle(/*force=*/true);
  if (hooks_.sync) (void)MakeDurable(nullptr);  // its members report a failure
  return lock;
}

void GroupCommitter::Settle(bool force) {
  if (open_ == nullptr) return;
  if (!force) {
    auto age = std::chrono::steady_clock::now() - open_->opened;
    bool open_for_more =
        open_->writes.transactions < limits_.max_transactions && age < limits_.max_wait;
    // A waiting writer joins; the last one commits.
    if (open_for_more && waiting_.load() > 0) return;
    if (open_for_more && open_->writes.transactions < last_size_ && limits_.linger.count() > 0) {
      auto linger =
          std::min<std::chrono::steady_clock::duration>(limits_.linger, limits_.max_wait - age);
      std::unique_lock arrive(arrive_mu_);
      if (arrived_.wait_for(arrive, linger, [&] { return waiting_.load() > 0; })) return;
    }
  }
  last_size_ = open_->writes.transactions;
  CommitGroup();
}

void GroupCommitter::CommitGroup() {
  std::shared_ptr<Group> group = std::move(open_);
  CommittedWrites& writes = group->writes;
  absl::Status s;
  if (writes.transactions == 0) {
    (void)c_.Run("ROLLBACK");  // nothing to make durable
  } else {
    if (!writes.events.empty() && hooks_.read_last_seq) {
      absl::StatusOr<int64_t> last = hooks_.read_last_seq();
      if (last.ok()) writes.last_seq = *last;
      s = last.status();
    }
    if (s.ok()) s = c_.Run("COMMIT");
    if (!s.ok()) (void)c_.Run("ROLLBACK");
  }
  if (!s.ok() || writes.transactions == 0) {
    Finish(*group, s);
    return;
  }
  if (hooks_.on_commit) hooks_.on_commit(writes);
  if (!hooks_.sync) {
    Finish(*group, s);
    return;
  }
  {
    std::lock_guard queue(queue_mu_);
    unsynced_.push_back(group);
  }
  group->committed = true;
  done_.notify_all();
}

void GroupCommitter::Finish(Group& group, absl::Status result) {
  if (result.ok() && group.writes.transactions > 0 && hooks_.on_durable) {
    hooks_.on_durable(std::move(group.writes));
  }
  group.result = std::move(result);
  group.done = true;
  done_.notify_all();
}

void GroupCommitter::FailGroup(absl::Status why) {
  std::shared_ptr<Group> group = std::move(open_);
  if (sqlite3_get_autocommit(c_.db()) == 0) (void)c_.Run("ROLLBACK");
  Finish(*group, why.ok() ? absl::InternalError("the store transaction failed") : std::move(why));
}

}  // namespace vigil::store::sqlite_internal
