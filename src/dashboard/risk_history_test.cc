#include "dashboard/risk_history.h"

#include <gtest/gtest.h>

#include "base/time.h"
#include "dashboard/risk_fixtures.h"
#include "dashboard/test_util.h"

namespace vigil::dashboard {
namespace {

using fhir::Json;

int64_t At(std::string_view t) { return *ParseFhirDateTimeMs(t); }

class RiskHistoryTest : public ::testing::Test {
 protected:
  RiskHistoryTest() {
    db_.Put(testing::PatientJson("p1", "One", "female", "1950-01-01"));
    db_.Put(testing::EncounterJson("e1", "p1", "in-progress", "2026-01-01T00:00:00Z"));
  }
  Json History() {
    auto history = RiskHistory(db_.store(), db_.registry(), "p1");
    EXPECT_TRUE(history.ok()) << history.status();
    return history.ok() ? *history : Json();
  }
  testing::TestStore db_;
};

TEST_F(RiskHistoryTest, News2AndModelScoresAreSeparateSeriesOldestFirst) {
  // Written newest first: the history must still be in time order.
  db_.Put(testing::News2Ra("n2", "p1", "e1", At("2026-01-01T10:00:00Z"), 25, 120));  // RR 3 + HR 2 = 5
  db_.Put(testing::News2Ra("n1", "p1", "e1", At("2026-01-01T08:00:00Z"), 16, 80));   // 0
  db_.Put(testing::ModelRa("m1", "p1", "e1", "2026-01-01T10:00:00Z", "0.31"));
  Json h = History();
  const auto& news2 = h.Find("news2")->items();
  ASSERT_EQ(news2.size(), 2u);
  EXPECT_EQ(news2[0].Find("score")->text(), "0");
  EXPECT_EQ(news2[0].Find("band")->text(), "low");
  EXPECT_EQ(news2[1].Find("score")->text(), "5");
  EXPECT_EQ(news2[1].Find("band")->text(), "medium");
  EXPECT_EQ(news2[1].Find("assessment")->text(), "RiskAssessment/n2");
  const auto& model = h.Find("model")->items();
  ASSERT_EQ(model.size(), 1u);
  EXPECT_EQ(model[0].Find("probability")->text(), "0.31");
  EXPECT_EQ(model[0].Find("threshold")->text(), "0.135");
  EXPECT_EQ(model[0].Find("model")->text(), "sepsis-6h");
}

TEST_F(RiskHistoryTest, LatestScoresCarryTheirExplanation) {
  db_.Put(testing::News2Ra("n1", "p1", "e1", At("2026-01-01T08:00:00Z"), 25, 80));
  db_.Put(testing::ModelRa("m1", "p1", "e1", "2026-01-01T08:00:00Z", "0.31"));
  Json h = History();
  const Json* latest_model = h.Find("latestModel");
  EXPECT_EQ(latest_model->Find("logOdds")->text(), "-0.8");
  EXPECT_EQ(latest_model->Find("baseValue")->text(), "-3.1");
  EXPECT_EQ(latest_model->Find("modelVersion")->text(), "sha256:ab");
  const auto& contributions = latest_model->Find("contributions")->items();
  ASSERT_EQ(contributions.size(), 2u);
  EXPECT_EQ(contributions[0].Find("feature")->text(), "lactate.last");
  EXPECT_EQ(contributions[0].Find("value")->text(), "3.4");
  EXPECT_EQ(contributions[0].Find("contribution")->text(), "1.9");
  EXPECT_EQ(contributions[1].Find("value"), nullptr);
  const auto& components = h.Find("latestNews2")->Find("components")->items();
  ASSERT_EQ(components.size(), 7u);
  EXPECT_EQ(components[0].Find("name")->text(), "respiratory_rate");
  EXPECT_EQ(components[0].Find("points")->text(), "3");
}

TEST_F(RiskHistoryTest, TheAlertIsTheActiveVigilFlag) {
  db_.Put(testing::AlertFlag("f-old", "p1", "e1", "inactive", "2026-01-01T02:00:00Z"));
  db_.Put(testing::AlertFlag("f-now", "p1", "e1", "active", "2026-01-01T09:00:00Z"));
  Json h = History();
  const Json* alert = h.Find("alert");
  ASSERT_TRUE(alert->is_object());
  EXPECT_EQ(alert->Find("id")->text(), "f-now");
  EXPECT_EQ(alert->Find("text")->text(), "Sepsis risk 31% (threshold 14%)");
  EXPECT_EQ(alert->Find("raisedBy")->text(), "RiskAssessment/m1");
  EXPECT_EQ(alert->Find("start")->text(), "2026-01-01T09:00:00.000Z");
}

TEST_F(RiskHistoryTest, WithoutAssessmentsEverythingIsEmpty) {
  Json h = History();
  EXPECT_TRUE(h.Find("news2")->items().empty());
  EXPECT_TRUE(h.Find("latestModel")->is_null());
  EXPECT_TRUE(h.Find("latestNews2")->is_null());
  EXPECT_TRUE(h.Find("alert")->is_null());
}

}  // namespace
}  // namespace vigil::dashboard
