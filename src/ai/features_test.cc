#include "ai/features.h"

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "base/calendar.h"
#include "fhir/json.h"
#include "gtest/gtest.h"

namespace vigil::ai {
namespace {

constexpr int64_t kAdmit = int64_t{20454} * kMsPerDay;  // 2026-01-01T00:00:00Z

int64_t H(double hours) { return kAdmit + static_cast<int64_t>(std::llround(hours * kMsPerHour)); }

fhir::Json Spec(std::string_view text) {
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(text);
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? *json : fhir::Json();
}

FeatureSet Compiled(std::string_view text) {
  absl::StatusOr<FeatureSet> set = FeatureSet::Compile(Spec(text));
  EXPECT_TRUE(set.ok()) << set.status();
  return std::move(set).value();
}

std::vector<float> ComputeAt(const FeatureSet& set, const Stay& stay, int64_t at_ms) {
  std::vector<float> out(set.size(), -12345.f);
  set.Compute(stay, at_ms, out);
  return out;
}

// Heart rate 80, 90, 100, 120 at hours 1, 2, 4, 6 and 200 at hour 8.
Stay HeartRateStay() {
  Stay s;
  s.patient_id = "p1";
  s.encounter_id = "e1";
  s.admit_ms = kAdmit;
  auto& hr = s.series[static_cast<int>(Signal::kHeartRate)];
  hr = {{H(1), 80}, {H(2), 90}, {H(4), 100}, {H(6), 120}, {H(8), 200}};
  return s;
}

TEST(FeatureSetCompileTest, NamesFollowTheSpecOrder) {
  FeatureSet set = Compiled(R"({"format": "vigil-features/1", "lookback_hours": 12,
      "static": ["age", "male"], "scores": ["news2", "qsofa"],
      "signals": {"heart_rate": ["last", "mean_6h"], "temperature": ["max_24h"]}})");
  EXPECT_EQ(set.names(),
            (std::vector<std::string>{"age", "male", "news2", "qsofa", "heart_rate.last",
                                      "heart_rate.mean_6h", "temperature.max_24h"}));
  EXPECT_EQ(set.size(), 7u);
  EXPECT_EQ(set.lookback_ms(), 12 * kMsPerHour);
}

TEST(FeatureSetCompileTest, LookbackDefaultsToTwentyFourHours) {
  FeatureSet set = Compiled(R"({"format": "vigil-features/1", "static": ["age"]})");
  EXPECT_EQ(set.lookback_ms(), 24 * kMsPerHour);
}

TEST(FeatureSetCompileTest, RejectsBadSpecsWithInvalidArgumentNamingTheEntry) {
  struct Case {
    std::string_view spec;
    std::string_view message_part;
  };
  const Case cases[] = {
      {R"([1, 2])", "JSON object"},
      {R"({"static": ["age"]})", "\"format\""},
      {R"({"format": "vigil-features/2", "static": ["age"]})", "\"format\""},
      {R"({"format": "vigil-features/1"})", "defines no features"},
      {R"({"format": "vigil-features/1", "signals": {}})", "defines no features"},
      {R"({"format": "vigil-features/1", "signals": {"pulse": ["last"]}})",
       "unknown signal \"pulse\""},
      {R"({"format": "vigil-features/1", "signals": {"heart_rate": ["median_6h"]}})",
       "unknown aggregation \"median_6h\""},
      {R"({"format": "vigil-features/1", "signals": {"heart_rate": ["first"]}})",
       "unknown aggregation \"first\""},
      {R"({"format": "vigil-features/1", "signals": {"heart_rate": ["mean_0h"]}})",
       "window out of range in heart_rate.mean_0h"},
      {R"({"format": "vigil-features/1", "signals": {"heart_rate": ["last_0h"]}})",
       "window out of range in heart_rate.last_0h"},
      {R"({"format": "vigil-features/1", "signals": {"heart_rate": ["mean_169h"]}})",
       "window out of range in heart_rate.mean_169h"},
      {R"({"format": "vigil-features/1", "signals": {"heart_rate": "last"}})",
       "\"heart_rate\" must list"},
      {R"({"format": "vigil-features/1", "signals": {"heart_rate": [6]}})",
       "aggregations are strings"},
      {R"({"format": "vigil-features/1", "signals": ["heart_rate"]})",
       "\"signals\" must be an object"},
      {R"({"format": "vigil-features/1", "static": ["weight"]})",
       "unknown static feature \"weight\""},
      {R"({"format": "vigil-features/1", "scores": ["apache"]})", "unknown score \"apache\""},
      {R"({"format": "vigil-features/1", "lookback_hours": 0, "static": ["age"]})",
       "lookback_hours"},
      {R"({"format": "vigil-features/1", "lookback_hours": 169, "static": ["age"]})",
       "lookback_hours"},
      {R"({"format": "vigil-features/1", "lookback_hours": 24.5, "static": ["age"]})",
       "lookback_hours"},
      {R"({"format": "vigil-features/1", "lookback_hours": "24", "static": ["age"]})",
       "lookback_hours"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<FeatureSet> set = FeatureSet::Compile(Spec(c.spec));
    ASSERT_FALSE(set.ok()) << c.spec;
    EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument) << c.spec;
    EXPECT_NE(std::string(set.status().message()).find(c.message_part), std::string::npos)
        << c.spec << " -> " << set.status();
  }
}

TEST(FeatureSetCompileTest, AcceptsWindowsFromOneToOneHundredSixtyEightHours) {
  FeatureSet set = Compiled(
      R"({"format": "vigil-features/1", "signals": {"heart_rate": ["mean_1h", "count_168h"]}})");
  EXPECT_EQ(set.size(), 2u);
}

TEST(FeatureSetComputeTest, LastTimeSinceLastAndDeltaAdmission) {
  FeatureSet set = Compiled(R"({"format": "vigil-features/1",
      "signals": {"heart_rate": ["last", "time_since_last", "delta_admission"]}})");
  const Stay stay = HeartRateStay();
  EXPECT_EQ(ComputeAt(set, stay, H(6)), (std::vector<float>{120, 0, 40}));
  EXPECT_EQ(ComputeAt(set, stay, H(7.5)), (std::vector<float>{120, 1.5, 40}));
  EXPECT_EQ(ComputeAt(set, stay, H(3)), (std::vector<float>{90, 1, 10}));
  EXPECT_EQ(ComputeAt(set, stay, H(1)), (std::vector<float>{80, 0, 0}));
}

TEST(FeatureSetComputeTest, WindowIsOpenAtItsStartAndClosedAtTheTimePoint) {
  FeatureSet set = Compiled(R"({"format": "vigil-features/1", "signals": {"heart_rate":
      ["min_2h", "max_2h", "mean_2h", "count_2h",
       "min_4h", "max_4h", "mean_4h", "count_4h",
       "min_5h", "max_5h", "mean_5h", "count_5h"]}})");
  // (4h, 6h]: 120 only (100 at exactly 6 - 2 h is outside).
  // (2h, 6h]: 100, 120 (90 at exactly 6 - 4 h is outside).
  // (1h, 6h]: 90, 100, 120.  The 200 at 8 h is never seen.
  EXPECT_EQ(ComputeAt(set, HeartRateStay(), H(6)),
            (std::vector<float>{120, 120, 120, 1, 100, 120, 110, 2, 90, 120,
                                static_cast<float>(310.0 / 3), 3}));
}

TEST(FeatureSetComputeTest, SlopeIsLeastSquaresPerHour) {
  FeatureSet set = Compiled(
      R"({"format": "vigil-features/1",
          "signals": {"heart_rate": ["slope_6h", "slope_1h", "slope_3h"]}})");
  std::vector<float> v = ComputeAt(set, HeartRateStay(), H(6));
  // Points (1, 80), (2, 90), (4, 100), (6, 120): Sxy = 112.5, Sxx = 14.75.
  EXPECT_FLOAT_EQ(v[0], static_cast<float>(112.5 / 14.75));
  EXPECT_TRUE(std::isnan(v[1]));  // one value in (5h, 6h]
  EXPECT_FLOAT_EQ(v[2], 10.0f);   // (4, 100), (6, 120)
}

TEST(FeatureSetComputeTest, DeltaSubtractsTheLatestValueAtOrBeforeTheWindowStart) {
  FeatureSet set = Compiled(R"({"format": "vigil-features/1",
      "signals": {"heart_rate": ["delta_1h", "delta_2h", "delta_3h", "delta_4h", "delta_5h",
                                 "delta_6h"]}})");
  std::vector<float> v = ComputeAt(set, HeartRateStay(), H(6));
  EXPECT_EQ(v[0], 20);            // 120 - 100 (at 4 h, before 5 h)
  EXPECT_EQ(v[1], 20);            // 120 - 100 (at exactly 4 h)
  EXPECT_EQ(v[2], 30);            // 120 - 90
  EXPECT_EQ(v[3], 30);            // 120 - 90 (at exactly 2 h)
  EXPECT_EQ(v[4], 40);            // 120 - 80 (at exactly 1 h)
  EXPECT_TRUE(std::isnan(v[5]));  // nothing at or before admission
}

TEST(FeatureSetComputeTest, CountAndMissing) {
  FeatureSet set = Compiled(R"({"format": "vigil-features/1",
      "signals": {"heart_rate": ["count_1h", "missing_1h", "count_24h", "missing_24h"]}})");
  const Stay stay = HeartRateStay();
  EXPECT_EQ(ComputeAt(set, stay, H(6)), (std::vector<float>{1, 0, 4, 0}));
  EXPECT_EQ(ComputeAt(set, stay, H(7)), (std::vector<float>{0, 1, 4, 0}));
  EXPECT_EQ(ComputeAt(set, stay, H(0.5)), (std::vector<float>{0, 1, 0, 1}));
}

TEST(FeatureSetComputeTest, MeasurementsAfterTheTimePointAreNeverUsed) {
  FeatureSet set =
      Compiled(R"({"format": "vigil-features/1", "scores": ["news2", "qsofa", "sirs", "mews"],
      "signals": {"heart_rate": ["last", "time_since_last", "min_24h", "max_24h", "mean_24h",
                                 "slope_24h",
                                 "delta_1h", "delta_admission", "count_24h", "missing_1h"],
                  "respiratory_rate": ["last", "count_24h", "missing_1h"]}})");
  Stay past = HeartRateStay();
  past.series[static_cast<int>(Signal::kHeartRate)].pop_back();  // drop 200 at 8 h
  Stay with_future = past;
  with_future.series[static_cast<int>(Signal::kHeartRate)].push_back({H(6) + 1, 250});
  with_future.series[static_cast<int>(Signal::kRespiratoryRate)].push_back({H(6) + 1, 40});
  std::vector<float> a = ComputeAt(set, past, H(6));
  std::vector<float> b = ComputeAt(set, with_future, H(6));
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i])) {
      EXPECT_TRUE(std::isnan(b[i])) << set.names()[i];
    } else {
      EXPECT_EQ(a[i], b[i]) << set.names()[i];
    }
  }
  EXPECT_EQ(b[4], 120);  // heart_rate.last
  EXPECT_EQ(b[7], 120);  // heart_rate.max_24h
  EXPECT_EQ(b[16], 1);   // respiratory_rate.missing_1h
}

TEST(FeatureSetComputeTest, SignalFeaturesWithoutDataAreNaNExceptCountAndMissing) {
  FeatureSet set = Compiled(R"({"format": "vigil-features/1", "signals": {"temperature":
      ["last", "time_since_last", "min_6h", "max_6h", "mean_6h", "slope_6h", "delta_6h",
       "delta_admission",
       "count_6h", "missing_6h"]}})");
  std::vector<float> v = ComputeAt(set, HeartRateStay(), H(6));
  for (size_t i = 0; i < 8; ++i) EXPECT_TRUE(std::isnan(v[i])) << set.names()[i];
  EXPECT_EQ(v[8], 0);
  EXPECT_EQ(v[9], 1);
}

TEST(FeatureSetComputeTest, StaticFeatures) {
  FeatureSet set = Compiled(R"({"format": "vigil-features/1",
      "static": ["age", "male", "hours_since_admission", "in_icu"]})");
  Stay stay = HeartRateStay();
  stay.age_years = 70.5;
  stay.male = true;
  stay.icu_periods = {{H(5), H(10)}};
  EXPECT_EQ(ComputeAt(set, stay, H(6)), (std::vector<float>{70.5, 1, 6, 1}));
  EXPECT_EQ(ComputeAt(set, stay, H(4.5)), (std::vector<float>{70.5, 1, 4.5, 0}));
  EXPECT_EQ(ComputeAt(set, stay, H(10)), (std::vector<float>{70.5, 1, 10, 0}));  // end is exclusive
  stay.male = false;
  EXPECT_EQ(ComputeAt(set, stay, H(5))[1], 0);
  stay.male.reset();
  stay.age_years.reset();
  std::vector<float> unknown = ComputeAt(set, stay, H(5));
  EXPECT_TRUE(std::isnan(unknown[0]));
  EXPECT_TRUE(std::isnan(unknown[1]));
}

// Heart rate 120 (NEWS2 2), respiratory rate 22 (NEWS2 2, qSOFA 1) and
// temperature 38.5 (NEWS2 1) within the lookback; SpO2 90 (NEWS2 3) too old;
// respiratory rate 30 after the time point.
Stay VitalsStay() {
  Stay s = HeartRateStay();
  s.series[static_cast<int>(Signal::kRespiratoryRate)] = {{H(5), 22}, {H(7), 30}};
  s.series[static_cast<int>(Signal::kTemperature)] = {{H(3), 38.5}};
  s.series[static_cast<int>(Signal::kSpO2)] = {{H(1), 90}};
  return s;
}

TEST(LatestVitalsTest, TakesTheLatestValueWithinTheLookback) {
  VitalSigns v = LatestVitals(VitalsStay(), H(6), 4 * kMsPerHour);
  EXPECT_EQ(v.heart_rate, 120);
  EXPECT_EQ(v.respiratory_rate, 22);
  EXPECT_EQ(v.temperature, 38.5);
  EXPECT_FALSE(v.spo2.has_value());  // 5 h old
  EXPECT_FALSE(v.systolic_bp.has_value());
  EXPECT_EQ(LatestVitals(VitalsStay(), H(6), 5 * kMsPerHour).spo2, 90);  // exactly 5 h old
}

TEST(FeatureSetComputeTest, ScoresComeFromLatestVitalsWithinTheLookback) {
  FeatureSet set = Compiled(R"({"format": "vigil-features/1", "lookback_hours": 4,
      "scores": ["news2", "qsofa"]})");
  EXPECT_EQ(ComputeAt(set, VitalsStay(), H(6)), (std::vector<float>{5, 1}));
  FeatureSet longer = Compiled(R"({"format": "vigil-features/1", "lookback_hours": 5,
      "scores": ["news2", "qsofa"]})");
  EXPECT_EQ(ComputeAt(longer, VitalsStay(), H(6)), (std::vector<float>{8, 1}));
}

}  // namespace
}  // namespace vigil::ai
