#include "dashboard/patient_summary.h"

#include <gtest/gtest.h>

#include "base/time.h"
#include "dashboard/test_util.h"

namespace vigil::dashboard {
namespace {

using fhir::Json;
using testing::Obs;

int64_t At(std::string_view t) { return *ParseFhirDateTimeMs(t); }

std::string Condition(std::string_view id, std::string_view status, std::string_view snomed) {
  return StrCat(R"({"resourceType":"Condition","id":")", id,
                R"(","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":")",
                status, R"("}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":")", snomed,
                R"(","display":"Condition )", snomed, R"("}]},"subject":{"reference":"Patient/p1"}})");
}

std::string Medication(std::string_view id, std::string_view status) {
  return StrCat(R"({"resourceType":"MedicationRequest","id":")", id, R"(","status":")", status,
                R"(","intent":"order","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"197361","display":"Amlodipine 5 MG"}]},)"
                R"("subject":{"reference":"Patient/p1"},"authoredOn":"2025-05-01"})");
}

class PatientSummaryTest : public ::testing::Test {
 protected:
  PatientSummaryTest() { db_.Put(testing::PatientJson("p1", "Smith", "female", "1950-06-15")); }
  Json Summary() {
    auto s = PatientSummary(db_.store(), db_.registry(), "p1", At("2026-06-14T00:00:00Z"));
    EXPECT_TRUE(s.ok()) << s.status();
    EXPECT_TRUE(s.ok() && s->has_value());
    return s.ok() && s->has_value() ? **s : Json::Object();
  }
  testing::TestStore db_;
};

TEST_F(PatientSummaryTest, DemographicsWithAgeInWholeYears) {
  Json s = Summary();
  const Json* p = s.Find("patient");
  EXPECT_EQ(p->Find("name")->text(), "Ann Smith");
  EXPECT_EQ(p->Find("gender")->text(), "female");
  EXPECT_EQ(p->Find("age")->text(), "75");  // the day before the 76th birthday
  EXPECT_FALSE(p->Find("deceased")->bool_value());
}

TEST_F(PatientSummaryTest, OnlyActiveConditionsAndMedications) {
  db_.Put(Condition("c1", "active", "38341003"));
  db_.Put(Condition("c2", "resolved", "444814009"));
  db_.Put(Condition("c3", "recurrence", "195662009"));
  db_.Put(Medication("m1", "active"));
  db_.Put(Medication("m2", "stopped"));
  Json s = Summary();
  std::string conditions;
  for (const Json& c : s.Find("conditions")->items()) conditions += c.Find("id")->text() + " ";
  EXPECT_EQ(conditions, "c1 c3 ");
  EXPECT_EQ(s.Find("conditions")->items()[0].Find("label")->text(), "Condition 38341003");
  ASSERT_EQ(s.Find("medications")->items().size(), 1u);
  EXPECT_EQ(s.Find("medications")->items()[0].Find("label")->text(), "Amlodipine 5 MG");
}

TEST_F(PatientSummaryTest, EncountersNewestFirst) {
  db_.Put(testing::EncounterJson("e-old", "p1", "finished", "2024-01-01T00:00:00Z"));
  db_.Put(testing::EncounterJson("e-new", "p1", "in-progress", "2026-01-01T00:00:00Z"));
  Json s = Summary();
  const auto& encounters = s.Find("encounters")->items();
  ASSERT_EQ(encounters.size(), 2u);
  EXPECT_EQ(encounters[0].Find("id")->text(), "e-new");
  EXPECT_EQ(encounters[0].Find("status")->text(), "in-progress");
  EXPECT_EQ(encounters[0].Find("class")->text(), "IMP");
  EXPECT_TRUE(encounters[0].Find("end")->is_null());
}

TEST_F(PatientSummaryTest, ObservationCodesCountedVitalsFirst) {
  db_.Put(Obs("w", "p1", "", "29463-7", "70", "kg", "2026-01-01T08:00:00Z"));
  db_.Put(Obs("l", "p1", "", "2524-7", "2.5", "mmol/L", "2026-01-01T08:00:00Z"));
  db_.Put(Obs("h1", "p1", "", "8867-4", "80", "/min", "2026-01-01T08:00:00Z"));
  db_.Put(Obs("h2", "p1", "", "8867-4", "90", "/min", "2026-01-01T09:00:00Z"));
  Json s = Summary();
  const auto& codes = s.Find("observationCodes")->items();
  ASSERT_EQ(codes.size(), 3u);
  EXPECT_EQ(codes[0].Find("code")->text(), "8867-4");
  EXPECT_EQ(codes[0].Find("kind")->text(), "vital");
  EXPECT_EQ(codes[0].Find("count")->text(), "2");
  EXPECT_EQ(codes[0].Find("latest")->Find("value")->text(), "90");
  EXPECT_EQ(codes[1].Find("code")->text(), "2524-7");
  EXPECT_EQ(codes[1].Find("kind")->text(), "lab");
  EXPECT_EQ(codes[2].Find("code")->text(), "29463-7");
  EXPECT_EQ(codes[2].Find("kind")->text(), "other");
  EXPECT_FALSE(s.Find("observationsTruncated")->bool_value());
}

TEST_F(PatientSummaryTest, UnknownPatientIsNotFound) {
  auto s = PatientSummary(db_.store(), db_.registry(), "nobody", 0);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->has_value());
}

TEST(AgeInYearsTest, CountsBirthdays) {
  EXPECT_EQ(AgeInYears("2000-03-01", At("2026-02-28T23:00:00Z")), 25);
  EXPECT_EQ(AgeInYears("2000-03-01", At("2026-03-01T00:00:00Z")), 26);
  EXPECT_EQ(AgeInYears("1990", At("2026-03-01T00:00:00Z")), 36);  // a year alone: 1 January
  EXPECT_EQ(AgeInYears("", 0), std::nullopt);
  EXPECT_EQ(AgeInYears("2030-01-01", At("2026-03-01T00:00:00Z")), std::nullopt);
}

}  // namespace
}  // namespace vigil::dashboard
