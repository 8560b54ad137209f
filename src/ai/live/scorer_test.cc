// The bedside rules as live scorers: each scores the stay's latest vital signs
// into a RiskAssessment named after the rule, with its band and components.
#include "ai/live/scorer.h"

#include <gtest/gtest.h>

#include <string>

#include "ai/signals.h"
#include "ai/timeline.h"

namespace vigil::ai {
namespace {

constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kAdmit = 1767225600000;  // 2026-01-01T00:00:00Z

// Respiratory rate 24, systolic 95, heart rate 96, temperature 38.4, GCS 15 at hour 2.
Stay SickStay() {
  Stay s;
  s.patient_id = "p1";
  s.encounter_id = "e1";
  s.admit_ms = kAdmit;
  auto at = [&](Signal signal, float value) {
    s.series[static_cast<int>(signal)].push_back({kAdmit + 2 * kHour, value});
  };
  at(Signal::kRespiratoryRate, 24);
  at(Signal::kSystolicBp, 95);
  at(Signal::kHeartRate, 96);
  at(Signal::kTemperature, 38.4f);
  at(Signal::kGcs, 15);
  return s;
}

struct Reading {
  std::string method, score, band, risk;
};

Reading Read(const fhir::Json& ra) {
  Reading r;
  r.method = ra.Find("method")->Find("coding")->items()[0].Find("code")->text();
  r.risk = ra.Find("prediction")->items()[0].Find("qualitativeRisk")->Find("coding")->items()[0].Find("code")->text();
  for (const fhir::Json& part : ra.Find("extension")->items()[0].Find("extension")->items()) {
    if (part.Find("url")->text() == "score") r.score = part.Find("valueInteger")->text();
    if (part.Find("url")->text() == "band") r.band = part.Find("valueCode")->text();
  }
  return r;
}

Scored ScoreWith(const std::string& rule) {
  absl::StatusOr<std::shared_ptr<const Scorer>> scorer = RuleScorer(rule);
  EXPECT_TRUE(scorer.ok()) << scorer.status();
  const Stay stay = SickStay();
  const AssessmentContext context{stay, kAdmit + 3 * kHour, fhir::Json::Array()};
  absl::StatusOr<Scored> scored = (*scorer)->Score(context);
  EXPECT_TRUE(scored.ok()) << scored.status();
  EXPECT_EQ((*scorer)->id(), rule);
  return *scored;
}

TEST(RuleScorerTest, QsofaScreensPositiveOnRespiratoryRateAndPressure) {
  Scored s = ScoreWith("qsofa");
  const Reading r = Read(s.assessment);
  EXPECT_EQ(r.method, "qsofa");
  EXPECT_EQ(r.score, "2");  // RR >= 22, SBP <= 100; GCS 15 scores nothing
  EXPECT_EQ(r.band, "positive");
  EXPECT_EQ(r.risk, "high");
  EXPECT_EQ(s.decision, "high");
  ASSERT_EQ(s.top.size(), 2u);
  EXPECT_EQ(s.top[0].name, "respiratory_rate");
  EXPECT_EQ(s.top[1].name, "systolic_bp");
  EXPECT_FALSE(s.probability.has_value());
}

TEST(RuleScorerTest, SirsAndMewsAndNews2BandTheSameStay) {
  const Reading sirs = Read(ScoreWith("sirs").assessment);
  EXPECT_EQ(sirs.score, "3");  // temperature > 38, heart rate > 90, RR > 20
  EXPECT_EQ(sirs.band, "positive");
  EXPECT_EQ(sirs.risk, "moderate");
  const Reading mews = Read(ScoreWith("mews").assessment);
  // SBP 95 (81-100: 1), HR 96 (51-100: 0), RR 24 (21-29: 2), temp 38.4 (>= 38.5? no: 0), alert 0.
  EXPECT_EQ(mews.score, "3");
  EXPECT_EQ(mews.band, "medium");
  EXPECT_EQ(mews.risk, "moderate");
  const Reading news2 = Read(ScoreWith("news2").assessment);
  // RR 24: 2, SBP 95: 2, HR 96: 1, temp 38.4: 1; SpO2 unmeasured: 0.
  EXPECT_EQ(news2.score, "6");
  EXPECT_EQ(news2.band, "medium");
  EXPECT_EQ(news2.risk, "moderate");
}

TEST(RuleScorerTest, UnknownRulesAreRefused) {
  absl::StatusOr<std::shared_ptr<const Scorer>> scorer = RuleScorer("apache2");
  EXPECT_TRUE(absl::IsInvalidArgument(scorer.status()));
}

TEST(ActiveScorersTest, FindsTheModelAndRulesByCode) {
  ActiveScorers active;
  active.shown = {*RuleScorer("news2"), *RuleScorer("qsofa")};
  EXPECT_EQ(active.model(), nullptr);
  EXPECT_EQ(active.rule("qsofa")->id(), "qsofa");
  EXPECT_EQ(active.rule("mews"), nullptr);
}

}  // namespace
}  // namespace vigil::ai
