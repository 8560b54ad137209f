#include "dashboard/ward_board.h"

#include <gtest/gtest.h>

#include "base/time.h"
#include "dashboard/risk_fixtures.h"
#include "dashboard/test_util.h"

namespace vigil::dashboard {
namespace {

using fhir::Json;
using testing::Obs;

int64_t At(std::string_view t) { return *ParseFhirDateTimeMs(t); }

class WardBoardTest : public ::testing::Test {
 protected:
  WardBoardTest() {
    for (const char* p : {"p1", "p2", "p3", "p4"}) db_.Put(testing::PatientJson(p, p, "female", "1950-06-15"));
    db_.Put(testing::EncounterJson("e1", "p1", "in-progress", "2026-01-01T00:00:00Z"));
    db_.Put(testing::EncounterJson("e2", "p2", "in-progress", "2026-01-01T01:00:00Z"));
    db_.Put(testing::EncounterJson("e3", "p3", "in-progress", "2026-01-01T02:00:00Z"));
    db_.Put(testing::EncounterJson("e4", "p4", "finished", "2025-12-01T00:00:00Z"));
  }
  Json Board() {
    auto board = WardBoard(db_.store(), db_.registry(), At("2026-01-02T00:00:00Z"));
    EXPECT_TRUE(board.ok()) << board.status();
    return board.ok() ? *board : Json::Object();
  }
  std::string Order() {
    std::string out;
    Json board = Board();
    for (const Json& row : board.Find("rows")->items()) out += row.Find("encounter")->text() + " ";
    return out;
  }
  testing::TestStore db_;
};

TEST_F(WardBoardTest, OnlyInProgressStaysAreListed) {
  Json board = Board();
  EXPECT_EQ(board.Find("rows")->items().size(), 3u);
  EXPECT_FALSE(board.Find("truncated")->bool_value());
  EXPECT_EQ(board.Find("vitals")->items().size(), kWardVitals.size());
  EXPECT_EQ(board.Find("vitals")->items()[0].Find("code")->text(), "http://loinc.org|8867-4");
}

TEST_F(WardBoardTest, RowsShowTheLatestVitalOfTheStayInCanonicalUnits) {
  db_.Put(Obs("o1", "p1", "e1", "8867-4", "80", "/min", "2026-01-01T08:00:00Z"));
  db_.Put(Obs("o2", "p1", "e1", "8867-4", "95", "/min", "2026-01-01T09:00:00Z"));
  db_.Put(Obs("o3", "p1", "e1", "8310-5", "101.3", "[degF]", "2026-01-01T07:00:00Z"));
  db_.Put(Obs("o4", "p1", "", "8867-4", "150", "/min", "2026-01-01T10:00:00Z"));  // no Encounter: not this stay's
  Json board = Board();
  const Json* row = nullptr;
  for (const Json& r : board.Find("rows")->items()) {
    if (r.Find("encounter")->text() == "e1") row = &r;
  }
  ASSERT_NE(row, nullptr);
  const Json* vitals = row->Find("vitals");
  EXPECT_EQ(vitals->Find("heart_rate")->Find("value")->text(), "95");
  EXPECT_EQ(vitals->Find("heart_rate")->Find("time")->text(), "2026-01-01T09:00:00.000Z");
  EXPECT_EQ(vitals->Find("temperature")->Find("value")->text(), "38.5");
  EXPECT_TRUE(vitals->Find("spo2")->is_null());
  EXPECT_EQ(row->Find("lastMeasured")->text(), "2026-01-01T09:00:00.000Z");
  EXPECT_EQ(row->Find("patient")->text(), "p1");
  EXPECT_EQ(row->Find("name")->text(), "Ann p1");
  EXPECT_EQ(row->Find("age")->text(), "75");
  EXPECT_TRUE(row->Find("news2")->is_null());
  EXPECT_TRUE(row->Find("risk")->is_null());
}

TEST_F(WardBoardTest, RowsAreSortedByModelRiskThenNews2) {
  db_.Put(testing::News2Ra("n3", "p3", "e3", At("2026-01-01T08:00:00Z"), 25, 120));  // NEWS2 5, no model
  db_.Put(testing::News2Ra("n1", "p1", "e1", At("2026-01-01T08:00:00Z"), 16, 80));
  db_.Put(testing::ModelRa("m1", "p1", "e1", "2026-01-01T08:00:00Z", "0.12"));
  db_.Put(testing::ModelRa("m2a", "p2", "e2", "2026-01-01T07:00:00Z", "0.05"));
  db_.Put(testing::ModelRa("m2b", "p2", "e2", "2026-01-01T08:00:00Z", "0.40"));  // the latest counts
  EXPECT_EQ(Order(), "e2 e1 e3 ");
  Json board = Board();
  const Json& top = board.Find("rows")->items()[0];
  EXPECT_EQ(top.Find("risk")->Find("probability")->text(), "0.4");
  EXPECT_EQ(fhir::WriteJson(*top.Find("risk")->Find("trend")),
            R"([{"time":"2026-01-01T07:00:00.000Z","probability":0.05},)"
            R"({"time":"2026-01-01T08:00:00.000Z","probability":0.4}])");
  EXPECT_TRUE(top.Find("news2")->is_null());
  const Json& last = board.Find("rows")->items()[2];
  EXPECT_EQ(last.Find("news2")->Find("score")->text(), "5");
  EXPECT_TRUE(last.Find("risk")->is_null());
}

TEST_F(WardBoardTest, TheActiveAlertOfTheStayIsShown) {
  db_.Put(testing::AlertFlag("f1", "p2", "e2", "active", "2026-01-01T08:00:00Z"));
  db_.Put(testing::AlertFlag("f2", "p3", "e3", "inactive", "2026-01-01T08:00:00Z"));
  Json board = Board();
  for (const Json& r : board.Find("rows")->items()) {
    const std::string& e = r.Find("encounter")->text();
    if (e == "e2") {
      ASSERT_TRUE(r.Find("alert")->is_object());
      EXPECT_EQ(r.Find("alert")->Find("id")->text(), "f1");
    } else {
      EXPECT_TRUE(r.Find("alert")->is_null()) << e;
    }
  }
}

}  // namespace
}  // namespace vigil::dashboard
