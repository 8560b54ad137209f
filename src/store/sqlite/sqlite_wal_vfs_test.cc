// The WAL-gathering VFS (sqlite_wal_vfs.h): a COMMIT's frames are written in
// one run, readers on other connections only ever see whole transactions,
// and a run that cannot be written fails its COMMIT.
#include "store/sqlite/sqlite_wal_vfs.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <filesystem>
#include <memory>
#include <string>

#include "base/str.h"
#include "store/sqlite/sqlite_db.h"

namespace vigil::store::sqlite_internal {
namespace {

class WalVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/wal_vfs_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/t.db";
    writer_ = Open(/*writer=*/true);
    ASSERT_NE(writer_, nullptr);
    ASSERT_TRUE(writer_->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB NOT NULL)").ok());
  }
  void TearDown() override {
    writer_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Connection> Open(bool writer) {
    auto c = Connection::Open(path_, writer, /*synchronous_full=*/false, /*cache_mib=*/1);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? std::move(*c) : nullptr;
  }

  // Inserts rows [from, from + n) with 3,000-byte values (about one page
  // each) in one transaction.
  absl::Status InsertRows(Connection& c, int from, int n, const char* end = "COMMIT") {
    if (absl::Status s = c.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    for (int k = from; k < from + n; ++k) {
      std::string sql = StrCat("INSERT OR REPLACE INTO t VALUES (", k, ", zeroblob(3000))");
      if (absl::Status s = c.Exec(sql.c_str()); !s.ok()) {
        (void)c.Exec("ROLLBACK");
        return s;
      }
    }
    absl::Status s = c.Exec(end);
    if (!s.ok()) (void)c.Exec("ROLLBACK");
    return s;
  }

  static std::string One(Connection& c, const std::string& sql) {
    auto st = c.Prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status();
    if (!st.ok()) return "";
    auto row = st->Step();
    EXPECT_TRUE(row.ok() && *row) << sql;
    return row.ok() && *row ? st->Text(0) : "";
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<Connection> writer_;
};

TEST_F(WalVfsTest, ACommitIsWrittenInOneRunAndReadersSeeIt) {
  ASSERT_TRUE(BufferWalWrites(writer_->db()).ok());
  auto reader = Open(/*writer=*/false);
  WalWriteCounts before = WalWriteCountsSoFar();
  ASSERT_TRUE(InsertRows(*writer_, 0, 100).ok());
  WalWriteCounts after = WalWriteCountsSoFar();
  // 100 data pages and some b-tree pages, two writes per frame, one run.
  EXPECT_GE(after.appends_gathered - before.appends_gathered, 200);
  EXPECT_EQ(after.runs_written - before.runs_written, 1);  // of ~4 pwrite calls
  EXPECT_EQ(One(*reader, "SELECT count(*) FROM t"), "100");
  EXPECT_EQ(One(*reader, "PRAGMA integrity_check"), "ok");
}

TEST_F(WalVfsTest, WithoutBufferWalWritesNothingIsGathered) {
  WalWriteCounts before = WalWriteCountsSoFar();
  ASSERT_TRUE(InsertRows(*writer_, 0, 20).ok());
  WalWriteCounts after = WalWriteCountsSoFar();
  EXPECT_EQ(after.appends_gathered, before.appends_gathered);
  EXPECT_EQ(after.runs_written, before.runs_written);
  EXPECT_EQ(One(*Open(false), "SELECT count(*) FROM t"), "20");
}

TEST_F(WalVfsTest, BufferWalWritesNeedsTheVfsAndAnOpenWal) {
  sqlite3* plain = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/plain.db").c_str(), &plain), SQLITE_OK);
  EXPECT_TRUE(absl::IsFailedPrecondition(BufferWalWrites(plain)));
  sqlite3_close(plain);
}

// Transactions larger than the writer's cache write frames before their
// COMMIT (spills) and may write a spilled page again, in place; a rolled-back
// one leaves frames that no reader may see. Readers on other connections see
// exactly the committed rows throughout.
TEST_F(WalVfsTest, SpillsRewritesAndRollbacksKeepTheDatabaseWhole) {
  ASSERT_TRUE(writer_->Exec("PRAGMA cache_size=20").ok());
  ASSERT_TRUE(BufferWalWrites(writer_->db()).ok());
  auto reader = Open(/*writer=*/false);
  ASSERT_TRUE(InsertRows(*writer_, 0, 300).ok());
  EXPECT_EQ(One(*reader, "SELECT count(*) FROM t"), "300");
  ASSERT_TRUE(InsertRows(*writer_, 300, 300, "ROLLBACK").ok());
  EXPECT_EQ(One(*reader, "SELECT count(*) FROM t"), "300");
  // Rows written twice in one transaction: the second write of a spilled
  // page goes to its frame in place.
  ASSERT_TRUE(writer_->Exec("BEGIN IMMEDIATE").ok());
  for (int pass = 0; pass < 2; ++pass) {
    for (int k = 0; k < 300; ++k) {
      std::string sql = StrCat("UPDATE t SET v = randomblob(3000) WHERE k = ", k);
      ASSERT_TRUE(writer_->Exec(sql.c_str()).ok());
    }
  }
  ASSERT_TRUE(writer_->Exec("COMMIT").ok());
  EXPECT_EQ(One(*reader, "SELECT count(*) FROM t"), "300");
  EXPECT_EQ(One(*reader, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(One(*writer_, "PRAGMA integrity_check"), "ok");
}

// A rolled-back transaction's spilled frames are written before the write
// lock goes, not later over what another writer of the file committed meanwhile.
TEST_F(WalVfsTest, ARolledBackRunNeverOverwritesAnotherWritersCommit) {
  ASSERT_TRUE(writer_->Exec("PRAGMA cache_size=20").ok());
  ASSERT_TRUE(BufferWalWrites(writer_->db()).ok());
  auto other = Open(/*writer=*/true);
  ASSERT_TRUE(InsertRows(*writer_, 0, 10).ok());
  // Every page in the database file: the rollback reloads none from the WAL.
  ASSERT_TRUE(writer_->Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  ASSERT_TRUE(InsertRows(*writer_, 100, 300, "ROLLBACK").ok());  // spills, then rolls back
  ASSERT_TRUE(other->Exec("BEGIN IMMEDIATE").ok());
  for (int k = 1000; k < 1300; ++k) {
    std::string sql = StrCat("INSERT INTO t VALUES (", k, ", randomblob(3000))");
    ASSERT_TRUE(other->Exec(sql.c_str()).ok());
  }
  ASSERT_TRUE(other->Exec("COMMIT").ok());
  ASSERT_TRUE(InsertRows(*writer_, 10, 1).ok());  // the first writer writes again
  auto reader = Open(/*writer=*/false);
  EXPECT_EQ(One(*reader, "SELECT count(*) FROM t"), "311");
  EXPECT_EQ(One(*reader, "PRAGMA integrity_check"), "ok");
}

// A run that cannot be written (here: past the file size limit, as on a full
// disk) fails its COMMIT, which SQLite rolls back; readers never see it and
// the connection writes again once the write can succeed.
TEST_F(WalVfsTest, ARunThatCannotBeWrittenFailsItsCommit) {
  ASSERT_TRUE(BufferWalWrites(writer_->db()).ok());
  auto reader = Open(/*writer=*/false);
  ASSERT_TRUE(InsertRows(*writer_, 0, 10).ok());
  std::error_code ec;
  auto wal_size = std::filesystem::file_size(path_ + "-wal", ec);
  ASSERT_FALSE(ec);

  struct rlimit old_limit;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  struct sigaction ignore = {}, old_action = {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(sigaction(SIGXFSZ, &ignore, &old_action), 0);
  struct rlimit limit = old_limit;
  limit.rlim_cur = wal_size + 64 * 1024;  // room for ~15 frames, not ~100
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  absl::Status failed = InsertRows(*writer_, 10, 100);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old_limit), 0);
  ASSERT_EQ(sigaction(SIGXFSZ, &old_action, nullptr), 0);

  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(One(*reader, "SELECT count(*) FROM t"), "10");
  EXPECT_EQ(One(*writer_, "SELECT count(*) FROM t"), "10");
  ASSERT_TRUE(InsertRows(*writer_, 10, 100).ok());
  EXPECT_EQ(One(*reader, "SELECT count(*) FROM t"), "110");
  EXPECT_EQ(One(*reader, "PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace vigil::store::sqlite_internal
