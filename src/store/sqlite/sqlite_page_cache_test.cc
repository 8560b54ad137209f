// The page cache of sqlite_page_cache.h: under SQLite's b-tree splits the
// database stays intact and COMMITs skip the truncation; called directly, it
// skips only truncations that have nothing to discard.
#include "store/sqlite/sqlite_page_cache.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "store/sqlite/sqlite_db.h"

namespace vigil::store::sqlite_internal {
namespace {

bool installed = false;
sqlite3_pcache_methods2 ours{};  // what InstallPageCache configured

// Installs the cache before any test touches SQLite (ctest runs each test in
// a process of its own).
class InstallFirst : public ::testing::Environment {
 public:
  void SetUp() override {
    installed = InstallPageCache() && sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &ours) == SQLITE_OK;
  }
};
const ::testing::Environment* const kInstallFirst =
    ::testing::AddGlobalTestEnvironment(new InstallFirst);

class PageCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(installed);
    std::string tmpl = ::testing::TempDir() + "/sqlite_page_cache_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    db_ = OpenDb(/*writer=*/true);
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(
        db_->Exec("CREATE TABLE t(k TEXT NOT NULL, v BLOB NOT NULL); CREATE INDEX t_k ON t(k)")
            .ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Connection> OpenDb(bool writer) {
    auto db = Connection::Open(dir_ + "/t.db", writer, /*synchronous_full=*/false,
                               /*cache_mib=*/64);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }
  // The first column of the first row of `sql` as text.
  static std::string One(Connection& db, const std::string& sql) {
    auto st = db.Prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status();
    if (!st.ok()) return "";
    auto row = st->Step();
    return row.ok() && *row ? st->Text(0) : "";
  }
  // `rows` rows with random keys (so the index splits pages in its middle)
  // and 300-byte values, in one transaction left open.
  void InsertRandom(int rows) {
    ASSERT_TRUE(db_->Exec("BEGIN").ok());
    auto st = db_->Prepare("INSERT INTO t VALUES(?, ?)");
    ASSERT_TRUE(st.ok()) << st.status();
    std::string value(300, 'v');
    for (int i = 0; i < rows; ++i) {
      std::string key = std::to_string(rng_());
      st->Bind(1, key);
      st->BindBlob(2, value);
      ASSERT_TRUE(st->Run().ok());
      st->Reset();
    }
  }

  std::string dir_;
  std::unique_ptr<Connection> db_;
  std::mt19937_64 rng_{42};
};

TEST_F(PageCacheTest, ASecondInstallIsRefused) { EXPECT_FALSE(InstallPageCache()); }

TEST_F(PageCacheTest, CommitsAfterSplitsSkipTheTruncationAndKeepTheDatabaseIntact) {
  PageCacheCounts before = PageCacheCountsSoFar();
  for (int txn = 0; txn < 50; ++txn) {
    InsertRandom(200);
    ASSERT_TRUE(db_->Exec("COMMIT").ok());
  }
  PageCacheCounts after = PageCacheCountsSoFar();
  // Every commit truncates; with pages swapped through the pending-byte key
  // pcache1 alone would walk its whole hash table for most of them.
  EXPECT_GE(after.truncations_skipped - before.truncations_skipped, 40);
  EXPECT_EQ(One(*db_, "PRAGMA integrity_check"), "ok");
  std::unique_ptr<Connection> reader = OpenDb(/*writer=*/false);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(One(*reader, "SELECT count(*) FROM t"), "10000");
}

// The cache's contract, called directly: a truncation is skipped only when
// no page at or past its limit can be there; otherwise pcache1 discards them.
TEST(PageCacheMethodsTest, SkipsOnlyTruncationsWithNothingToDiscard) {
  ASSERT_TRUE(installed);
  ASSERT_EQ(sqlite3_initialize(), SQLITE_OK);
  const sqlite3_pcache_methods2& m = ours;
  sqlite3_pcache* cache = m.xCreate(4096, 256, /*purgeable=*/1);
  ASSERT_NE(cache, nullptr);
  m.xCachesize(cache, 1000);
  auto fetch = [&](unsigned key, int create) { return m.xFetch(cache, key, create); };
  auto add = [&](unsigned key) {
    sqlite3_pcache_page* page = fetch(key, 2);
    ASSERT_NE(page, nullptr);
    m.xUnpin(cache, page, 0);
  };
  auto skipped = [] { return PageCacheCountsSoFar().truncations_skipped; };
  for (unsigned key = 1; key <= 100; ++key) add(key);

  // The swap of a page split: 40 -> temporary key -> 70, 70 -> 40.
  constexpr unsigned kTemp = 262145;
  sqlite3_pcache_page* a = fetch(40, 0);
  sqlite3_pcache_page* b = fetch(70, 0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  m.xRekey(cache, a, 40, kTemp);
  m.xRekey(cache, b, 70, 40);
  m.xRekey(cache, a, kTemp, 70);
  m.xUnpin(cache, a, 0);
  m.xUnpin(cache, b, 0);
  int64_t before = skipped();
  m.xTruncate(cache, 101);
  EXPECT_EQ(skipped(), before + 1);
  EXPECT_EQ(fetch(70, 0), a);
  EXPECT_EQ(fetch(40, 0), b);
  m.xUnpin(cache, a, 0);
  m.xUnpin(cache, b, 0);

  // A page past the limit, fetched or moved there, is discarded.
  add(150);
  before = skipped();
  m.xTruncate(cache, 101);
  EXPECT_EQ(skipped(), before);
  EXPECT_EQ(fetch(150, 0), nullptr);
  sqlite3_pcache_page* c = fetch(60, 0);
  ASSERT_NE(c, nullptr);
  m.xRekey(cache, c, 60, 200);
  m.xUnpin(cache, c, 0);
  m.xTruncate(cache, 101);
  EXPECT_EQ(skipped(), before);
  EXPECT_EQ(fetch(200, 0), nullptr);
  EXPECT_NE(fetch(99, 0), nullptr);
  m.xDestroy(cache);
}

}  // namespace
}  // namespace vigil::store::sqlite_internal
