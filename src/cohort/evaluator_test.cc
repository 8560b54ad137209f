// EvaluateDefinition and DescribeCohort over an in-memory store whose
// resources are written (and indexed) as the REST layer writes them.
#include "cohort/evaluator.h"

#include <gtest/gtest.h>

#include "base/calendar.h"
#include "base/str.h"
#include "cohort/summary.h"
#include "persist/resource_writes.h"
#include "store/memory/memory_store.h"

namespace vigil::cohort {
namespace {

using fhir::Json;

constexpr int64_t kNow = EpochMs(2025, 1, 1, 0, 0, 0, 0);
constexpr char kSnomed[] = "http://snomed.info/sct";
constexpr char kDiabetes[] = "44054006";
constexpr char kCkd[] = "431855005";
constexpr char kA1c[] = "4548-4";
constexpr char kCreatinine[] = "2160-0";

std::string Ref(std::string_view patient) {
  return StrCat(R"({"reference":"Patient/)", patient, R"("})");
}

class EvaluatorTest : public ::testing::Test {
 protected:
  EvaluatorTest() : store_(store::NewMemoryStore()), writes_(search::Registry::Default(), {}) {
    Patient("p1", "female", "1970-05-01");
    Patient("p2", "male", "1980-01-01");
    Patient("p3", "male", "2010-01-01");
    Patient("p4", "female", "1950-02-01");
    Patient("p5", "female", "1990-01-01");
    Condition("c1", "p1", kDiabetes, "2015-03-01");
    Condition("c2", "p2", kDiabetes, "2018-01-01");
    Condition("c3", "p2", kCkd, "2020-01-01");
    Condition("c4", "p3", kDiabetes, "2022-06-01");
    Condition("c5", "p6", kDiabetes, "2022-06-01");  // no Patient/p6
    Put(StrCat(
        R"({"resourceType":"Condition","id":"c6","subject":)", Ref("p5"),
        R"(,"verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"entered-in-error"}]},
                 "code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006"}]},"onsetDateTime":"2019-01-01"})"));
    Observation("o1", "p1", kA1c, "8.1", "%", "2015-09-01");
    Observation("o2", "p2", kA1c, "6.5", "%", "2018-06-01");
    Observation("o3", "p2", kA1c, "7.5", "%", "2020-01-01");
    Observation("o4", "p3", kA1c, "7.8", "%", "2022-09-01");
    Observation("o5", "p4", kA1c, "9.0", "%", "2021-01-01");
    Observation("o6", "p1", kCreatinine, "1.0", "mg/dL", "2016-01-01");
    Observation("o7", "p1", kCreatinine, "1.4", "mg/dL", "2020-01-01");
    Observation("o8", "p2", kCreatinine, "1.2", "mg/dL", "2019-01-01");
    Observation("o9", "p3", kCreatinine, "80", "umol/L", "2023-01-01");
    Put(StrCat(
        R"({"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order","subject":)",
        Ref("p1"),
        R"(,"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"860975"}]},
                 "authoredOn":"2015-03-02"})"));
    Put(StrCat(
        R"({"resourceType":"Procedure","id":"x1","status":"completed","subject":)", Ref("p4"),
        R"(,"code":{"coding":[{"system":"http://snomed.info/sct","code":"73761001"}]},"performedDateTime":"2019-04-01"})"));
  }

  void Put(const std::string& text) {
    auto json = fhir::ParseJson(text);
    ASSERT_TRUE(json.ok()) << json.status();
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    const std::string type = json->Find("resourceType")->text();
    const std::string id = json->Find("id")->text();
    auto w = writes_.Update(**txn, type, id, *json, std::nullopt);
    ASSERT_TRUE(w.ok()) << w.status();
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  void Patient(std::string_view id, std::string_view gender, std::string_view birth) {
    Put(StrCat(R"({"resourceType":"Patient","id":")", id, R"(","gender":")", gender,
               R"(","birthDate":")", birth, R"("})"));
  }
  void Condition(std::string_view id, std::string_view patient, std::string_view code,
                 std::string_view onset) {
    Put(StrCat(R"({"resourceType":"Condition","id":")", id, R"(","subject":)", Ref(patient),
               R"(,"code":{"coding":[{"system":"http://snomed.info/sct","code":")", code,
               R"(","display":"d)", code, R"("}]},"onsetDateTime":")", onset, R"("})"));
  }
  void Observation(std::string_view id, std::string_view patient, std::string_view code,
                   std::string_view value, std::string_view unit, std::string_view when) {
    Put(StrCat(R"({"resourceType":"Observation","id":")", id, R"(","status":"final","subject":)",
               Ref(patient), R"(,"code":{"coding":[{"system":"http://loinc.org","code":")", code,
               R"("}]},"effectiveDateTime":")", when, R"(","valueQuantity":{"value":)", value,
               R"(,"unit":")", unit, R"(","system":"http://unitsofmeasure.org","code":")", unit,
               R"("}})"));
  }

  std::vector<std::string> Members(const Definition& d) {
    auto members = EvaluateDefinition(*store_, d, kNow);
    EXPECT_TRUE(members.ok()) << members.status();
    std::vector<std::string> ids;
    if (members.ok()) {
      for (const PatientFacts& p : *members) ids.push_back(p.id);
    }
    return ids;
  }

  std::unique_ptr<store::Store> store_;
  persist::ResourceWrites writes_;
};

Criterion Clinical(Kind kind, std::string system, std::string code) {
  Criterion c;
  c.kind = kind;
  c.codes = {Coding{std::move(system), std::move(code)}};
  return c;
}

Criterion Age(std::optional<double> low, std::optional<double> high) {
  Criterion c;
  c.kind = Kind::kAge;
  c.value = ValueRange{low, high, ""};
  return c;
}

using Ids = std::vector<std::string>;

TEST_F(EvaluatorTest, ConditionCodeFindsPatientsWithAPatientResourceAndUsableCondition) {
  Definition d{{Clinical(Kind::kCondition, kSnomed, kDiabetes)}, {}};
  EXPECT_EQ(Members(d), (Ids{"p1", "p2", "p3"}));
}

TEST_F(EvaluatorTest, CodeWithoutSystemMatchesAnySystem) {
  Definition d{{Clinical(Kind::kCondition, "", kCkd)}, {}};
  EXPECT_EQ(Members(d), (Ids{"p2"}));
  Definition wrong{{Clinical(Kind::kCondition, "http://hl7.org/fhir/sid/icd-10-cm", kCkd)}, {}};
  EXPECT_EQ(Members(wrong), Ids{});
}

TEST_F(EvaluatorTest, DiabeticsAged40To64ExcludingCkd) {
  Criterion ckd = Clinical(Kind::kCondition, kSnomed, kCkd);
  ckd.exclude = true;
  Definition d{{Clinical(Kind::kCondition, kSnomed, kDiabetes), Age(40, 64), ckd}, {}};
  EXPECT_EQ(Members(d), (Ids{"p1"}));
  d.criteria.pop_back();
  EXPECT_EQ(Members(d), (Ids{"p1", "p2"}));
}

TEST_F(EvaluatorTest, ObservationValueRangeIsInclusiveAndUnitChecked) {
  Criterion a1c = Clinical(Kind::kObservation, "http://loinc.org", kA1c);
  a1c.value = ValueRange{7.5, 8.1, ""};
  EXPECT_EQ(Members(Definition{{a1c}, {}}), (Ids{"p1", "p2", "p3"}));
  a1c.value->unit = "mmol/mol";
  EXPECT_EQ(Members(Definition{{a1c}, {}}), Ids{});
}

TEST_F(EvaluatorTest, RelativeWindowAfterFirstAnchorEvent) {
  Criterion a1c = Clinical(Kind::kObservation, "http://loinc.org", kA1c);
  a1c.value = ValueRange{7.1, std::nullopt, "%"};
  a1c.window = Window{0, 0, 365 * kMsPerDay};
  Definition d{{Clinical(Kind::kCondition, kSnomed, kDiabetes), a1c}, {}};
  // p2's 7.5 is two years after diagnosis; p4 has no diabetes to anchor on.
  EXPECT_EQ(Members(d), (Ids{"p1", "p3"}));
  d.criteria[1].window = Window{0, 0, 3 * 365 * kMsPerDay};
  EXPECT_EQ(Members(d), (Ids{"p1", "p2", "p3"}));
}

TEST_F(EvaluatorTest, RelativeWindowBeforeAnchor) {
  // Diabetes diagnosed at most 160 days before the first HbA1c: p1 184 days
  // before, p2 151, p3 92; p4 never.
  Criterion dm = Clinical(Kind::kCondition, kSnomed, kDiabetes);
  dm.window = Window{0, 160 * kMsPerDay, 0};
  Definition d{{Clinical(Kind::kObservation, "http://loinc.org", kA1c), dm}, {}};
  EXPECT_EQ(Members(d), (Ids{"p2", "p3"}));
}

TEST_F(EvaluatorTest, ExcludedWindowedCriterionRemovesOnlyPatientsWithAnEventInside) {
  Criterion ckd = Clinical(Kind::kCondition, kSnomed, kCkd);
  ckd.exclude = true;
  ckd.window = Window{0, 0, 365 * kMsPerDay};  // CKD within a year of diabetes
  Definition d{{Clinical(Kind::kCondition, kSnomed, kDiabetes), ckd}, {}};
  EXPECT_EQ(Members(d), (Ids{"p1", "p2", "p3"}));  // p2's CKD came two years later
  d.criteria[1].window->after_ms = 3 * 365 * kMsPerDay;
  EXPECT_EQ(Members(d), (Ids{"p1", "p3"}));
}

TEST_F(EvaluatorTest, AgeAtAnchorEvent) {
  Criterion young = Age(std::nullopt, 17);
  young.window = Window{0, 0, 0};
  Definition d{{Clinical(Kind::kCondition, kSnomed, kDiabetes), young}, {}};
  EXPECT_EQ(Members(d), (Ids{"p3"}));  // 12 at diagnosis
  Criterion at38 = Age(38, 38);
  at38.window = Window{0, 0, 0};
  d.criteria[1] = at38;
  EXPECT_EQ(Members(d), (Ids{"p2"}));  // born 1980-01-01, diagnosed 2018-01-01: 38
}

TEST_F(EvaluatorTest, DemographicsAloneScanEveryPatient) {
  Criterion female;
  female.kind = Kind::kGender;
  female.codes = {Coding{"", "female"}};
  EXPECT_EQ(Members(Definition{{female}, {}}), (Ids{"p1", "p4", "p5"}));
  EXPECT_EQ(Members(Definition{{Age(65, std::nullopt)}, {}}), (Ids{"p4"}));
  female.exclude = true;
  EXPECT_EQ(Members(Definition{{female}, {}}), (Ids{"p2", "p3"}));
}

TEST_F(EvaluatorTest, AbsolutePeriodOnClinicalTime) {
  Criterion dm = Clinical(Kind::kCondition, kSnomed, kDiabetes);
  dm.period = search::TimeRange{EpochMs(2017, 1, 1, 0, 0, 0, 0), EpochMs(2019, 12, 31, 0, 0, 0, 0)};
  EXPECT_EQ(Members(Definition{{dm}, {}}), (Ids{"p2"}));
}

TEST_F(EvaluatorTest, MedicationAndProcedureKinds) {
  EXPECT_EQ(Members(Definition{{Clinical(Kind::kMedication, "", "860975")}, {}}), (Ids{"p1"}));
  EXPECT_EQ(Members(Definition{{Clinical(Kind::kProcedure, kSnomed, "73761001")}, {}}),
            (Ids{"p4"}));
}

TEST_F(EvaluatorTest, EnumeratedMembersNarrowCharacteristics) {
  Definition d{{Clinical(Kind::kCondition, kSnomed, kDiabetes)}, {"p2", "p4", "p9"}};
  EXPECT_EQ(Members(d), (Ids{"p2"}));
  EXPECT_EQ(Members(Definition{{}, {"p4", "p9", "p1"}}), (Ids{"p1", "p4"}));
}

TEST_F(EvaluatorTest, DescribeCountsBandsSexAndTopConditions) {
  auto members = EvaluateDefinition(
      *store_, Definition{{Clinical(Kind::kCondition, kSnomed, kDiabetes)}, {}}, kNow);
  ASSERT_TRUE(members.ok());
  auto json = DescribeCohort(*store_, *members, kNow);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(
      fhir::WriteJson(*json),
      R"({"count":3,"members":["Patient/p1","Patient/p2","Patient/p3"],"truncated":false,)"
      R"("age":[{"band":"0-17","count":1},{"band":"18-39","count":0},{"band":"40-64","count":2},)"
      R"({"band":"65-79","count":0},{"band":"80+","count":0}],)"
      R"("sex":{"male":2,"female":1,"other":0,"unknown":0},)"
      R"("topConditions":[{"system":"http://snomed.info/sct","code":"44054006","display":"d44054006","count":3},)"
      R"({"system":"http://snomed.info/sct","code":"431855005","display":"d431855005","count":1}]})");
}

TEST_F(EvaluatorTest, MeasureTakesLatestValueInTheCommonUnit) {
  auto values = LatestValues(*store_, Coding{"http://loinc.org", kCreatinine}, {"p1", "p2", "p3"});
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_EQ(values->unit, "mg/dL");
  EXPECT_EQ(values->values, (std::vector<double>{1.4, 1.2}));  // p3's umol/L value is left out
  Json m = MeasureJson("http://loinc.org|2160-0", *values);
  EXPECT_EQ(m.Find("code")->text(), "http://loinc.org|2160-0");
  EXPECT_EQ(m.Find("unit")->text(), "mg/dL");
  EXPECT_EQ(m.Find("n")->text(), "2");
  EXPECT_NEAR(std::stod(m.Find("mean")->text()), 1.3, 1e-12);
  EXPECT_NEAR(std::stod(m.Find("median")->text()), 1.3, 1e-12);
  // 1.3 ± t(0.975, 1) · 0.1: reference from mpmath.
  EXPECT_NEAR(std::stod(m.Find("ci95")->items()[0].text()), 0.0293795263825, 1e-9);
  EXPECT_NEAR(std::stod(m.Find("ci95")->items()[1].text()), 2.5706204736175, 1e-9);
}

}  // namespace
}  // namespace vigil::cohort
