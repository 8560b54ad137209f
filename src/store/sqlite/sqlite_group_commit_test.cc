// The group committer on a real SQLite file: who waits for whom, what one
// COMMIT covers, and that a failed or abandoned member never reports success.
#include "store/sqlite/sqlite_group_commit.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vigil::store::sqlite_internal {
namespace {

using namespace std::chrono_literals;

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/group_commit_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/t.db";
    auto writer = Connection::Open(path_, /*writer=*/true, /*synchronous_full=*/true);
    ASSERT_TRUE(writer.ok()) << writer.status();
    writer_ = std::move(*writer);
    ASSERT_TRUE(writer_
                    ->Exec("PRAGMA foreign_keys=ON;"
                           "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                           "CREATE TABLE t(id INTEGER PRIMARY KEY, parent INTEGER REFERENCES "
                           "parent(id) DEFERRABLE INITIALLY DEFERRED)")
                    .ok());
  }
  void TearDown() override {
    committer_.reset();
    writer_.reset();
    std::filesystem::remove_all(dir_);
  }

  GroupCommitter& Committer(GroupCommitLimits limits = {},
                            std::function<absl::Status()> sync = nullptr) {
    GroupCommitter::Hooks hooks;
    hooks.on_commit = [this](CommittedWrites& w) {
      std::lock_guard lock(durable_mu_);
      commits_.push_back(w.transactions);
    };
    hooks.on_durable = [this](CommittedWrites w) {
      std::lock_guard lock(durable_mu_);
      durable_.push_back(w.writes);
    };
    hooks.sync = std::move(sync);
    committer_ = std::make_unique<GroupCommitter>(*writer_, limits, hooks);
    return *committer_;
  }

  // A sync hook whose first call blocks until `release` is set.
  struct FirstSyncBlocks {
    std::promise<void> started;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<int> calls{0};

    std::function<absl::Status()> Hook() {
      return [this]() -> absl::Status {
        if (calls.fetch_add(1) == 0) {
          started.set_value();
          released.wait();
        }
        return absl::OkStatus();
      };
    }
  };

  // Inserts row 1 and commits it on another thread; returns once its (first,
  // blocked) sync has started.
  std::future<absl::Status> CommitOneInsertUntilItSyncs(GroupCommitter& committer,
                                                        FirstSyncBlocks& sync) {
    auto turn = committer.Begin();
    EXPECT_TRUE(turn.ok()) << turn.status();
    Insert(1);
    std::future<absl::Status> done =
        std::async(std::launch::async, [&committer, t = std::move(*turn)]() mutable {
          return committer.Commit(std::move(t), 1, {});
        });
    sync.started.get_future().wait();
    return done;
  }

  void WaitForCommits(size_t n) {
    while (true) {
      {
        std::lock_guard lock(durable_mu_);
        if (commits_.size() >= n) return;
      }
      std::this_thread::sleep_for(1ms);
    }
  }

  std::vector<uint64_t> Durable() {
    std::lock_guard lock(durable_mu_);
    return durable_;
  }

  // For tests where a waiting writer must join the open group: on a loaded
  // machine the default 10 ms may pass before the first member commits.
  static GroupCommitLimits Patient() {
    GroupCommitLimits limits;
    limits.max_wait = 60s;
    return limits;
  }

  void Insert(int id, const char* parent = "NULL") {
    std::string sql = "INSERT INTO t VALUES (" + std::to_string(id) + ", " + parent + ")";
    ASSERT_TRUE(writer_->Exec(sql.c_str()).ok());
  }

  // Committed rows, read through a separate connection (what other readers see).
  std::vector<int64_t> CommittedIds() {
    auto reader = Connection::Open(path_, /*writer=*/false, true);
    EXPECT_TRUE(reader.ok());
    std::vector<int64_t> ids;
    auto st = (*reader)->Prepare("SELECT id FROM t ORDER BY id");
    while (st.ok() && *st->Step()) ids.push_back(st->Int(0));
    return ids;
  }

  // Rows first_id and first_id + 1 from two writers in one COMMIT (B waits
  // for the writer while A commits).
  void CommitPair(GroupCommitter& committer, int first_id) {
    auto a = committer.Begin();
    ASSERT_TRUE(a.ok());
    Insert(first_id);
    std::thread b([&] {
      auto turn = committer.Begin();
      ASSERT_TRUE(turn.ok());
      Insert(first_id + 1);
      EXPECT_TRUE(committer.Commit(std::move(*turn), 1, {}).ok());
    });
    WaitUntilWaiting(committer, 1);
    EXPECT_TRUE(committer.Commit(std::move(*a), 1, {}).ok());
    b.join();
  }

  // A patient committer with `linger` that has committed a pair (rows 1 and
  // 2), and the turn of a third writer that inserted row 3.
  absl::StatusOr<GroupCommitter::Turn> ThirdWriterAfterAPair(std::chrono::microseconds linger) {
    GroupCommitLimits limits = Patient();
    limits.linger = linger;
    GroupCommitter& committer = Committer(limits);
    CommitPair(committer, 1);
    auto turn = committer.Begin();
    if (turn.ok()) Insert(3);
    return turn;
  }

  void WaitUntilWaiting(GroupCommitter& committer, int n) {
    while (committer.waiting() < n) std::this_thread::sleep_for(1ms);
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<Connection> writer_;
  std::unique_ptr<GroupCommitter> committer_;
  std::mutex durable_mu_;        // guards commits_ and durable_
  std::vector<size_t> commits_;  // transactions per COMMIT, from on_commit
  std::vector<uint64_t> durable_;  // writes per durable group, from on_durable
};

TEST_F(GroupCommitTest, ALoneWriterCommitsAtOnce) {
  GroupCommitter& committer = Committer();
  auto turn = committer.Begin();
  ASSERT_TRUE(turn.ok()) << turn.status();
  Insert(1);
  EXPECT_TRUE(committer.Commit(std::move(*turn), 1, {}).ok());
  EXPECT_EQ(CommittedIds(), std::vector<int64_t>{1});
  EXPECT_EQ(commits_, std::vector<size_t>{1});
}

// A commits while B waits for the writer: A's commit returns only when B's
// turn ends, and one COMMIT makes both durable.
TEST_F(GroupCommitTest, ACommitWithAWriterWaitingJoinsItsGroup) {
  GroupCommitter& committer = Committer(Patient());
  auto a = committer.Begin();
  ASSERT_TRUE(a.ok());
  Insert(1);
  std::promise<void> b_inserted;
  std::promise<void> b_may_commit;
  std::thread b([&] {
    auto turn = committer.Begin();
    ASSERT_TRUE(turn.ok());
    Insert(2);
    b_inserted.set_value();
    b_may_commit.get_future().wait();
    EXPECT_TRUE(committer.Commit(std::move(*turn), 1, {}).ok());
  });
  WaitUntilWaiting(committer, 1);
  std::future<absl::Status> a_done =
      std::async(std::launch::async, [&] { return committer.Commit(std::move(*a), 1, {}); });
  b_inserted.get_future().wait();
  EXPECT_EQ(a_done.wait_for(50ms), std::future_status::timeout);  // not durable yet
  EXPECT_TRUE(CommittedIds().empty());
  b_may_commit.set_value();
  EXPECT_TRUE(a_done.get().ok());
  b.join();
  EXPECT_EQ(CommittedIds(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(commits_, std::vector<size_t>{2});
}

// After a group of two, a lone writer lingers for a second one instead of
// committing alone, and the two share one COMMIT.
TEST_F(GroupCommitTest, AGroupSmallerThanTheLastLingersForTheNextWriter) {
  auto c = ThirdWriterAfterAPair(60s);
  ASSERT_TRUE(c.ok());
  GroupCommitter& committer = *committer_;
  std::future<absl::Status> c_done =
      std::async(std::launch::async, [&] { return committer.Commit(std::move(*c), 1, {}); });
  EXPECT_EQ(c_done.wait_for(50ms), std::future_status::timeout);  // lingering
  auto d = committer.Begin();
  ASSERT_TRUE(d.ok());
  Insert(4);
  EXPECT_TRUE(committer.Commit(std::move(*d), 1, {}).ok());
  EXPECT_TRUE(c_done.get().ok());
  EXPECT_EQ(CommittedIds(), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(commits_, (std::vector<size_t>{2, 2}));
}

// Nobody comes: the lingering group commits alone, and the next lone writer,
// whose last group had one member, does not linger at all (with 60 s it would
// not finish in time).
TEST_F(GroupCommitTest, ALingerEndsWithoutAWriterAndOneWriterNeverLingers) {
  auto c = ThirdWriterAfterAPair(20ms);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(committer_->Commit(std::move(*c), 1, {}).ok());
  EXPECT_EQ(commits_, (std::vector<size_t>{2, 1}));

  GroupCommitLimits limits = Patient();
  limits.linger = 60s;
  GroupCommitter& patient = Committer(limits);
  auto lone = std::async(std::launch::async, [&] {
    for (int id = 10; id < 13; ++id) {
      auto turn = patient.Begin();
      if (!turn.ok()) return turn.status();
      Insert(id);
      if (absl::Status s = patient.Commit(std::move(*turn), 1, {}); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
  ASSERT_EQ(lone.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(lone.get().ok());
}

TEST_F(GroupCommitTest, AnAbandonedMemberUndoesOnlyItsOwnWrites) {
  GroupCommitter& committer = Committer();
  auto a = committer.Begin();
  ASSERT_TRUE(a.ok());
  Insert(1);
  std::thread b([&] {
    auto turn = committer.Begin();
    ASSERT_TRUE(turn.ok());
    Insert(2);
    committer.Abandon(std::move(*turn));
  });
  WaitUntilWaiting(committer, 1);
  EXPECT_TRUE(committer.Commit(std::move(*a), 1, {}).ok());
  b.join();
  EXPECT_EQ(CommittedIds(), std::vector<int64_t>{1});
  EXPECT_EQ(commits_, std::vector<size_t>{1});
}

// The deferred foreign key makes the shared COMMIT itself fail: both members
// get the error and nothing of either is kept.
TEST_F(GroupCommitTest, AFailedCommitFailsEveryMember) {
  GroupCommitter& committer = Committer(Patient());
  auto a = committer.Begin();
  ASSERT_TRUE(a.ok());
  Insert(1);
  std::thread b([&] {
    auto turn = committer.Begin();
    ASSERT_TRUE(turn.ok());
    Insert(2, "42");  // no parent 42: fails at COMMIT
    EXPECT_FALSE(committer.Commit(std::move(*turn), 1, {}).ok());
  });
  WaitUntilWaiting(committer, 1);
  absl::Status a_status = committer.Commit(std::move(*a), 1, {});
  b.join();
  EXPECT_FALSE(a_status.ok());
  EXPECT_TRUE(CommittedIds().empty());
  EXPECT_TRUE(commits_.empty());
  // The writer is usable again.
  auto c = committer.Begin();
  ASSERT_TRUE(c.ok()) << c.status();
  Insert(3);
  EXPECT_TRUE(committer.Commit(std::move(*c), 1, {}).ok());
  EXPECT_EQ(CommittedIds(), std::vector<int64_t>{3});
}

TEST_F(GroupCommitTest, AFullGroupCommitsWithoutWaitingForTheNextWriter) {
  GroupCommitLimits limits;
  limits.max_transactions = 1;
  GroupCommitter& committer = Committer(limits);
  auto a = committer.Begin();
  ASSERT_TRUE(a.ok());
  Insert(1);
  std::promise<void> a_committed;
  std::thread b([&] {
    auto turn = committer.Begin();
    ASSERT_TRUE(turn.ok());
    a_committed.get_future().wait();
    Insert(2);
    EXPECT_TRUE(committer.Commit(std::move(*turn), 1, {}).ok());
  });
  WaitUntilWaiting(committer, 1);
  EXPECT_TRUE(committer.Commit(std::move(*a), 1, {}).ok());  // B still waits here
  EXPECT_EQ(CommittedIds(), std::vector<int64_t>{1});
  a_committed.set_value();
  b.join();
  EXPECT_EQ(commits_, (std::vector<size_t>{1, 1}));
}

// With a sync hook, A's sync runs after the writer lock is released: B
// writes and COMMITs meanwhile, nobody returns before a sync that covers them
// ends, and on_durable sees A before B.
TEST_F(GroupCommitTest, TheNextGroupWritesWhileOneSyncs) {
  FirstSyncBlocks sync;
  GroupCommitter& committer = Committer({}, sync.Hook());
  std::future<absl::Status> a_done = CommitOneInsertUntilItSyncs(committer, sync);
  auto b = committer.Begin();  // the writer lock is free during A's sync
  ASSERT_TRUE(b.ok()) << b.status();
  Insert(2);
  Insert(3);
  std::future<absl::Status> b_done =
      std::async(std::launch::async, [&] { return committer.Commit(std::move(*b), 2, {}); });
  WaitForCommits(2);
  EXPECT_EQ(b_done.wait_for(50ms), std::future_status::timeout);  // waits for the sync turn
  EXPECT_EQ(a_done.wait_for(0ms), std::future_status::timeout);
  EXPECT_EQ(CommittedIds(), (std::vector<int64_t>{1, 2, 3}));  // committed, not yet durable
  EXPECT_EQ(commits_, (std::vector<size_t>{1, 1}));
  EXPECT_TRUE(Durable().empty());
  sync.release.set_value();
  EXPECT_TRUE(a_done.get().ok());
  EXPECT_TRUE(b_done.get().ok());
  EXPECT_EQ(sync.calls.load(), 2);
  EXPECT_EQ(Durable(), (std::vector<uint64_t>{1, 2}));
}

// After a failed sync nothing is reported durable again, even when a later
// sync would succeed: the kernel may have dropped the pages that failed.
TEST_F(GroupCommitTest, AFailedSyncFailsThatGroupAndEveryLaterOne) {
  std::atomic<int> syncs{0};
  GroupCommitter& committer = Committer({}, [&]() -> absl::Status {
    if (syncs.fetch_add(1) == 0) return absl::UnavailableError("fdatasync: EIO");
    return absl::OkStatus();
  });
  auto a = committer.Begin();
  ASSERT_TRUE(a.ok());
  Insert(1);
  absl::Status a_status = committer.Commit(std::move(*a), 1, {});
  EXPECT_EQ(a_status.code(), absl::StatusCode::kDataLoss) << a_status;
  EXPECT_NE(a_status.message().find("EIO"), std::string_view::npos) << a_status;
  auto b = committer.Begin();
  ASSERT_TRUE(b.ok());
  Insert(2);
  EXPECT_EQ(committer.Commit(std::move(*b), 1, {}).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(syncs.load(), 1);
  EXPECT_TRUE(Durable().empty());
}

// Exclusive returns with every committed group durable and handed on.
TEST_F(GroupCommitTest, ExclusiveWaitsForCommittedGroupsToBeDurable) {
  FirstSyncBlocks sync;
  GroupCommitter& committer = Committer({}, sync.Hook());
  std::future<absl::Status> a_done = CommitOneInsertUntilItSyncs(committer, sync);
  std::future<void> exclusive = std::async(std::launch::async, [&] { committer.Exclusive(); });
  EXPECT_EQ(exclusive.wait_for(50ms), std::future_status::timeout);
  sync.release.set_value();
  exclusive.get();
  EXPECT_EQ(Durable(), std::vector<uint64_t>{1});
  EXPECT_TRUE(a_done.get().ok());
}

}  // namespace
}  // namespace vigil::store::sqlite_internal
