#include "ai/timeline.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/calendar.h"
#include "base/str.h"
#include "base/time.h"
#include "fhir/json.h"
#include "gtest/gtest.h"

namespace vigil::ai {
namespace {

int64_t Ms(std::string_view instant) { return ParseFhirDateTimeMs(instant).value(); }

std::string Patient(std::string_view id, std::string_view gender, std::string_view birth_date) {
  return StrCat(R"({"resourceType": "Patient", "id": ")", id, R"(", "gender": ")", gender,
                R"(", "birthDate": ")", birth_date, R"("})");
}

// An Encounter of Patient/p1; icu_start/icu_end empty for a ward-only stay.
std::string Encounter(std::string_view id, std::string_view start, std::string_view end,
                      std::string_view icu_start = "", std::string_view icu_end = "") {
  std::string locations;
  if (!icu_start.empty()) {
    locations =
        StrCat(R"(, "location": [{"location": {"display": "Ward 3"}, "period": {"start": ")", start,
               R"("}}, {"location": {"display": "ICU"}, "period": {"start": ")", icu_start,
               R"(", "end": ")", icu_end, R"("}}])");
  }
  std::string period = end.empty()
                           ? StrCat(R"({"start": ")", start, R"("})")
                           : StrCat(R"({"start": ")", start, R"(", "end": ")", end, R"("})");
  return StrCat(R"({"resourceType": "Encounter", "id": ")", id,
                R"(", "subject": {"reference": "Patient/p1"}, "period": )", period, locations, "}");
}

struct Obs {
  std::string_view loinc;
  std::string_view time;  // effectiveDateTime; empty for none
  std::string_view value;
  std::string_view unit;
  std::string_view encounter = "";  // Encounter id; empty for no reference
  std::string_view status = "final";
};

std::string Observation(const Obs& o) {
  std::string s = StrCat(R"({"resourceType": "Observation", "status": ")", o.status,
                         R"(", "code": {"coding": [{"system": "http://loinc.org", "code": ")",
                         o.loinc, R"("}]}, "subject": {"reference": "Patient/p1"})");
  if (!o.encounter.empty())
    s += StrCat(R"(, "encounter": {"reference": "Encounter/)", o.encounter, R"("})");
  if (!o.time.empty()) s += StrCat(R"(, "effectiveDateTime": ")", o.time, R"(")");
  s += StrCat(R"(, "valueQuantity": {"value": )", o.value,
              R"(, "system": "http://unitsofmeasure.org", "code": ")", o.unit, R"("}})");
  return s;
}

void AddAll(TimelineBuilder& builder, const std::vector<std::string>& resources) {
  for (const std::string& text : resources) {
    absl::StatusOr<fhir::Json> json = fhir::ParseJson(text);
    ASSERT_TRUE(json.ok()) << json.status() << "\n" << text;
    builder.Add(*json);
  }
}

std::vector<float> Values(const Stay& stay, Signal s) {
  std::vector<float> out;
  for (const Measurement& m : stay.Series(s)) out.push_back(m.value);
  return out;
}

std::vector<int64_t> Times(const Stay& stay, Signal s) {
  std::vector<int64_t> out;
  for (const Measurement& m : stay.Series(s)) out.push_back(m.time_ms);
  return out;
}

TEST(TimelineBuilderTest, StayTakesPatientFactsAndEncounterPeriods) {
  TimelineBuilder builder;
  AddAll(builder, {Patient("p1", "male", "1956-01-03"),
                   Encounter("e1", "2026-01-03T00:00:00Z", "2026-01-06T00:00:00Z",
                             "2026-01-04T06:00:00Z", "2026-01-05T06:00:00Z")});
  std::vector<Stay> stays = builder.Finish();
  ASSERT_EQ(stays.size(), 1u);
  const Stay& s = stays[0];
  EXPECT_EQ(s.patient_id, "p1");
  EXPECT_EQ(s.encounter_id, "e1");
  EXPECT_EQ(s.admit_ms, Ms("2026-01-03T00:00:00Z"));
  EXPECT_EQ(s.discharge_ms, Ms("2026-01-06T00:00:00Z"));
  ASSERT_TRUE(s.male.has_value());
  EXPECT_TRUE(*s.male);
  // 70 years from 1956-01-03 with 18 leap days (1956, 1960, ..., 2024).
  ASSERT_TRUE(s.age_years.has_value());
  EXPECT_DOUBLE_EQ(*s.age_years, (70 * 365 + 18) / 365.2425);
  // Only the location whose display is "ICU" is an ICU period, [start, end).
  ASSERT_EQ(s.icu_periods.size(), 1u);
  EXPECT_EQ(s.icu_periods[0].first, Ms("2026-01-04T06:00:00Z"));
  EXPECT_EQ(s.icu_periods[0].second, Ms("2026-01-05T06:00:00Z"));
  EXPECT_FALSE(s.InIcu(Ms("2026-01-04T05:59:59Z")));
  EXPECT_TRUE(s.InIcu(Ms("2026-01-04T06:00:00Z")));
  EXPECT_TRUE(s.InIcu(Ms("2026-01-05T05:59:59Z")));
  EXPECT_FALSE(s.InIcu(Ms("2026-01-05T06:00:00Z")));
}

TEST(TimelineBuilderTest, OpenEncounterHasOpenEndAndFemaleIsNotMale) {
  TimelineBuilder builder;
  AddAll(builder,
         {Patient("p1", "female", "2000-01-01"), Encounter("e1", "2026-01-03T00:00:00Z", "")});
  std::vector<Stay> stays = builder.Finish();
  ASSERT_EQ(stays.size(), 1u);
  EXPECT_EQ(stays[0].discharge_ms, kOpenEnd);
  ASSERT_TRUE(stays[0].male.has_value());
  EXPECT_FALSE(*stays[0].male);
}

TEST(TimelineBuilderTest, StayWithoutPatientResourceHasNoAgeOrSex) {
  TimelineBuilder builder;
  AddAll(builder, {Encounter("e1", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z")});
  std::vector<Stay> stays = builder.Finish();
  ASSERT_EQ(stays.size(), 1u);
  EXPECT_FALSE(stays[0].male.has_value());
  EXPECT_FALSE(stays[0].age_years.has_value());
}

TEST(TimelineBuilderTest, StaysComeInAdmissionOrder) {
  TimelineBuilder builder;
  AddAll(builder, {Encounter("late", "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"),
                   Encounter("b", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
                   Encounter("a", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")});
  std::vector<Stay> stays = builder.Finish();
  ASSERT_EQ(stays.size(), 3u);
  EXPECT_EQ(stays[0].encounter_id, "a");
  EXPECT_EQ(stays[1].encounter_id, "b");
  EXPECT_EQ(stays[2].encounter_id, "late");
}

TEST(TimelineBuilderTest, ObservationGoesToReferencedEncounterOrToTheStayContainingItsTime) {
  TimelineBuilder builder;
  AddAll(builder, {Encounter("e1", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z"),
                   Encounter("e2", "2026-01-10T00:00:00Z", "2026-01-12T00:00:00Z"),
                   // Referenced: lands in e1 although its time lies in e2.
                   Observation({"8867-4", "2026-01-11T00:00:00Z", "81", "/min", "e1"}),
                   // Not referenced: the stay whose period contains the time.
                   Observation({"8867-4", "2026-01-11T01:00:00Z", "92", "/min"}),
                   Observation({"8867-4", "2026-01-02T00:00:00Z", "73", "/min"}),
                   // Between the stays: no stay.
                   Observation({"8867-4", "2026-01-05T00:00:00Z", "64", "/min"}),
                   // A reference to an encounter that does not exist.
                   Observation({"8867-4", "2026-01-11T02:00:00Z", "55", "/min", "nope"})});
  std::vector<Stay> stays = builder.Finish();
  ASSERT_EQ(stays.size(), 2u);
  EXPECT_EQ(Values(stays[0], Signal::kHeartRate), (std::vector<float>{73, 81}));
  EXPECT_EQ(Values(stays[1], Signal::kHeartRate), (std::vector<float>{92}));
  EXPECT_EQ(builder.stats().observations_used, 3u);
  EXPECT_EQ(builder.stats().skipped.at("no matching Encounter"), 2u);
}

TEST(TimelineBuilderTest, UnusableObservationsAreSkippedAndCountedByReason) {
  TimelineBuilder builder;
  AddAll(builder,
         {Encounter("e1", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z"),
          Observation({"8867-4", "2026-01-01T01:00:00Z", "80", "/min", "e1"}),
          Observation({"12345-6", "2026-01-01T01:00:00Z", "80", "/min", "e1"}),
          Observation({"8867-4", "", "80", "/min", "e1"}),
          Observation({"8867-4", "2026-01-01T01:00:00Z", "80", "/min", "e1", "entered-in-error"}),
          Observation({"8310-5", "2026-01-01T01:00:00Z", "98.6", "Cel", "e1"}),
          Observation({"8310-5", "2026-01-01T02:00:00Z", "98.6", "Cel", "e1"}),
          Observation({"8867-4", "2026-01-01T01:00:00Z", "80", "kg", "e1"})});
  std::vector<Stay> stays = builder.Finish();
  ASSERT_EQ(stays.size(), 1u);
  EXPECT_EQ(builder.stats().observations_used, 1u);
  const std::map<std::string, size_t> expected = {
      {"code not a known signal", 1}, {"no effective time", 1},
      {"status not final", 1},        {"implausible value (charting error)", 2},
      {"unit not convertible", 1},
  };
  EXPECT_EQ(builder.stats().skipped, expected);
  EXPECT_EQ(Values(stays[0], Signal::kHeartRate), (std::vector<float>{80}));
  EXPECT_TRUE(stays[0].Series(Signal::kTemperature).empty());
}

TEST(TimelineBuilderTest, ValuesAreConvertedToTheCanonicalUnit) {
  TimelineBuilder builder;
  AddAll(builder, {Encounter("e1", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z"),
                   Observation({"8310-5", "2026-01-01T01:00:00Z", "101.3", "[degF]", "e1"}),
                   Observation({"3150-0", "2026-01-01T01:00:00Z", "0.4", "1", "e1"}),
                   Observation({"3150-0", "2026-01-01T02:00:00Z", "35", "%", "e1"})});
  std::vector<Stay> stays = builder.Finish();
  ASSERT_EQ(stays.size(), 1u);
  EXPECT_EQ(builder.stats().observations_used, 3u);
  ASSERT_EQ(stays[0].Series(Signal::kTemperature).size(), 1u);
  EXPECT_FLOAT_EQ(stays[0].Series(Signal::kTemperature)[0].value, 38.5f);
  EXPECT_EQ(Values(stays[0], Signal::kFiO2), (std::vector<float>{40, 35}));
}

TEST(TimelineBuilderTest, TimeFallsBackToEffectivePeriodStartThenIssued) {
  TimelineBuilder builder;
  AddAll(builder, {Encounter("e1", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z"),
                   R"({"resourceType": "Observation", "status": "final",
                       "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                       "subject": {"reference": "Patient/p1"},
                       "effectivePeriod": {"start": "2026-01-01T05:00:00Z"},
                       "valueQuantity": {"value": 70, "code": "/min"}})",
                   R"({"resourceType": "Observation", "status": "amended",
                       "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                       "subject": {"reference": "Patient/p1"},
                       "issued": "2026-01-01T06:00:00.000+01:00",
                       "valueQuantity": {"value": 71, "unit": "/min"}})"});
  std::vector<Stay> stays = builder.Finish();
  ASSERT_EQ(stays.size(), 1u);
  EXPECT_EQ(Times(stays[0], Signal::kHeartRate),
            (std::vector<int64_t>{Ms("2026-01-01T05:00:00Z"), Ms("2026-01-01T05:00:00Z")}));
  EXPECT_EQ(Values(stays[0], Signal::kHeartRate), (std::vector<float>{70, 71}));
}

TEST(TimelineBuilderTest, SeriesAreSortedByTime) {
  TimelineBuilder builder;
  AddAll(builder, {Observation({"8867-4", "2026-01-01T03:00:00Z", "103", "/min", "e1"}),
                   Observation({"8867-4", "2026-01-01T01:00:00Z", "101", "/min", "e1"}),
                   Encounter("e1", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z"),
                   Observation({"8867-4", "2026-01-01T02:00:00Z", "102", "/min", "e1"})});
  std::vector<Stay> stays = builder.Finish();
  ASSERT_EQ(stays.size(), 1u);
  EXPECT_EQ(Times(stays[0], Signal::kHeartRate),
            (std::vector<int64_t>{Ms("2026-01-01T01:00:00Z"), Ms("2026-01-01T02:00:00Z"),
                                  Ms("2026-01-01T03:00:00Z")}));
  EXPECT_EQ(Values(stays[0], Signal::kHeartRate), (std::vector<float>{101, 102, 103}));
}

TEST(TimelineBuilderTest, EncounterWithoutStartIsSkipped) {
  TimelineBuilder builder;
  AddAll(builder,
         {R"({"resourceType": "Encounter", "id": "e1", "subject": {"reference": "Patient/p1"}})"});
  EXPECT_TRUE(builder.Finish().empty());
  EXPECT_EQ(builder.stats().skipped.at("encounter without subject or period.start"), 1u);
}

TEST(ToCanonicalUnitTest, ConvertsKnownAlternativesAndRejectsOthers) {
  EXPECT_DOUBLE_EQ(ToCanonicalUnit(Signal::kTemperature, 212, "[degF]").value(), 100);
  EXPECT_DOUBLE_EQ(ToCanonicalUnit(Signal::kFiO2, 0.21, "{fraction}").value(), 21);
  EXPECT_DOUBLE_EQ(ToCanonicalUnit(Signal::kGlucose, 5, "mmol/L").value(), 90.08);
  EXPECT_DOUBLE_EQ(ToCanonicalUnit(Signal::kCreatinine, 88.42, "umol/L").value(), 1);
  EXPECT_DOUBLE_EQ(ToCanonicalUnit(Signal::kHeartRate, 60, "/min").value(), 60);
  EXPECT_FALSE(ToCanonicalUnit(Signal::kHeartRate, 60, "Hz").has_value());
  EXPECT_FALSE(ToCanonicalUnit(Signal::kTemperature, 300, "K").has_value());
}

}  // namespace
}  // namespace vigil::ai
