#include "ai/live/live_scorer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "base/time.h"
#include "search/parse.h"
#include "store/memory/memory_store.h"

namespace vigil::ai {
namespace {

using fhir::Json;

// Scores the number of heart-rate measurements in the stay (as a probability
// of n / 10) and remembers every stay it saw, so tests can check that the
// cached stays equal what the store holds.
class CountingScorer final : public Scorer {
 public:
  const std::string& id() const override { return id_; }
  const std::string& version() const override { return version_; }
  int64_t lookback_ms() const override { return 0; }
  absl::StatusOr<Scored> Score(const AssessmentContext& c) const override {
    const size_t n = c.stay.series[static_cast<int>(Signal::kHeartRate)].size();
    seen.push_back(n);
    Scored s;
    s.assessment = Json::Object();
    s.assessment.Set("resourceType", Json::String("RiskAssessment"));
    s.assessment.Set("status", Json::String("final"));
    s.assessment.Set("subject", Reference("Patient", c.stay.patient_id));
    s.assessment.Set("encounter", Reference("Encounter", c.stay.encounter_id));
    s.assessment.Set("occurrenceDateTime", Json::String(FormatInstant(c.at_ms)));
    s.probability = static_cast<double>(n) / 10;
    s.threshold = 0.9;
    s.decision = "low";
    return s;
  }
  mutable std::vector<size_t> seen;

 private:
  std::string id_ = "model:count";
  std::string version_ = "m-test";
};

Json Parse(const std::string& text) {
  absl::StatusOr<Json> j = fhir::ParseJson(text);
  EXPECT_TRUE(j.ok()) << j.status();
  return j.value_or(Json());
}

class LiveScorerTest : public ::testing::Test {
 protected:
  LiveScorerTest()
      : store_(store::NewMemoryStore()),
        writes_(search::Registry::Default(), persist::WriteOptions{}),
        scorer_(std::make_shared<CountingScorer>()) {
    auto active = std::make_shared<ActiveScorers>();
    active->shown.push_back(scorer_);
    active_ = active;
    store_->SetChangeListener([this](std::vector<store::ChangeEvent> events) {
      for (auto& e : events) events_.push_back(std::move(e));
    });
    live_ = std::make_unique<LiveScorer>(
        *store_, writes_, search::Registry::Default(), [this] { return active_; }, nullptr,
        [this] { return pending_events_ > 0; });
    Put(R"({"resourceType": "Patient", "id": "p1", "birthDate": "1950-01-01"})");
    Put(R"({"resourceType": "Encounter", "id": "e1", "status": "in-progress",
            "class": {"code": "IMP"}, "subject": {"reference": "Patient/p1"},
            "period": {"start": "2026-11-29T00:00:00Z"}})");
  }

  void Put(const std::string& text) {
    Json r = Parse(text);
    const std::string type = r.Find("resourceType")->text();
    const std::string id = r.Find("id")->text();
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(writes_.Update(**txn, type, id, std::move(r), std::nullopt).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  void HeartRate(const std::string& id, int hour, int value) {
    Put(fmt::format(R"({{"resourceType": "Observation", "id": "{}", "status": "final",
        "code": {{"coding": [{{"system": "http://loinc.org", "code": "8867-4"}}]}},
        "subject": {{"reference": "Patient/p1"}}, "encounter": {{"reference": "Encounter/e1"}},
        "effectiveDateTime": "2026-11-29T{:02d}:00:00Z",
        "valueQuantity": {{"value": {}, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"}}}})",
                    id, hour, value));
  }

  void Delete(const std::string& type, const std::string& id) {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(writes_.Delete(**txn, type, id, std::nullopt).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  // Hands every event collected so far to the scorer, in order.
  void Deliver() {
    std::vector<store::ChangeEvent> events = std::move(events_);
    events_.clear();
    for (size_t i = 0; i < events.size(); ++i) {
      pending_events_ = events.size() - i - 1;
      ASSERT_TRUE(live_->OnChange(events[i]).ok());
    }
    pending_events_ = 0;
  }

  size_t Assessments() {
    auto parsed = search::ParseSearch(search::Registry::Default(), "RiskAssessment", {}, {});
    auto page = store_->Search(parsed->query);
    return page->resources.size();
  }

  std::unique_ptr<store::Store> store_;
  persist::ResourceWrites writes_;
  std::shared_ptr<CountingScorer> scorer_;
  std::shared_ptr<const ActiveScorers> active_;
  std::vector<store::ChangeEvent> events_;
  size_t pending_events_ = 0;
  std::unique_ptr<LiveScorer> live_;
};

TEST_F(LiveScorerTest, CachedStaysFollowTheWritesOfTheStore) {
  HeartRate("o1", 1, 80);
  Deliver();  // loads the stay from the store
  HeartRate("o2", 2, 90);
  HeartRate("o3", 3, 95);
  Deliver();  // from the cache
  EXPECT_EQ(scorer_->seen, (std::vector<size_t>{1, 2, 3}));
  HeartRate("o2", 2, 91);  // an update replaces, not adds
  Delete("Observation", "o1");
  HeartRate("o4", 4, 99);
  Deliver();
  EXPECT_EQ(scorer_->seen, (std::vector<size_t>{1, 2, 3, 3, 3}));
  // The same as a stay rebuilt from the store.
  auto fresh = LoadLiveStay(*store_, search::Registry::Default(), "e1", INT64_MAX);
  ASSERT_TRUE(fresh.ok() && fresh->has_value());
  EXPECT_EQ((*fresh)->stay.series[static_cast<int>(Signal::kHeartRate)].size(), 3u);
  EXPECT_EQ(Assessments(), 5u);
}

TEST_F(LiveScorerTest, AFinishedEncounterStopsScoringItsStay) {
  HeartRate("o1", 1, 80);
  Deliver();
  Put(R"({"resourceType": "Encounter", "id": "e1", "status": "finished",
          "class": {"code": "IMP"}, "subject": {"reference": "Patient/p1"},
          "period": {"start": "2026-11-29T00:00:00Z", "end": "2026-11-29T05:00:00Z"}})");
  HeartRate("o2", 2, 90);
  Deliver();
  EXPECT_EQ(scorer_->seen, (std::vector<size_t>{1}));
  EXPECT_EQ(Assessments(), 1u);
}

TEST_F(LiveScorerTest, WaitingEventsAreWrittenInOneTransactionAtTheEnd) {
  HeartRate("o1", 1, 80);
  HeartRate("o2", 2, 90);
  HeartRate("o3", 3, 95);
  std::vector<store::ChangeEvent> events = std::move(events_);
  events_.clear();
  pending_events_ = 2;
  ASSERT_TRUE(live_->OnChange(events[events.size() - 3]).ok());
  EXPECT_EQ(Assessments(), 0u);  // more are waiting: not written yet
  pending_events_ = 1;
  ASSERT_TRUE(live_->OnChange(events[events.size() - 2]).ok());
  EXPECT_EQ(Assessments(), 0u);
  pending_events_ = 0;
  ASSERT_TRUE(live_->OnChange(events[events.size() - 1]).ok());
  EXPECT_EQ(Assessments(), 3u);
  // The stay loaded on the first event already holds the later writes (the
  // store is ahead of the events); each score only uses data up to its time.
  EXPECT_EQ(scorer_->seen, (std::vector<size_t>{3, 3, 3}));
}

TEST_F(LiveScorerTest, AGapInTheEventsDropsTheCache) {
  HeartRate("o1", 1, 80);
  Deliver();
  HeartRate("o2", 2, 90);
  events_.clear();  // the bus dropped o2's event
  HeartRate("o3", 3, 95);
  Deliver();
  // o2 is in the stay although its event was never seen: reloaded from the store.
  EXPECT_EQ(scorer_->seen, (std::vector<size_t>{1, 3}));
}

TEST_F(LiveScorerTest, CatchUpScoresStaysThatChangedWhileNothingScored) {
  HeartRate("o1", 1, 80);
  HeartRate("o2", 2, 90);
  events_.clear();  // written before any scorer ran
  absl::StatusOr<int> scored = live_->CatchUp();
  ASSERT_TRUE(scored.ok()) << scored.status();
  EXPECT_EQ(*scored, 1);
  EXPECT_EQ(Assessments(), 1u);
  EXPECT_EQ(scorer_->seen, (std::vector<size_t>{2}));
  // Already scored at its latest measurement: nothing more.
  EXPECT_EQ(*live_->CatchUp(), 0);
  EXPECT_EQ(Assessments(), 1u);
}

}  // namespace
}  // namespace vigil::ai
