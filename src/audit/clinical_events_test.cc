#include "audit/clinical_events.h"

#include <gtest/gtest.h>

#include "audit/event_test_util.h"
#include "fhir/json.h"

namespace vigil::audit {
namespace {

using testing::DetailOf;

fhir::Json Parse(const std::string& text) { return testing::ParseEvent(text); }

TEST(ClinicalEventsTest, APredictionNamesModelInputsThresholdDecisionAndExplanation) {
  PredictionFacts f;
  f.scorer = "model:sepsis-6h";
  f.version = "m-0123456789abcdef";
  f.patient_id = "p1";
  f.encounter_id = "e1";
  f.assessment_id = "ra9";
  f.inputs = {"Observation/o1", "Observation/o2"};
  f.probability = 0.4321;
  f.threshold = 0.12;
  f.decision = "high";
  f.top = {{"resp_rate.last", 0.51}, {"lactate.last", -0.25}};
  f.time_ms = 1700000000000;
  fhir::Json ev = Parse(PredictionAuditJson(f));
  EXPECT_EQ(ev.Find("type")->Find("code")->text(), "prediction");
  EXPECT_EQ(ev.Find("subtype")->items()[0].Find("code")->text(), "live");
  EXPECT_EQ(ev.Find("action")->text(), "C");
  const auto& entities = ev.Find("entity")->items();
  ASSERT_EQ(entities.size(), 4u);
  EXPECT_EQ(entities[0].Find("what")->Find("reference")->text(), "Patient/p1");
  EXPECT_EQ(entities[1].Find("what")->Find("reference")->text(), "RiskAssessment/ra9");
  EXPECT_EQ(DetailOf(entities[1], "modelVersion"), "m-0123456789abcdef");
  EXPECT_EQ(DetailOf(entities[1], "probability"), "0.4321");
  EXPECT_EQ(DetailOf(entities[1], "threshold"), "0.12");
  EXPECT_EQ(DetailOf(entities[1], "decision"), "high");
  EXPECT_EQ(DetailOf(entities[1], "explanation"), "resp_rate.last +0.51; lactate.last -0.25");
  EXPECT_EQ(entities[3].Find("what")->Find("reference")->text(), "Observation/o2");
  EXPECT_EQ(entities[3].Find("role")->Find("code")->text(), "3");
}

TEST(ClinicalEventsTest, AShadowPredictionHasNoRiskAssessment) {
  PredictionFacts f;
  f.scorer = "model:x";
  f.version = "m-1";
  f.mode = "shadow";
  f.decision = "low";
  fhir::Json ev = Parse(PredictionAuditJson(f));
  EXPECT_EQ(ev.Find("subtype")->items()[0].Find("code")->text(), "shadow");
  const auto& entities = ev.Find("entity")->items();
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(entities[0].Find("what"), nullptr);
}

TEST(ClinicalEventsTest, FeedbackRecordsWhoWhatAndWhy) {
  FeedbackFacts f;
  f.source = "cds";
  f.outcome = "overridden";
  f.reason = "already on antibiotics";
  f.user = "Practitioner/dr1";
  f.target = "9b2c7c1e-0000-4000-8000-000000000001";
  f.patient_id = "p1";
  fhir::Json ev = Parse(FeedbackAuditJson(f));
  EXPECT_EQ(ev.Find("type")->Find("code")->text(), "feedback");
  EXPECT_EQ(ev.Find("agent")->items()[0].Find("who")->Find("display")->text(), "Practitioner/dr1");
  const auto& entities = ev.Find("entity")->items();
  ASSERT_EQ(entities.size(), 2u);
  EXPECT_EQ(DetailOf(entities[1], "card"), f.target);
  EXPECT_EQ(DetailOf(entities[1], "outcome"), "overridden");
  EXPECT_EQ(DetailOf(entities[1], "reason"), "already on antibiotics");
}

}  // namespace
}  // namespace vigil::audit
