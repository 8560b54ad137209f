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
  void Score(double probability, int64_t at_ms) {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok()) << txn.status();
    AlertInput in{"p1", "e1", at_ms, probability, 0.2, "ra" + std::to_string(at_ms)};
    ASSERT_TRUE(UpdateAlertFlag(**txn, writes_, search::Registry::Default(), in).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
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
  Score(0.25, 1000);  // crosses: raised
  Score(0.40, 2000);  // still high: no second Flag
  Score(0.15, 3000);  // below the threshold but above 0.5 × 0.2: stays active
  using Flag = std::pair<std::string, bool>;
  EXPECT_EQ(Flags(), (std::vector<Flag>{{"active", false}}));
  Score(0.09, 4000);  // below 0.1: cleared
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

}  // namespace
}  // namespace vigil::ai
