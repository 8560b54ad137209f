#include "ai/cds/cds_hooks.h"

#include <gtest/gtest.h>

#include "base/http_error.h"

namespace vigil::ai {
namespace {

using fhir::Json;

Json Parse(std::string_view text) {
  absl::StatusOr<Json> j = fhir::ParseJson(text);
  EXPECT_TRUE(j.ok()) << j.status() << text;
  return j.value_or(Json::Object());
}

TEST(CdsHooksTest, DiscoveryListsThePatientViewServiceWithItsPrefetch) {
  Json doc = CdsDiscovery();
  const Json& service = doc.Find("services")->items().at(0);
  EXPECT_EQ(service.Find("hook")->text(), "patient-view");
  EXPECT_EQ(service.Find("id")->text(), kSepsisServiceId);
  EXPECT_EQ(service.Find("prefetch")->Find("patient")->text(), "Patient/{{context.patientId}}");
  EXPECT_NE(service.Find("prefetch")->Find("encounters"), nullptr);
  EXPECT_NE(service.Find("prefetch")->Find("observations"), nullptr);
}

TEST(CdsHooksTest, MalformedRequestsAre400) {
  for (const char* body : {R"([])", R"({"context": {"patientId": "p"}})",
                           R"({"hookInstance": "h", "context": {}})",
                           R"({"hookInstance": "h", "hook": "order-sign", "context": {"patientId": "p"}})",
                           R"({"hookInstance": "h", "context": {"patientId": "p"}, "prefetch": []})"}) {
    absl::StatusOr<PatientViewRequest> r = ParsePatientView(Parse(body));
    EXPECT_EQ(HttpStatusOf(r.status()), 400) << body;
  }
  Json ok = Parse(R"({"hookInstance": "h", "hook": "patient-view",
      "context": {"patientId": "p", "userId": "Practitioner/d"}})");
  absl::StatusOr<PatientViewRequest> r = ParsePatientView(ok);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->patient_id, "p");
  EXPECT_EQ(r->user_id, "Practitioner/d");
  EXPECT_EQ(r->prefetch, nullptr);
}

constexpr const char* kPrefetchRequest = R"({"hookInstance": "h", "hook": "patient-view",
  "context": {"patientId": "p1"},
  "prefetch": {
    "patient": {"resourceType": "Patient", "id": "p1", "birthDate": "1950-01-01", "gender": "female"},
    "encounters": {"resourceType": "Bundle", "type": "searchset", "entry": [
      {"resource": {"resourceType": "Encounter", "id": "old", "status": "finished", "subject": {"reference": "Patient/p1"},
        "period": {"start": "2026-01-01T00:00:00Z", "end": "2026-01-03T00:00:00Z"}}},
      {"resource": {"resourceType": "Encounter", "id": "e1", "status": "in-progress", "subject": {"reference": "Patient/p1"},
        "class": {"code": "IMP"}, "period": {"start": "2026-11-29T00:00:00Z"}}}]},
    "observations": {"resourceType": "Bundle", "type": "searchset", "entry": [
      {"resource": {"resourceType": "Observation", "id": "o1", "status": "final", "subject": {"reference": "Patient/p1"},
        "encounter": {"reference": "Encounter/e1"}, "effectiveDateTime": "2026-11-29T01:00:00Z",
        "code": {"coding": [{"system": "http://loinc.org", "code": "9279-1"}]},
        "valueQuantity": {"value": 18, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"}}},
      {"resource": {"resourceType": "Observation", "id": "o2", "status": "final", "subject": {"reference": "Patient/p1"},
        "encounter": {"reference": "Encounter/e1"}, "effectiveDateTime": "2026-11-29T02:00:00Z",
        "code": {"coding": [{"system": "http://loinc.org", "code": "9279-1"}]},
        "valueQuantity": {"value": 26, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"}}},
      {"resource": {"resourceType": "Observation", "id": "x", "status": "final", "subject": {"reference": "Patient/p1"},
        "encounter": {"reference": "Encounter/old"}, "effectiveDateTime": "2026-01-02T02:00:00Z",
        "code": {"coding": [{"system": "http://loinc.org", "code": "9279-1"}]},
        "valueQuantity": {"value": 40, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"}}}]}}})";

TEST(CdsHooksTest, PrefetchBuildsTheInProgressStayAtItsLatestMeasurement) {
  Json body = Parse(kPrefetchRequest);
  absl::StatusOr<PatientViewRequest> r = ParsePatientView(body);
  ASSERT_TRUE(r.ok()) << r.status();
  absl::StatusOr<std::optional<LiveStay>> stay = StayFromPrefetch(*r);
  ASSERT_TRUE(stay.ok()) << stay.status();
  ASSERT_TRUE(stay->has_value());
  EXPECT_EQ((*stay)->stay.encounter_id, "e1");
  EXPECT_EQ((*stay)->basis, std::vector<std::string>{"o2"});
  const auto& rr = (*stay)->stay.series[static_cast<int>(Signal::kRespiratoryRate)];
  ASSERT_EQ(rr.size(), 2u);  // the other Encounter's Observation is not in this stay
  EXPECT_EQ(rr[1].value, 26);
}

TEST(CdsHooksTest, PrefetchWithoutWhatTheServiceNeedsIs412) {
  Json body = Parse(R"({"hookInstance": "h", "context": {"patientId": "p1"},
      "prefetch": {"patient": {"resourceType": "Patient", "id": "p1"}, "encounters": null}})");
  absl::StatusOr<PatientViewRequest> r = ParsePatientView(body);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(HttpStatusOf(StayFromPrefetch(*r).status()), 412);
  Json other = Parse(R"({"hookInstance": "h", "context": {"patientId": "p1"},
      "prefetch": {"patient": {"resourceType": "Patient", "id": "p2"}, "encounters": {}, "observations": {}}})");
  r = ParsePatientView(other);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(HttpStatusOf(StayFromPrefetch(*r).status()), 412);
}

TEST(CdsHooksTest, NoInProgressEncounterMeansNoStay) {
  Json body = Parse(R"({"hookInstance": "h", "context": {"patientId": "p1"},
      "prefetch": {"patient": {"resourceType": "Patient", "id": "p1"},
                   "encounters": {"resourceType": "Bundle", "type": "searchset"},
                   "observations": {"resourceType": "Bundle", "type": "searchset"}}})");
  absl::StatusOr<PatientViewRequest> r = ParsePatientView(body);
  ASSERT_TRUE(r.ok());
  absl::StatusOr<std::optional<LiveStay>> stay = StayFromPrefetch(*r);
  ASSERT_TRUE(stay.ok());
  EXPECT_FALSE(stay->has_value());
}

class FixedScorer final : public Scorer {
 public:
  const std::string& id() const override { return id_; }
  const std::string& version() const override { return version_; }
  int64_t lookback_ms() const override { return 0; }
  absl::StatusOr<Scored> Score(const AssessmentContext&) const override { return Scored{}; }

 private:
  std::string id_ = "model:sepsis-6h";
  std::string version_ = "m-0123456789abcdef";
};

TEST(CdsHooksTest, CardIndicatorFollowsTheThresholdAndExplainsInPlainWords) {
  FixedScorer model;
  Scored m;
  m.probability = 0.43;
  m.threshold = 0.12;
  m.top = {TopValue{"respiratory_rate.last", 28, 0.51}, TopValue{"heart_rate.mean_6h", std::nullopt, -0.2}};
  Scored news2;
  news2.decision = "high";
  news2.top = {TopValue{"respiratory_rate", 28, 3}, TopValue{"spo2", 91, 3}, TopValue{"heart_rate", 118, 2}};
  CardInput in{"uuid-1", "p1", "http://127.0.0.1:8080/#/patient/p1", &model, &m, &news2};
  Json card = RiskCard(in);
  EXPECT_EQ(card.Find("indicator")->text(), "critical");
  const std::string summary = card.Find("summary")->text();
  EXPECT_EQ(summary, "Sepsis risk HIGH: 43% in the next 6 h (alert at 12%); NEWS2 8 (high)");
  EXPECT_LT(summary.size(), 140u);
  const std::string detail = card.Find("detail")->text();
  EXPECT_NE(detail.find("- Respiratory rate, latest 28 raised the risk (+0.51 log-odds)"), std::string::npos) << detail;
  EXPECT_NE(detail.find("- Heart rate, 6 h mean (not measured) lowered the risk (-0.20 log-odds)"), std::string::npos);
  EXPECT_NE(detail.find("- Oxygen saturation 91: 3 points"), std::string::npos);
  EXPECT_EQ(card.Find("links")->items()[0].Find("url")->text(), "http://127.0.0.1:8080/#/patient/p1");
  EXPECT_EQ(card.Find("uuid")->text(), "uuid-1");

  m.probability = 0.07;  // above half the threshold
  news2.top.clear();
  news2.decision = "low";
  EXPECT_EQ(RiskCard(in).Find("indicator")->text(), "warning");
  m.probability = 0.01;
  EXPECT_EQ(RiskCard(in).Find("indicator")->text(), "info");
}

TEST(CdsHooksTest, FeedbackNeedsCardOutcomeAndTime) {
  absl::StatusOr<std::vector<FeedbackEntry>> ok = ParseFeedback(Parse(R"({"feedback": [
      {"card": "u1", "outcome": "overridden", "outcomeTimestamp": "2026-11-30T10:00:00Z",
       "overrideReason": {"reason": {"code": "already-treated", "display": "Already assessed or treated for sepsis"},
                          "userComment": "on antibiotics since noon"}},
      {"card": "u2", "outcome": "accepted", "outcomeTimestamp": "2026-11-30T10:01:00Z"}]})"));
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].reason, "Already assessed or treated for sepsis: on antibiotics since noon");
  EXPECT_EQ((*ok)[1].outcome, "accepted");
  for (const char* bad : {R"({})", R"({"feedback": []})", R"({"feedback": [{"outcome": "accepted"}]})",
                          R"({"feedback": [{"card": "u", "outcome": "ignored", "outcomeTimestamp": "t"}]})",
                          R"({"feedback": [{"card": "u", "outcome": "accepted"}]})"}) {
    EXPECT_EQ(HttpStatusOf(ParseFeedback(Parse(bad)).status()), 400) << bad;
  }
}

}  // namespace
}  // namespace vigil::ai
