#include "cohort/sql_cohort.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "base/http_error.h"
#include "base/str.h"

namespace vigil::cohort {
namespace {

class SqlCohortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           StrCat("vigil-sql-cohort-",
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(AnalyticsDbPath(dir_.string()).c_str(), &db), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(
            db,
            "CREATE TABLE view_dm(patient_id TEXT, onset TEXT);"
            "INSERT INTO view_dm VALUES('Patient/b','2020'),('a','2019'),('Patient/b','2021'),"
            "(NULL,'2000'),('c','2010');",
            nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  absl::StatusOr<std::vector<std::string>> Run(std::string_view sql, SqlLimits limits = {}) {
    return SqlCohortPatientIds(AnalyticsDbPath(dir_.string()), sql, limits);
  }

  std::filesystem::path dir_;
};

TEST_F(SqlCohortTest, FirstColumnAsDistinctSortedPatientIds) {
  auto ids = Run("SELECT patient_id, onset FROM view_dm WHERE onset >= '2010';");
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(SqlCohortTest, MissingDatabaseIs400NoMaterializedViews) {
  auto ids = SqlCohortPatientIds((dir_ / "nope.sqlite").string(), "SELECT 1");
  EXPECT_EQ(HttpStatusOf(ids.status()), 400);
  EXPECT_EQ(Message(ids.status()), "SQL cohort: no materialized views");
}

TEST_F(SqlCohortTest, RefusesWritesSecondStatementsAttachAndPragmas) {
  for (const char* sql :
       {"DELETE FROM view_dm", "SELECT 1; DROP TABLE view_dm", "ATTACH DATABASE '/tmp/x.db' AS x",
        "PRAGMA table_info(view_dm)", "SELECT * FROM nope"}) {
    auto ids = Run(sql);
    EXPECT_EQ(HttpStatusOf(ids.status()), 400) << sql;
  }
  EXPECT_EQ(Message(Run("SELECT 1; SELECT 2").status()).substr(0, 12), "SQL cohort: ");
  auto still = Run("SELECT patient_id FROM view_dm");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->size(), 3u);
}

TEST_F(SqlCohortTest, TimeLimitStopsRunawayQueries) {
  SqlLimits limits;
  limits.time_limit_ms = 50;
  auto ids = Run(
      "SELECT count(*) FROM view_dm a, view_dm b, view_dm c, view_dm d, view_dm e, view_dm f, view_dm g, "
      "view_dm h, view_dm i, view_dm j, view_dm k",
      limits);
  EXPECT_EQ(HttpStatusOf(ids.status()), 400);
  EXPECT_EQ(IssueCodeOf(ids.status()), "too-costly");
}

TEST_F(SqlCohortTest, RowLimit) {
  SqlLimits limits;
  limits.max_rows = 2;
  EXPECT_EQ(IssueCodeOf(Run("SELECT patient_id FROM view_dm", limits).status()), "too-costly");
}

}  // namespace
}  // namespace vigil::cohort
