#include "analytics/analytics_service.h"

#include <gtest/gtest.h>

#include <chrono>

#include "analytics/analytics_test_util.h"
#include "analytics/sql_query.h"
#include "base/http_error.h"
#include "events/event_bus.h"

namespace vigil::analytics {
namespace {

using namespace std::chrono_literals;

constexpr char kPatientView[] = R"j({"resourceType":"ViewDefinition","name":"pt",
  "resource":"Patient","select":[{"column":[{"name":"id","path":"id"},
  {"name":"family","path":"name.family.first()"}]}]})j";

class AnalyticsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_.Put(PatientJson("Ng"), "p1");
    data_.Put(PatientJson("Roe"), "p2");
    data_.Put(HeartRate("p1", 72), "o1");
    data_.Put(HeartRate("p2", 90), "o2");
    data_.Put(HeartRate("p1", 75), "o3");
    auto service = AnalyticsService::Open(dir_.File("analytics.sqlite"), data_.store());
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);
  }
  void TearDown() override { bus_.Stop(); }

  // Follows the store's change events from now on.
  void Follow() {
    ASSERT_TRUE(
        bus_.Subscribe("analytics",
                       [this](const store::ChangeEvent& e) { return service_->OnChange(e); })
            .ok());
    ASSERT_TRUE(bus_.Attach(data_.store()).ok());
  }
  // The SQL endpoint's answer, one "a|b" string per row.
  std::vector<std::string> Sql(const std::string& sql) {
    EXPECT_TRUE(bus_.WaitIdle(10s));
    auto r = RunReadOnlySql(service_->db_path(), sql, {});
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> out;
    if (!r.ok()) return out;
    for (const auto& row : r->rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) line += "|";
        if (const auto* s = std::get_if<std::string>(&row[i])) line += *s;
        if (const auto* n = std::get_if<int64_t>(&row[i])) line += std::to_string(*n);
      }
      out.push_back(line);
    }
    return out;
  }
  std::string RunBody(std::string_view id, RunParams params) {
    auto out = service_->Run(id, params, "");
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? out->body : "";
  }

  TempDir dir_;
  TestStore data_;
  std::unique_ptr<AnalyticsService> service_;
  events::EventBus bus_;
};

TEST_F(AnalyticsServiceTest, PutStoresTheViewWithIdAndMeta) {
  auto put = service_->PutView("hr", kHeartRateView, std::nullopt);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_TRUE(put->created);
  EXPECT_EQ(put->view.version, 1);
  EXPECT_EQ(put->view.name, "hr");
  EXPECT_FALSE(put->view.materialized);
  auto json = fhir::ParseJson(put->view.json);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->Find("id")->text(), "hr");
  EXPECT_EQ(json->Find("meta")->Find("versionId")->text(), "1");
  EXPECT_TRUE(put->view.json.starts_with(
      R"({"resourceType":"ViewDefinition","id":"hr","meta":{"versionId":"1","lastUpdated":")"))
      << put->view.json;
  EXPECT_NE(put->view.json.find(R"("name":"hr","resource":"Observation")"), std::string::npos);
  auto again = service_->PutView("hr", kHeartRateView, std::nullopt);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->view.version, 2);
  EXPECT_EQ(again->view.created_ms, put->view.created_ms);
}

TEST_F(AnalyticsServiceTest, AnInvalidViewIsA400WithTheEnginesMessage) {
  auto put = service_->PutView("bad", R"({"resourceType":"ViewDefinition","resource":"Nope",
      "select":[{"column":[{"name":"id","path":"id"}]}]})",
                               std::nullopt);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(HttpStatusOf(put.status()), 400);
  EXPECT_EQ(put.status().message(),
            "invalid ViewDefinition: resource: unknown resource type 'Nope'");
  EXPECT_FALSE(service_->GetView("bad")->has_value());
}

TEST_F(AnalyticsServiceTest, ABodyThatIsNotThisViewDefinitionIsA400) {
  EXPECT_EQ(HttpStatusOf(service_->PutView("a", "{", std::nullopt).status()), 400);
  EXPECT_EQ(
      HttpStatusOf(service_->PutView("a", R"({"resourceType":"Patient"})", std::nullopt).status()),
      400);
  std::string other_id = std::string(kHeartRateView);
  other_id.insert(1, R"("id":"other",)");
  EXPECT_EQ(HttpStatusOf(service_->PutView("a", other_id, std::nullopt).status()), 400);
  EXPECT_EQ(HttpStatusOf(service_->PutView("a b", kHeartRateView, std::nullopt).status()), 400);
}

TEST_F(AnalyticsServiceTest, MaterializedViewFollowsCreateUpdateAndDelete) {
  Follow();
  ASSERT_TRUE(service_->PutView("hr", kHeartRateView, true).ok());
  EXPECT_EQ(Sql("SELECT id, bpm FROM view_hr ORDER BY id"),
            (std::vector<std::string>{"o1|72", "o2|90", "o3|75"}));
  data_.Put(HeartRate("p2", 120), "o4");
  EXPECT_EQ(Sql("SELECT id, bpm FROM view_hr ORDER BY id"),
            (std::vector<std::string>{"o1|72", "o2|90", "o3|75", "o4|120"}));
  data_.Put(HeartRate("p2", 100), "o4");
  EXPECT_EQ(Sql("SELECT id, bpm FROM view_hr WHERE id = 'o4'"),
            (std::vector<std::string>{"o4|100"}));
  data_.Delete("Observation", "o1");
  EXPECT_EQ(Sql("SELECT id FROM view_hr ORDER BY id"),
            (std::vector<std::string>{"o2", "o3", "o4"}));
  data_.Put(PatientJson("Zed"), "p3");  // another type: no change
  EXPECT_EQ(Sql("SELECT count(*) FROM view_hr"), (std::vector<std::string>{"3"}));
}

TEST_F(AnalyticsServiceTest, AGapInTheEventsRebuildsTheTables) {
  ASSERT_TRUE(service_->PutView("hr", kHeartRateView, true).ok());
  store::ChangeEvent first;
  first.sequence = 10;
  first.type = "Observation";
  first.id = "o1";
  ASSERT_TRUE(service_->OnChange(first).ok());
  // Written without an event reaching the service (as if the bus dropped it).
  data_.Put(HeartRate("p2", 130), "o9");
  EXPECT_EQ(Sql("SELECT count(*) FROM view_hr WHERE id = 'o9'"), (std::vector<std::string>{"0"}));
  uint64_t rebuilds = service_->rebuilds();
  store::ChangeEvent after_gap = first;
  after_gap.sequence = 12;
  after_gap.type = "Patient";
  after_gap.id = "p1";
  ASSERT_TRUE(service_->OnChange(after_gap).ok());
  EXPECT_EQ(service_->rebuilds(), rebuilds + 1);
  EXPECT_EQ(Sql("SELECT id, bpm FROM view_hr WHERE id = 'o9'"),
            (std::vector<std::string>{"o9|130"}));
}

TEST_F(AnalyticsServiceTest, ConsecutiveEventsDoNotRebuild) {
  Follow();
  ASSERT_TRUE(service_->PutView("hr", kHeartRateView, true).ok());
  uint64_t rebuilds = service_->rebuilds();
  data_.Put(HeartRate("p1", 1), "o5");
  data_.Put(HeartRate("p1", 2), "o6");
  EXPECT_EQ(Sql("SELECT count(*) FROM view_hr"), (std::vector<std::string>{"5"}));
  EXPECT_EQ(service_->rebuilds(), rebuilds);
}

TEST_F(AnalyticsServiceTest, UnmaterializingOrDeletingDropsTheTable) {
  ASSERT_TRUE(service_->PutView("hr", kHeartRateView, true).ok());
  ASSERT_TRUE(service_->PutView("pt", kPatientView, true).ok());
  ASSERT_TRUE(service_->PutView("hr", kHeartRateView, false).ok());
  EXPECT_EQ(HttpStatusOf(RunReadOnlySql(service_->db_path(), "SELECT 1 FROM view_hr", {}).status()),
            400);
  auto deleted = service_->DeleteView("pt");
  ASSERT_TRUE(deleted.ok() && *deleted);
  EXPECT_EQ(HttpStatusOf(RunReadOnlySql(service_->db_path(), "SELECT 1 FROM view_pt", {}).status()),
            400);
  EXPECT_FALSE(*service_->DeleteView("pt"));
}

TEST_F(AnalyticsServiceTest, PutWithoutTheFlagKeepsTheViewMaterialized) {
  ASSERT_TRUE(service_->PutView("hr", kHeartRateView, true).ok());
  auto again = service_->PutView("hr", kHeartRateView, std::nullopt);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->view.materialized);
  EXPECT_EQ(Sql("SELECT count(*) FROM view_hr"), (std::vector<std::string>{"3"}));
}

TEST_F(AnalyticsServiceTest, TwoMaterializedViewsCannotShareATableName) {
  ASSERT_TRUE(service_->PutView("hr", kHeartRateView, true).ok());
  auto other = service_->PutView("hr2", kHeartRateView, true);
  EXPECT_EQ(HttpStatusOf(other.status()), 409) << other.status();
  EXPECT_TRUE(service_->PutView("hr2", kHeartRateView, false).ok());
}

TEST_F(AnalyticsServiceTest, MaterializedViewsAreRebuiltWhenTheServiceReopens) {
  ASSERT_TRUE(service_->PutView("hr", kHeartRateView, true).ok());
  service_.reset();
  data_.Put(HeartRate("p1", 99), "o7");  // while the service was down
  auto reopened = AnalyticsService::Open(dir_.File("analytics.sqlite"), data_.store());
  ASSERT_TRUE(reopened.ok());
  service_ = *std::move(reopened);
  ASSERT_TRUE(service_->RebuildAll().ok());
  EXPECT_EQ(Sql("SELECT bpm FROM view_hr WHERE id = 'o7'"), (std::vector<std::string>{"99"}));
}

TEST_F(AnalyticsServiceTest, RunOverTheStoreInEachFormat) {
  ASSERT_TRUE(service_->PutView("pt", kPatientView, std::nullopt).ok());
  RunParams params;
  params.format = "csv";
  EXPECT_EQ(RunBody("pt", params), "id,family\np1,Ng\np2,Roe\n");
  params.header = false;
  EXPECT_EQ(RunBody("pt", params), "p1,Ng\np2,Roe\n");
  params.format = "ndjson";
  EXPECT_EQ(RunBody("pt", params),
            "{\"id\":\"p1\",\"family\":\"Ng\"}\n{\"id\":\"p2\",\"family\":\"Roe\"}\n");
  params.format = "json";
  EXPECT_EQ(RunBody("pt", params),
            "[\n{\"id\":\"p1\",\"family\":\"Ng\"},\n{\"id\":\"p2\",\"family\":\"Roe\"}\n]\n");
}

TEST_F(AnalyticsServiceTest, RunWithAPatientKeepsThatPatientsCompartment) {
  ASSERT_TRUE(service_->PutView("hr", kHeartRateView, std::nullopt).ok());
  RunParams params;
  params.format = "csv";
  params.patients = {"Patient/p1"};
  EXPECT_EQ(RunBody("hr", params),
            "id,patient,bpm,unit\no1,Patient/p1,72,/min\no3,Patient/p1,75,/min\n");
  params.limit = 1;
  EXPECT_EQ(RunBody("hr", params), "id,patient,bpm,unit\no1,Patient/p1,72,/min\n");
}

TEST_F(AnalyticsServiceTest, RunWithAGroupKeepsItsActiveMembers) {
  data_.Put(R"({"resourceType":"Group","type":"person","actual":true,"member":[
      {"entity":{"reference":"Patient/p2"}},
      {"entity":{"reference":"Patient/p1"},"inactive":true}]})",
            "g1");
  RunParams params;
  params.format = "csv";
  params.groups = {"Group/g1"};
  params.view_resource = *fhir::ParseJson(kHeartRateView);
  EXPECT_EQ(RunBody("", params), "id,patient,bpm,unit\no2,Patient/p2,90,/min\n");
}

TEST_F(AnalyticsServiceTest, RunRefusesUnknownPatientsGroupsAndViews) {
  ASSERT_TRUE(service_->PutView("hr", kHeartRateView, std::nullopt).ok());
  RunParams params;
  params.patients = {"Patient/nobody"};
  EXPECT_EQ(HttpStatusOf(service_->Run("hr", params, "").status()), 404);
  params.patients = {};
  params.groups = {"Group/none"};
  EXPECT_EQ(HttpStatusOf(service_->Run("hr", params, "").status()), 404);
  EXPECT_EQ(HttpStatusOf(service_->Run("nope", RunParams(), "").status()), 404);
  EXPECT_EQ(HttpStatusOf(service_->Run("", RunParams(), "").status()), 400);
}

TEST_F(AnalyticsServiceTest, RunByReferenceAndOverInlineResources) {
  ASSERT_TRUE(service_->PutView("pt", kPatientView, std::nullopt).ok());
  RunParams params;
  params.format = "csv";
  params.view_reference = "ViewDefinition/pt";
  params.resources.push_back(*fhir::ParseJson(R"({"resourceType":"Patient","id":"x",
      "name":[{"family":"Inline"}]})"));
  EXPECT_EQ(RunBody("", params), "id,family\nx,Inline\n");
  params.patients = {"Patient/p1"};
  EXPECT_EQ(HttpStatusOf(service_->Run("", params, "").status()), 400);
}

TEST_F(AnalyticsServiceTest, RunChoosesTheFormatFromAcceptWithoutFormat) {
  ASSERT_TRUE(service_->PutView("pt", kPatientView, std::nullopt).ok());
  auto out = service_->Run("pt", RunParams(), "text/csv");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->format, sof::RowFormat::kCsv);
  EXPECT_EQ(out->body, "id,family\np1,Ng\np2,Roe\n");
}

}  // namespace
}  // namespace vigil::analytics
