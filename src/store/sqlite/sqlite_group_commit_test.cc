// The group committer on a real SQLite file: who waits for whom, what one
// COMMIT covers, and that a failed or abandoned member never reports success.
#include "store/sqlite/sqlite_group_commit.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <future>
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

  GroupCommitter& Committer(GroupCommitLimits limits = {}) {
    GroupCommitter::Hooks hooks;
    hooks.on_commit = [this](CommittedWrites w) { commits_.push_back(w.transactions); };
    committer_ = std::make_unique<GroupCommitter>(*writer_, limits, hooks);
    return *committer_;
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

  void WaitUntilWaiting(GroupCommitter& committer, int n) {
    while (committer.waiting() < n) std::this_thread::sleep_for(1ms);
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<Connection> writer_;
  std::unique_ptr<GroupCommitter> committer_;
  std::vector<size_t> commits_;  // transactions per COMMIT, from on_commit
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
  GroupCommitter& committer = Committer();
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
  GroupCommitter& committer = Committer();
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

}  // namespace
}  // namespace vigil::store::sqlite_internal
