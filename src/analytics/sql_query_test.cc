#include "analytics/sql_query.h"

#include <gtest/gtest.h>

#include <chrono>

#include "analytics/analytics_test_util.h"
#include "analytics/sqlite_conn.h"
#include "base/http_error.h"
#include "base/str.h"

namespace vigil::analytics {
namespace {

using namespace std::chrono_literals;

class SqlQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("analytics.sqlite");
    auto db = Db::Open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db_->Exec("PRAGMA journal_mode = WAL").ok());
    ASSERT_TRUE(db_->Exec("CREATE TABLE view_hr (id TEXT, bpm INTEGER, temp REAL, note TEXT,"
                          " _resource_id TEXT)")
                    .ok());
    ASSERT_TRUE(db_->Exec("CREATE TABLE vigil_views (id TEXT, json TEXT)").ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO vigil_views VALUES ('hr', '{}')").ok());
    std::string insert = "INSERT INTO view_hr VALUES ";
    for (int i = 0; i < 40; ++i) {
      insert += StrCat(i > 0 ? "," : "", "('o", i, "', ", 60 + i, ", 36.5, ",
                       i == 0 ? "'a, \"b\"'" : "NULL", ", 'o", i, "')");
    }
    ASSERT_TRUE(db_->Exec(insert).ok());
  }

  absl::StatusOr<SqlResult> Run(std::string_view sql, SqlLimits limits = {}) {
    return RunReadOnlySql(path_, sql, limits);
  }
  int64_t Count() {
    auto r = Run("SELECT count(*) FROM view_hr");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? std::get<int64_t>(r->rows[0][0]) : -1;
  }
  // Asserts sql is refused with 400 and the data is unchanged.
  void ExpectRefused(std::string_view sql) {
    auto r = Run(sql);
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_EQ(HttpStatusOf(r.status()), 400) << sql << ": " << r.status();
    EXPECT_EQ(Count(), 40) << sql;
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Db> db_;
};

TEST_F(SqlQueryTest, SelectReturnsColumnsAndTypedCells) {
  auto r = Run("SELECT id, bpm, temp, note FROM view_hr WHERE id IN ('o0', 'o1') ORDER BY id");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->columns, (std::vector<std::string>{"id", "bpm", "temp", "note"}));
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(r->rows[0][0]), "o0");
  EXPECT_EQ(std::get<int64_t>(r->rows[0][1]), 60);
  EXPECT_EQ(std::get<double>(r->rows[0][2]), 36.5);
  EXPECT_EQ(std::get<std::string>(r->rows[0][3]), "a, \"b\"");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(r->rows[1][3]));
  EXPECT_FALSE(r->truncated);
}

TEST_F(SqlQueryTest, ResultsAsJsonAndCsv) {
  auto r = Run("SELECT id, bpm, temp, note FROM view_hr WHERE id IN ('o0', 'o1') ORDER BY id");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(SqlResultJson(*r),
            R"({"columns":["id","bpm","temp","note"],"rows":[["o0",60,36.5,"a, \"b\""],)"
            R"(["o1",61,36.5,null]],"truncated":false})");
  EXPECT_EQ(SqlResultCsv(*r), "id,bpm,temp,note\no0,60,36.5,\"a, \"\"b\"\"\"\no1,61,36.5,\n");
}

TEST_F(SqlQueryTest, RowLimitTruncates) {
  SqlLimits limits;
  limits.max_rows = 5;
  auto r = Run("SELECT id FROM view_hr ORDER BY bpm", limits);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->rows.size(), 5u);
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(std::get<std::string>(r->rows[4][0]), "o4");
  limits.max_rows = 40;
  auto all = Run("SELECT id FROM view_hr", limits);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->rows.size(), 40u);
  EXPECT_FALSE(all->truncated);
}

TEST_F(SqlQueryTest, WritesAreRefused) {
  ExpectRefused("INSERT INTO view_hr (id) VALUES ('x')");
  ExpectRefused("UPDATE view_hr SET bpm = 0");
  ExpectRefused("DELETE FROM view_hr");
  ExpectRefused("DROP TABLE view_hr");
  ExpectRefused("CREATE TABLE view_new (a)");
  ExpectRefused("ALTER TABLE view_hr ADD COLUMN x");
  ExpectRefused("CREATE TEMP TABLE t AS SELECT 1");
  ExpectRefused("REPLACE INTO view_hr (id) VALUES ('o1')");
}

TEST_F(SqlQueryTest, AttachPragmaAndTransactionsAreRefused) {
  ExpectRefused("ATTACH DATABASE '" + dir_.File("other.sqlite") + "' AS other");
  ExpectRefused("PRAGMA journal_mode = DELETE");
  ExpectRefused("PRAGMA table_info(view_hr)");
  ExpectRefused("PRAGMA query_only = 0");
  ExpectRefused("BEGIN");
  ExpectRefused("VACUUM");
  EXPECT_FALSE(std::filesystem::exists(dir_.File("other.sqlite")));
}

TEST_F(SqlQueryTest, OnlyOneStatementIsAllowed) {
  ExpectRefused("SELECT 1; DELETE FROM view_hr");
  ExpectRefused("SELECT 1; SELECT 2");
  auto trailing = Run("SELECT count(*) FROM view_hr; -- done\n");
  ASSERT_TRUE(trailing.ok()) << trailing.status();
  EXPECT_EQ(std::get<int64_t>(trailing->rows[0][0]), 40);
}

TEST_F(SqlQueryTest, OnlyViewTablesCanBeRead) {
  ExpectRefused("SELECT * FROM vigil_views");
  ExpectRefused("SELECT count(*) FROM vigil_views");
  ExpectRefused("SELECT name FROM sqlite_schema");
  ExpectRefused("SELECT * FROM pragma_table_info('view_hr')");
  auto r = Run("SELECT count(*) FROM view_hr a JOIN view_hr b ON a.id = b.id");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(std::get<int64_t>(r->rows[0][0]), 40);
}

TEST_F(SqlQueryTest, ScalarFunctionsWorkButTableValuedOnesAreRefused) {
  auto r =
      Run("SELECT json_extract('[\"a\",\"b\"]', '$[1]'), upper(id) FROM view_hr "
          "WHERE id = 'o0'");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(std::get<std::string>(r->rows[0][0]), "b");
  EXPECT_EQ(std::get<std::string>(r->rows[0][1]), "O0");
  ExpectRefused("SELECT value FROM json_each('[1,2]')");
  ExpectRefused("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n");
}

TEST_F(SqlQueryTest, BadSqlIsA400WithSqlitesMessage) {
  auto r = Run("SELEC 1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(HttpStatusOf(r.status()), 400);
  EXPECT_NE(r.status().message().find("syntax error"), absl::string_view::npos) << r.status();
  auto missing = Run("SELECT * FROM view_nope");
  EXPECT_EQ(HttpStatusOf(missing.status()), 400);
}

TEST_F(SqlQueryTest, ALongQueryIsStoppedAtTheTimeLimit) {
  SqlLimits limits;
  limits.timeout = 200ms;
  auto start = std::chrono::steady_clock::now();
  auto r =
      Run("SELECT count(*) FROM view_hr a, view_hr b, view_hr c, view_hr d, view_hr e "
          "WHERE a.id || b.id || c.id || d.id || e.id LIKE '%zz%'",
          limits);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(HttpStatusOf(r.status()), 400);
  EXPECT_EQ(IssueCodeOf(r.status()), "too-costly");
  EXPECT_LT(elapsed, 2s);
  EXPECT_GE(elapsed, 200ms);
}

TEST(SqlQueryMissingTest, AMissingDatabaseIsNotFound) {
  TempDir dir;
  auto r = RunReadOnlySql(dir.File("analytics.sqlite"), "SELECT 1", {});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << r.status();
  EXPECT_FALSE(std::filesystem::exists(dir.File("analytics.sqlite")));
}

}  // namespace
}  // namespace vigil::analytics
