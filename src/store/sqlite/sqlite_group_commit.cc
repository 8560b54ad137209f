#include "store/sqlite/sqlite_group_commit.h"

#include <sqlite3.h>

#include <utility>

#include "base/str.h"

namespace vigil::store::sqlite_internal {

// One SQLite transaction shared by the WriteTxns released into it.
struct GroupCommitter::Turn::Group {
  std::chrono::steady_clock::time_point opened = std::chrono::steady_clock::now();
  CommittedWrites writes;  // of the released WriteTxns
  bool done = false;
  absl::Status result;     // valid once done
};

GroupCommitter::GroupCommitter(Connection& c, GroupCommitLimits limits, Hooks hooks)
    : c_(c), limits_(limits), hooks_(std::move(hooks)) {}

absl::StatusOr<GroupCommitter::Turn> GroupCommitter::Begin() {
  waiting_.fetch_add(1);
  std::unique_lock lock(mu_);
  waiting_.fetch_sub(1);
  if (open_ == nullptr) {
    if (absl::Status s = c_.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    open_ = std::make_shared<Group>();
    if (hooks_.on_open) {
      if (absl::Status s = hooks_.on_open(); !s.ok()) {
        FailGroup(s);
        return s;
      }
    }
  }
  if (absl::Status s = c_.Exec("SAVEPOINT txn"); !s.ok()) {
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
  if (absl::Status s = c_.Exec("RELEASE txn"); !s.ok()) {
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
  done_.wait(turn.lock_, [&] { return mine->done; });
  return mine->result;
}

void GroupCommitter::Abandon(Turn turn) {
  absl::Status s = c_.Exec("ROLLBACK TO txn");
  if (s.ok()) s = c_.Exec("RELEASE txn");
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
  return lock;
}

void GroupCommitter::Settle(bool force) {
  if (open_ == nullptr) return;
  bool joinable = waiting_.load() > 0 &&
                  open_->writes.transactions < limits_.max_transactions &&
                  std::chrono::steady_clock::now() - open_->opened < limits_.max_wait;
  if (!force && joinable) return;  // a waiting writer joins; the last one commits
  CommitGroup();
}

void GroupCommitter::CommitGroup() {
  std::shared_ptr<Group> group = std::move(open_);
  CommittedWrites& writes = group->writes;
  absl::Status s;
  if (writes.transactions == 0) {
    (void)c_.Exec("ROLLBACK");  // nothing to make durable
  } else {
    if (!writes.events.empty() && hooks_.read_last_seq) {
      absl::StatusOr<int64_t> last = hooks_.read_last_seq();
      if (last.ok()) writes.last_seq = *last;
      s = last.status();
    }
    if (s.ok()) s = c_.Exec("COMMIT");
    if (!s.ok()) (void)c_.Exec("ROLLBACK");
  }
  if (s.ok() && writes.transactions > 0 && hooks_.on_commit) hooks_.on_commit(std::move(writes));
  group->result = s;
  group->done = true;
  done_.notify_all();
}

void GroupCommitter::FailGroup(absl::Status why) {
  std::shared_ptr<Group> group = std::move(open_);
  if (sqlite3_get_autocommit(c_.db()) == 0) (void)c_.Exec("ROLLBACK");
  group->result = why.ok() ? absl::InternalError("the store transaction failed") : std::move(why);
  group->done = true;
  done_.notify_all();
}

}  // namespace vigil::store::sqlite_internal
