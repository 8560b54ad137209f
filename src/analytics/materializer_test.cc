#include "analytics/materializer.h"

#include <gtest/gtest.h>

#include "analytics/analytics_service.h"
#include "analytics/analytics_test_util.h"
#include "base/http_error.h"

namespace vigil::analytics {
namespace {

// Each row of sql as "a|b|c" (NULL for null).
std::vector<std::string> Query(Db& db, const std::string& sql) {
  std::vector<std::string> out;
  auto stmt = db.Prepare(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status();
  if (!stmt.ok()) return out;
  while (*stmt->Step()) {
    std::string row;
    for (int i = 0; i < stmt->ColumnCount(); ++i) {
      if (i > 0) row += "|";
      row += stmt->ColumnType(i) == SQLITE_NULL ? "NULL" : stmt->Text(i);
    }
    out.push_back(row);
  }
  return out;
}

MaterializedView Compile(const std::string& definition) {
  auto json = fhir::ParseJson(definition);
  EXPECT_TRUE(json.ok()) << json.status();
  auto view = CompileView(*json);
  EXPECT_TRUE(view.ok()) << view.status();
  return MaterializedView{"v1", json->Find("name")->text(), *view};
}

class MaterializerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Db::Open(dir_.File("analytics.sqlite"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    materializer_ = std::make_unique<Materializer>(db_.get(), &data_.store());
    data_.Put(PatientJson("Ng"), "p1");
    data_.Put(PatientJson("Roe"), "p2");
    data_.Put(HeartRate("p1", 72), "o1");
    data_.Put(HeartRate("p2", 90), "o2");
  }
  std::vector<std::string> Rows() {
    return Query(*db_, "SELECT id, patient, bpm, unit, _resource_id FROM view_hr ORDER BY id");
  }

  TempDir dir_;
  TestStore data_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<Materializer> materializer_;
  MaterializedView hr_ = Compile(kHeartRateView);
};

TEST_F(MaterializerTest, BuildFillsTheTableFromTheStore) {
  ASSERT_TRUE(materializer_->Build(hr_).ok());
  EXPECT_EQ(Rows(),
            (std::vector<std::string>{"o1|Patient/p1|72|/min|o1", "o2|Patient/p2|90|/min|o2"}));
}

TEST_F(MaterializerTest, ColumnTypesFollowTheViewsTypes) {
  MaterializedView typed = Compile(R"({"resourceType":"ViewDefinition","name":"typed",
    "resource":"Patient","select":[{"column":[
      {"name":"n","path":"1","type":"integer"},
      {"name":"d","path":"2.5","type":"decimal"},
      {"name":"b","path":"true","type":"boolean"},
      {"name":"s","path":"id","type":"string"},
      {"name":"u","path":"id"},
      {"name":"names","path":"name.family","collection":true}]}]})");
  ASSERT_TRUE(materializer_->Build(typed).ok());
  EXPECT_EQ(Query(*db_, "SELECT name, type FROM pragma_table_info('view_typed') ORDER BY cid"),
            (std::vector<std::string>{"n|INTEGER", "d|REAL", "b|INTEGER", "s|TEXT", "u|",
                                      "names|TEXT", "_resource_id|TEXT"}));
  EXPECT_EQ(Query(*db_,
                  "SELECT typeof(n), typeof(d), typeof(b), b, typeof(u), names "
                  "FROM view_typed WHERE s = 'p1'"),
            (std::vector<std::string>{"integer|real|integer|1|text|[\"Ng\"]"}));
}

TEST_F(MaterializerTest, ApplyAddsTheRowsOfANewResource) {
  ASSERT_TRUE(materializer_->Build(hr_).ok());
  data_.Put(HeartRate("p1", 110), "o3");
  ASSERT_TRUE(materializer_->Apply(hr_, "o3").ok());
  EXPECT_EQ(Rows(),
            (std::vector<std::string>{"o1|Patient/p1|72|/min|o1", "o2|Patient/p2|90|/min|o2",
                                      "o3|Patient/p1|110|/min|o3"}));
}

TEST_F(MaterializerTest, ApplyReplacesTheRowsOfAnUpdatedResource) {
  ASSERT_TRUE(materializer_->Build(hr_).ok());
  data_.Put(HeartRate("p2", 60), "o1");
  ASSERT_TRUE(materializer_->Apply(hr_, "o1").ok());
  EXPECT_EQ(Rows(),
            (std::vector<std::string>{"o1|Patient/p2|60|/min|o1", "o2|Patient/p2|90|/min|o2"}));
}

TEST_F(MaterializerTest, ApplyRemovesTheRowsOfADeletedResource) {
  ASSERT_TRUE(materializer_->Build(hr_).ok());
  data_.Delete("Observation", "o2");
  ASSERT_TRUE(materializer_->Apply(hr_, "o2").ok());
  EXPECT_EQ(Rows(), (std::vector<std::string>{"o1|Patient/p1|72|/min|o1"}));
}

TEST_F(MaterializerTest, ApplyTwiceLeavesTheSameRows) {
  ASSERT_TRUE(materializer_->Build(hr_).ok());
  data_.Put(HeartRate("p1", 80), "o1");
  ASSERT_TRUE(materializer_->Apply(hr_, "o1").ok());
  ASSERT_TRUE(materializer_->Apply(hr_, "o1").ok());
  EXPECT_EQ(Rows(),
            (std::vector<std::string>{"o1|Patient/p1|80|/min|o1", "o2|Patient/p2|90|/min|o2"}));
}

TEST_F(MaterializerTest, AVersionTheViewCannotReadLeavesNoRowsAndAnError) {
  MaterializedView family = Compile(R"({"resourceType":"ViewDefinition","name":"fam",
    "resource":"Patient","select":[{"column":[{"name":"family","path":"name.family"}]}]})");
  ASSERT_TRUE(materializer_->Build(family).ok());
  data_.Put(R"({"resourceType":"Patient","name":[{"family":"A"},{"family":"B"}]})", "p1");
  absl::Status applied = materializer_->Apply(family, "p1");
  EXPECT_EQ(applied.code(), absl::StatusCode::kInvalidArgument) << applied;
  EXPECT_EQ(Query(*db_, "SELECT family, _resource_id FROM view_fam"),
            (std::vector<std::string>{"Roe|p2"}));
}

TEST_F(MaterializerTest, DropRemovesTheTable) {
  ASSERT_TRUE(materializer_->Build(hr_).ok());
  ASSERT_TRUE(materializer_->Drop("hr").ok());
  EXPECT_EQ(Query(*db_, "SELECT count(*) FROM sqlite_schema WHERE name = 'view_hr'"),
            (std::vector<std::string>{"0"}));
}

TEST(CheckMaterializableTest, NeedsASqlSafeNameAndCaseDistinctColumns) {
  MaterializedView hr = Compile(kHeartRateView);
  EXPECT_TRUE(CheckMaterializable(*hr.view, "hr").ok());
  EXPECT_EQ(HttpStatusOf(CheckMaterializable(*hr.view, "")), 400);
  EXPECT_EQ(HttpStatusOf(CheckMaterializable(*hr.view, "bad name")), 400);
  MaterializedView twins = Compile(R"({"resourceType":"ViewDefinition","name":"t",
    "resource":"Patient","select":[{"column":[{"name":"a","path":"id"},{"name":"A","path":"id"}]}]})");
  absl::Status s = CheckMaterializable(*twins.view, "t");
  EXPECT_EQ(HttpStatusOf(s), 400);
  EXPECT_NE(s.message().find("differ only in case"), absl::string_view::npos) << s;
}

}  // namespace
}  // namespace vigil::analytics
