// Searching the audit log: filters, newest first, ids = log positions, reads by id.
#include "audit/search.h"

#include <gtest/gtest.h>

#include "audit/head_file.h"
#include "audit/signing_key.h"
#include "audit/test_util.h"
#include "audit/trail.h"
#include "base/time.h"

namespace vigil::audit {
namespace {

std::string Event(std::string recorded, std::string subtype, std::string entity, std::string outcome = "0") {
  return R"({"resourceType":"AuditEvent","type":{"code":"rest"},"subtype":[{"code":")" + subtype +
         R"("}],"action":"R","recorded":")" + recorded + R"(","outcome":")" + outcome +
         R"(","agent":[{"who":{"reference":"Device/app-1"}}],"entity":[{"what":{"reference":")" + entity +
         R"("}}]})";
}

class AuditSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir("search");
    absl::StatusOr<SigningKey> key = SigningKey::LoadOrCreate(dir_);
    ASSERT_TRUE(key.ok());
    auto writer = LogWriter::Open(dir_, *std::move(key), NowMs);
    ASSERT_TRUE(writer.ok()) << writer.status();
    TrailOptions options;
    options.checkpoint_every = 2;  // checkpoints between the events: ids skip them
    AuditTrail trail(*std::move(writer), options);
    trail.Record(Event("2026-11-29T23:00:00Z", "read", "Patient/p1"));
    trail.Record(Event("2026-11-30T08:00:00Z", "read", "Observation/o1"));
    trail.Record(Event("2026-11-30T09:00:00Z", "update", "Patient/p1"));
    trail.Record(Event("2026-11-30T10:00:00Z", "read", "Patient/p2", "8"));
    ASSERT_TRUE(trail.Stop().ok());
    log_ = dir_ + "/" + kLogFile;
  }

  std::vector<std::string> Ids(const AuditQuery& q) {
    absl::StatusOr<std::vector<FoundEvent>> found = SearchAuditLog(log_, q);
    EXPECT_TRUE(found.ok()) << found.status();
    std::vector<std::string> out;
    if (!found.ok()) return out;
    for (const FoundEvent& e : *found) {
      out.push_back(e.event.Find("id")->text() + ":" + e.event.Find("recorded")->text().substr(11, 2));
    }
    return out;
  }

  std::string dir_, log_;
};

TEST_F(AuditSearchTest, NewestFirstWithTheLogPositionAsId) {
  std::vector<std::string> all = Ids(AuditQuery{});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].substr(all[0].find(':')), ":10");
  EXPECT_EQ(all[3].substr(all[3].find(':')), ":23");
  AuditQuery two;
  two.count = 2;
  EXPECT_EQ(Ids(two).size(), 2u);
  EXPECT_EQ(Ids(two)[0], all[0]);
}

TEST_F(AuditSearchTest, FiltersCombine) {
  AuditQuery q;
  q.patient = "p1";
  EXPECT_EQ(Ids(q).size(), 2u);
  q.subtype = "update";
  ASSERT_EQ(Ids(q).size(), 1u);
  EXPECT_EQ(Ids(q)[0].substr(Ids(q)[0].find(':')), ":09");
  AuditQuery e;
  e.entity = "Observation/o1";
  EXPECT_EQ(Ids(e).size(), 1u);
  AuditQuery o;
  o.outcome = "8";
  EXPECT_EQ(Ids(o).size(), 1u);
  AuditQuery a;
  a.agent = "Device/app-1";
  EXPECT_EQ(Ids(a).size(), 4u);
  a.agent = "Device/other";
  EXPECT_TRUE(Ids(a).empty());
}

TEST_F(AuditSearchTest, DatesAsDaysOrInstantsWithPrefixes) {
  AuditQuery day;
  day.dates.push_back(*ParseDateBound("2026-11-30"));
  EXPECT_EQ(Ids(day).size(), 3u);
  AuditQuery range;
  range.dates.push_back(*ParseDateBound("ge2026-11-30T08:00:00Z"));
  range.dates.push_back(*ParseDateBound("lt2026-11-30T10:00:00Z"));
  EXPECT_EQ(Ids(range).size(), 2u);
  AuditQuery before;
  before.dates.push_back(*ParseDateBound("lt2026-11-30"));
  EXPECT_EQ(Ids(before).size(), 1u);
  EXPECT_TRUE(absl::IsInvalidArgument(ParseDateBound("yesterday").status()));
}

TEST_F(AuditSearchTest, ReadByIdAndMissingLogs) {
  std::vector<std::string> all = Ids(AuditQuery{});
  const uint64_t id = std::stoull(all[1].substr(0, all[1].find(':')));
  absl::StatusOr<std::optional<FoundEvent>> one = GetAuditEvent(log_, id);
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((*one)->event.Find("recorded")->text(), "2026-11-30T09:00:00Z");
  EXPECT_FALSE(GetAuditEvent(log_, 999)->has_value());
  EXPECT_TRUE(SearchAuditLog(dir_ + "/missing.log", AuditQuery{})->empty());
}

}  // namespace
}  // namespace vigil::audit
