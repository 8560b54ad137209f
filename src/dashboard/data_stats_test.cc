#include "dashboard/data_stats.h"

#include <gtest/gtest.h>

#include "base/calendar.h"
#include "base/time.h"
#include "dashboard/test_util.h"

namespace vigil::dashboard {
namespace {

using fhir::Json;

int64_t At(std::string_view t) { return *ParseFhirDateTimeMs(t); }

TEST(WriteRateTest, CountsWritesPerMinuteOverTheLastHour) {
  WriteRate rate(At("2026-01-01T09:00:00Z"));
  rate.Record(At("2026-01-01T09:58:10Z"));
  rate.Record(At("2026-01-01T09:58:50Z"));
  rate.Record(At("2026-01-01T10:00:01Z"));
  rate.Record(At("2026-01-01T08:30:00Z"));  // over an hour before now: in the total only
  auto minutes = rate.PerMinute(At("2026-01-01T10:00:30Z"));
  ASSERT_EQ(minutes.size(), 60u);
  EXPECT_EQ(minutes.front().first, At("2026-01-01T09:01:00Z"));
  EXPECT_EQ(minutes.back().first, At("2026-01-01T10:00:00Z"));
  EXPECT_EQ(minutes.back().second, 1);
  EXPECT_EQ(minutes[57].second, 2);  // 09:58
  int64_t sum = 0;
  for (const auto& m : minutes) sum += m.second;
  EXPECT_EQ(sum, 3);
  EXPECT_EQ(rate.total(), 4);
}

TEST(WriteRateTest, AMinuteSlotIsReusedAfterAnHour) {
  WriteRate rate(0);
  rate.Record(At("2026-01-01T09:00:00Z"));
  rate.Record(At("2026-01-01T10:00:00Z"));  // same slot, an hour later: replaces it
  auto minutes = rate.PerMinute(At("2026-01-01T10:00:00Z"));
  EXPECT_EQ(minutes.back().second, 1);
  rate.Record(At("2026-01-01T09:00:30Z"));  // late and older than the slot's minute: total only
  EXPECT_EQ(rate.PerMinute(At("2026-01-01T10:00:00Z")).back().second, 1);
  EXPECT_EQ(rate.total(), 3);
}

TEST(DataStatsTest, CountsEveryTypeThatHasResourcesLargestFirst) {
  testing::TestStore db;
  db.Put(testing::PatientJson("p1", "One", "female", "1950-01-01"));
  db.Put(testing::PatientJson("p2", "Two", "male", "1950-01-01"));
  db.Put(testing::EncounterJson("e1", "p1", "finished", "2026-01-01T00:00:00Z"));
  db.Put(testing::Obs("o1", "p1", "", "8867-4", "80", "/min", "2026-01-01T08:00:00Z"));
  db.Put(testing::Obs("o2", "p1", "", "8867-4", "81", "/min", "2026-01-01T09:00:00Z"));
  db.Put(testing::Obs("o3", "p2", "", "8867-4", "82", "/min", "2026-01-01T09:00:00Z"));
  db.Put(testing::Obs("o3", "p2", "", "8867-4", "83", "/min", "2026-01-01T09:00:00Z"));  // a new version
  WriteRate rate(0);
  DeadLetters dead{"/data/dead-letter/hl7v2", size_t{2}};
  auto stats = DataStats(db.store(), db.registry(), rate, dead, At("2026-01-01T10:00:00Z"));
  ASSERT_TRUE(stats.ok()) << stats.status();
  std::string counts;
  for (const Json& c : stats->Find("resources")->items()) {
    counts += c.Find("type")->text() + "=" + c.Find("count")->text() + " ";
  }
  EXPECT_EQ(counts, "Observation=3 Patient=2 Encounter=1 ");
  EXPECT_EQ(stats->Find("total")->text(), "6");
  EXPECT_EQ(stats->Find("deadLetters")->Find("count")->text(), "2");
  EXPECT_EQ(stats->Find("ingestion")->Find("perMinute")->items().size(), 60u);
}

TEST(DataStatsTest, ADeadLetterFolderThatCannotBeReadIsReportedNotFatal) {
  testing::TestStore db;
  WriteRate rate(0);
  DeadLetters dead{"/nowhere", absl::InternalError("cannot list /nowhere")};
  auto stats = DataStats(db.store(), db.registry(), rate, dead, 0);
  ASSERT_TRUE(stats.ok());
  EXPECT_TRUE(stats->Find("deadLetters")->Find("count")->is_null());
  EXPECT_EQ(stats->Find("deadLetters")->Find("error")->text(), "cannot list /nowhere");
  EXPECT_TRUE(stats->Find("resources")->items().empty());
}

}  // namespace
}  // namespace vigil::dashboard
