#include "ai/live/alert_flag.h"

#include <gtest/gtest.h>

#include "search/parse.h"
#include "store/memory/memory_store.h"

namespace vigil::ai {
namespace {

class AlertFlagTest : public ::testing::Test {
 protected:
  AlertFlagTest()
      : store_(store::NewMemoryStore()),
        writes_(search::Registry::Default(), persist::WriteOptions{}) {}

  // Scores the encounter at `probability` (threshold 0.2) and commits.
  AlertChange Score(double probability, int64_t at_ms) {
    auto txn = store_->BeginWrite();
    EXPECT_TRUE(txn.ok()) << txn.status();
    AlertInput in{"p1", "e1", at_ms, probability, 0.2, "ra" + std::to_string(at_ms)};
    absl::StatusOr<AlertChange> change = UpdateAlertFlag(**txn, writes_, search::Registry::Default(), in);
    EXPECT_TRUE(change.ok()) << change.status();
    EXPECT_TRUE((*txn)->Commit().ok());
    return change.value_or(AlertChange::kNone);
  }

  absl::StatusOr<fhir::Json> Feedback(const std::string& flag_id, std::string action, std::string reason) {
    auto txn = store_->BeginWrite();
    EXPECT_TRUE(txn.ok());
    AlertFeedback f{std::move(action), std::move(reason), "dr-who", 8000};
    absl::StatusOr<fhir::Json> flag = RecordAlertFeedback(**txn, writes_, flag_id, f);
    if (flag.ok()) {
      EXPECT_TRUE((*txn)->Commit().ok());
    }
    return flag;
  }

  std::string OnlyFlagId() {
    auto parsed = search::ParseSearch(search::Registry::Default(), "Flag", {{"encounter", "Encounter/e1"}}, {});
    auto page = store_->Search(parsed->query);
    EXPECT_EQ(page->resources.size(), 1u);
    return page->resources.empty() ? "" : page->resources[0].id;
  }

  // Every Flag of the encounter as (status, has period.end).
  std::vector<std::pair<std::string, bool>> Flags() {
    auto parsed = search::ParseSearch(search::Registry::Default(), "Flag", {{"encounter", "Encounter/e1"}}, {});
    EXPECT_TRUE(parsed.ok());
    auto page = store_->Search(parsed->query);
    EXPECT_TRUE(page.ok());
    std::vector<std::pair<std::string, bool>> out;
    for (const auto& r : page->resources) {
      auto json = fhir::ParseJson(r.json);
      const fhir::Json* period = json->Find("period");
      out.emplace_back(json->Find("status")->text(), period != nullptr && period->Find("end") != nullptr);
    }
    return out;
  }

  std::unique_ptr<store::Store> store_;
  persist::ResourceWrites writes_;
};

TEST_F(AlertFlagTest, BelowThresholdRaisesNothing) {
  Score(0.19, 1000);
  EXPECT_TRUE(Flags().empty());
}

TEST_F(AlertFlagTest, RaisesOnePerEpisodeAndClearsWithHysteresis) {
  EXPECT_EQ(Score(0.25, 1000), AlertChange::kRaised);  // crosses: raised
  EXPECT_EQ(Score(0.40, 2000), AlertChange::kNone);    // still high: no second Flag
  EXPECT_EQ(Score(0.15, 3000), AlertChange::kNone);    // below the threshold but above 0.5 × 0.2
  using Flag = std::pair<std::string, bool>;
  EXPECT_EQ(Flags(), (std::vector<Flag>{{"active", false}}));
  EXPECT_EQ(Score(0.09, 4000), AlertChange::kCleared);  // below 0.1: cleared
  EXPECT_EQ(Flags(), (std::vector<Flag>{{"inactive", true}}));
  Score(0.12, 5000);  // low again: nothing new
  EXPECT_EQ(Flags().size(), 1u);
  Score(0.30, 6000);  // a new episode: a new Flag
  auto flags = Flags();
  ASSERT_EQ(flags.size(), 2u);
  EXPECT_EQ(std::count(flags.begin(), flags.end(), Flag{"active", false}), 1);
}

TEST_F(AlertFlagTest, FlagNamesItsRiskAssessmentAndPatient) {
  Score(0.5, 7000);
  auto parsed = search::ParseSearch(search::Registry::Default(), "Flag", {{"patient", "Patient/p1"}}, {});
  ASSERT_TRUE(parsed.ok());
  auto page = store_->Search(parsed->query);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->resources.size(), 1u);
  auto flag = fhir::ParseJson(page->resources[0].json);
  EXPECT_EQ(flag->Find("extension")->items()[0].Find("valueReference")->Find("reference")->text(),
            "RiskAssessment/ra7000");
  EXPECT_EQ(flag->Find("code")->Find("coding")->items()[0].Find("code")->text(), "sepsis-risk");
}

TEST_F(AlertFlagTest, AcknowledgingKeepsTheAlertActiveAndRecordsWhoAndWhen) {
  Score(0.5, 1000);
  absl::StatusOr<fhir::Json> flag = Feedback(OnlyFlagId(), "acknowledge", "");
  ASSERT_TRUE(flag.ok()) << flag.status();
  EXPECT_EQ(flag->Find("status")->text(), "active");
  const fhir::Json& ext = flag->Find("extension")->items().back();
  EXPECT_EQ(ext.Find("url")->text(), kAlertFeedbackExtension);
  EXPECT_EQ(ext.Find("extension")->items()[0].Find("valueCode")->text(), "acknowledge");
  EXPECT_EQ(ext.Find("extension")->items()[1].Find("valueString")->text(), "dr-who");
}

TEST_F(AlertFlagTest, ADismissedEpisodeDoesNotAlertAgainUntilTheRiskHasFallen) {
  using Flag = std::pair<std::string, bool>;
  Score(0.5, 1000);
  ASSERT_TRUE(Feedback(OnlyFlagId(), "dismiss", "known chronic tachycardia").ok());
  EXPECT_EQ(Flags(), (std::vector<Flag>{{"inactive", false}}));
  EXPECT_EQ(Score(0.6, 2000), AlertChange::kNone);  // same episode: silent
  EXPECT_EQ(Flags().size(), 1u);
  EXPECT_EQ(Score(0.05, 3000), AlertChange::kCleared);  // the episode ends
  EXPECT_EQ(Flags(), (std::vector<Flag>{{"inactive", true}}));
  EXPECT_EQ(Score(0.5, 4000), AlertChange::kRaised);  // a new episode alerts
  EXPECT_EQ(Flags().size(), 2u);
}

TEST_F(AlertFlagTest, FeedbackErrors) {
  Score(0.5, 1000);
  const std::string id = OnlyFlagId();
  EXPECT_EQ(Feedback(id, "dismiss", "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Feedback(id, "snooze", "x").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Feedback("nope", "acknowledge", "").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(Feedback(id, "dismiss", "reviewed").ok());
  EXPECT_EQ(Feedback(id, "acknowledge", "").status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace vigil::ai
