// Every band boundary of the NEWS2, qSOFA, SIRS and MEWS charts, from both
// sides, plus rounding to the charted precision, missing inputs and totals.
#include "ai/scores/early_warning.h"

#include <gtest/gtest.h>

#include <limits>
#include <string_view>
#include <vector>

namespace vigil::ai {
namespace {

using Field = std::optional<double> VitalSigns::*;
using Scorer = ScoreResult (*)(const VitalSigns&);

struct BandCase {
  double value;
  int points;
};

const ScoreComponent* Find(const ScoreResult& r, std::string_view name) {
  for (const ScoreComponent& c : r.components) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// Scores `base` with `field` set to each case's value and checks the points of
// component `name`, its raw value, and that the total is exactly those points.
void ExpectBands(Scorer score, Field field, std::string_view name,
                 const std::vector<BandCase>& cases, const VitalSigns& base = {}) {
  for (const BandCase& c : cases) {
    VitalSigns v = base;
    v.*field = c.value;
    ScoreResult r = score(v);
    const ScoreComponent* comp = Find(r, name);
    ASSERT_NE(comp, nullptr) << name;
    EXPECT_EQ(comp->points, c.points) << name << " = " << c.value;
    EXPECT_EQ(comp->value, c.value) << name;
  }
}

// Normal vital signs on air: NEWS2 0, qSOFA 0, SIRS 0, MEWS 0.
VitalSigns Normal() {
  VitalSigns v;
  v.respiratory_rate = 14;
  v.spo2 = 97;
  v.temperature = 37.0;
  v.systolic_bp = 120;
  v.heart_rate = 70;
  v.gcs = 15;
  v.o2_flow = 0;
  v.wbc = 8;
  v.paco2 = 40;
  return v;
}

// ---- NEWS2 ----

TEST(News2Test, RespiratoryRateBandsAndRounding) {
  const std::vector<BandCase> respiratory_rate_bands = {{8, 3},    {9, 1},    {11, 1},  {12, 0},
                                                        {20, 0},   {21, 2},   {24, 2},  {25, 3},
                                                        {20.4, 0}, {20.5, 2}, {8.4, 3}, {8.5, 1}};
  ExpectBands(News2, &VitalSigns::respiratory_rate, "respiratory_rate", respiratory_rate_bands);
}

TEST(News2Test, SpO2Scale1Bands) {
  const std::vector<BandCase> spo2_bands = {{91, 3}, {92, 2},  {93, 2},   {94, 1},   {95, 1},
                                            {96, 0}, {100, 0}, {91.4, 3}, {91.5, 2}, {95.5, 0}};
  ExpectBands(News2, &VitalSigns::spo2, "spo2", spo2_bands);
}

TEST(News2Test, SpO2Scale1IgnoresOxygenForSaturationPoints) {
  VitalSigns base;
  base.o2_flow = 4;
  const std::vector<BandCase> spo2_bands = {{97, 0}, {94, 1}};
  ExpectBands(News2, &VitalSigns::spo2, "spo2", spo2_bands, base);
}

TEST(News2Test, SpO2Scale2OnAirScoresHighSaturationZero) {
  VitalSigns base;
  base.spo2_scale2 = true;
  base.o2_flow = 0;
  const std::vector<BandCase> spo2_bands = {{83, 3}, {84, 2}, {85, 2}, {86, 1}, {87, 1},
                                            {88, 0}, {92, 0}, {93, 0}, {97, 0}, {100, 0}};
  ExpectBands(News2, &VitalSigns::spo2, "spo2", spo2_bands, base);
}

TEST(News2Test, SpO2Scale2OnOxygenScoresHighSaturation) {
  VitalSigns base;
  base.spo2_scale2 = true;
  base.o2_flow = 2;
  const std::vector<BandCase> spo2_bands = {{83, 3}, {84, 2}, {85, 2},  {86, 1},   {87, 1},
                                            {88, 0}, {92, 0}, {93, 1},  {94, 1},   {95, 2},
                                            {96, 2}, {97, 3}, {100, 3}, {92.4, 0}, {92.5, 1}};
  ExpectBands(News2, &VitalSigns::spo2, "spo2", spo2_bands, base);
}

TEST(News2Test, SpO2Scale2ReadsFiO2AboveRoomAirAsOxygen) {
  VitalSigns base;
  base.spo2_scale2 = true;
  base.fio2 = 28;
  const std::vector<BandCase> spo2_bands = {{97, 3}};
  ExpectBands(News2, &VitalSigns::spo2, "spo2", spo2_bands, base);
}

TEST(News2Test, SpO2Scale2WithoutOxygenInputsIsReadOnAir) {
  VitalSigns v;
  v.spo2_scale2 = true;
  v.spo2 = 97;
  ScoreResult r = News2(v);
  EXPECT_EQ(Find(r, "spo2")->points, 0);
  EXPECT_EQ(Find(r, "air_or_oxygen")->value, std::nullopt);
}

struct OxygenCase {
  std::optional<double> o2_flow;
  std::optional<double> fio2;
  std::optional<double> value;
  int points;
  int missing;
};

TEST(News2Test, AirOrOxygen) {
  const std::vector<OxygenCase> cases = {
      {0.0, std::nullopt, 0.0, 0, 0},  {0.5, std::nullopt, 1.0, 2, 0},
      {std::nullopt, 21.0, 0.0, 0, 0}, {std::nullopt, 21.5, 1.0, 2, 0},
      {0.0, 21.0, 0.0, 0, 0},          {0.0, 40.0, 1.0, 2, 0},
      {3.0, 21.0, 1.0, 2, 0},          {std::nullopt, std::nullopt, std::nullopt, 0, 1},
  };
  for (const OxygenCase& c : cases) {
    VitalSigns v;
    v.o2_flow = c.o2_flow;
    v.fio2 = c.fio2;
    ScoreResult r = News2(v);
    const ScoreComponent* comp = Find(r, "air_or_oxygen");
    ASSERT_NE(comp, nullptr);
    EXPECT_EQ(comp->value, c.value);
    EXPECT_EQ(comp->points, c.points);
    // Every other component is unmeasured too: 6 missing plus this one.
    EXPECT_EQ(r.missing, 6 + c.missing);
    EXPECT_EQ(r.total, c.points);
  }
}

TEST(News2Test, SystolicBpBands) {
  const std::vector<BandCase> systolic_bp_bands = {{90, 3},   {91, 2},   {100, 2},  {101, 1},
                                                   {110, 1},  {111, 0},  {219, 0},  {220, 3},
                                                   {90.4, 3}, {90.5, 2}, {219.5, 3}};
  ExpectBands(News2, &VitalSigns::systolic_bp, "systolic_bp", systolic_bp_bands);
}

TEST(News2Test, PulseBands) {
  const std::vector<BandCase> heart_rate_bands = {{40, 3},  {41, 1},  {50, 1},   {51, 0},
                                                  {90, 0},  {91, 1},  {110, 1},  {111, 2},
                                                  {130, 2}, {131, 3}, {130.5, 3}};
  ExpectBands(News2, &VitalSigns::heart_rate, "heart_rate", heart_rate_bands);
}

TEST(News2Test, ConsciousnessAlertOnlyAtGcs15) {
  const std::vector<BandCase> consciousness_bands = {
      {15, 0}, {14, 3}, {3, 3}, {14.4, 3}, {14.5, 0}};
  ExpectBands(News2, &VitalSigns::gcs, "consciousness", consciousness_bands);
}

TEST(News2Test, TemperatureBandsAtOneDecimal) {
  const std::vector<BandCase> temperature_bands = {
      {35.0, 3}, {35.1, 1},  {36.0, 1},  {36.1, 0},  {38.0, 0},  {38.1, 1}, {39.0, 1},
      {39.1, 2}, {35.04, 3}, {35.05, 1}, {38.04, 0}, {38.05, 1}, {39.05, 2}};
  ExpectBands(News2, &VitalSigns::temperature, "temperature", temperature_bands);
}

TEST(News2Test, ComponentsInChartOrder) {
  ScoreResult r = News2(Normal());
  EXPECT_EQ(r.scorer, "news2");
  std::vector<std::string_view> names;
  for (const ScoreComponent& c : r.components) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string_view>{"respiratory_rate", "spo2", "air_or_oxygen",
                                                  "systolic_bp", "heart_rate", "consciousness",
                                                  "temperature"}));
  EXPECT_EQ(r.total, 0);
  EXPECT_EQ(r.missing, 0);
}

TEST(News2Test, NothingMeasuredScoresZeroWithAllMissing) {
  ScoreResult r = News2(VitalSigns{});
  EXPECT_EQ(r.total, 0);
  EXPECT_EQ(r.missing, 7);
  for (const ScoreComponent& c : r.components) {
    EXPECT_EQ(c.value, std::nullopt) << c.name;
    EXPECT_EQ(c.points, 0) << c.name;
  }
}

TEST(News2Test, NonFiniteValuesCountAsMissing) {
  VitalSigns v = Normal();
  v.respiratory_rate = std::numeric_limits<double>::quiet_NaN();
  v.heart_rate = std::numeric_limits<double>::infinity();
  ScoreResult r = News2(v);
  EXPECT_EQ(r.total, 0);
  EXPECT_EQ(r.missing, 2);
  EXPECT_EQ(Find(r, "respiratory_rate")->value, std::nullopt);
  EXPECT_EQ(Find(r, "heart_rate")->value, std::nullopt);
}

TEST(News2Test, CompleteExampleTotal) {
  VitalSigns v;
  v.respiratory_rate = 22;  // 2
  v.spo2 = 93;              // 2
  v.o2_flow = 2;            // 2
  v.systolic_bp = 105;      // 1
  v.heart_rate = 115;       // 2
  v.gcs = 15;               // 0
  v.temperature = 38.5;     // 1
  ScoreResult r = News2(v);
  EXPECT_EQ(r.total, 10);
  EXPECT_EQ(r.missing, 0);
  EXPECT_EQ(News2Risk(r), "high");
}

TEST(News2Test, MissingInputsLowerTheTotal) {
  VitalSigns v;
  v.respiratory_rate = 25;  // 3
  v.temperature = 39.5;     // 2
  ScoreResult r = News2(v);
  EXPECT_EQ(r.total, 5);
  EXPECT_EQ(r.missing, 5);
}

// Normal() with the parameters a NEWS2 risk case varies.
VitalSigns Ward(double rr, double sbp, double hr, double gcs, double temp) {
  VitalSigns v = Normal();
  v.respiratory_rate = rr;
  v.systolic_bp = sbp;
  v.heart_rate = hr;
  v.gcs = gcs;
  v.temperature = temp;
  return v;
}

struct RiskCase {
  const char* label;
  VitalSigns vitals;
  int total;
  std::string_view risk;
};

TEST(News2RiskTest, BandsAndSingleParameterRule) {
  const std::vector<RiskCase> cases = {
      //                 RR   SBP  HR   GCS  temp
      {"normal", Ward(14, 120, 70, 15, 37.0), 0, "low"},
      {"four without a 3", Ward(21, 120, 115, 15, 37.0), 4, "low"},
      {"single 3", Ward(16, 120, 70, 14, 37.0), 3, "low-medium"},
      {"single 3 plus 1", Ward(16, 120, 70, 14, 38.5), 4, "low-medium"},
      {"two 3s make six", Ward(25, 90, 70, 15, 37.0), 6, "medium"},
      {"five", Ward(22, 95, 95, 15, 37.0), 5, "medium"},
      {"five with a 3", Ward(25, 95, 70, 15, 37.0), 5, "medium"},
      {"six", Ward(25, 95, 95, 15, 37.0), 6, "medium"},
      {"seven", Ward(25, 95, 115, 15, 37.0), 7, "high"},
      {"eight", Ward(25, 95, 115, 15, 38.5), 8, "high"},
  };
  for (const RiskCase& c : cases) {
    ScoreResult r = News2(c.vitals);
    EXPECT_EQ(r.total, c.total) << c.label;
    EXPECT_EQ(News2Risk(r), c.risk) << c.label;
  }
}

// ---- qSOFA ----

TEST(QsofaTest, CriteriaBoundariesAndRounding) {
  const std::vector<BandCase> respiratory_rate_bands = {{21, 0}, {22, 1}, {21.4, 0}, {21.5, 1}};
  ExpectBands(Qsofa, &VitalSigns::respiratory_rate, "respiratory_rate", respiratory_rate_bands);
  const std::vector<BandCase> systolic_bp_bands = {{100, 1}, {101, 0}, {100.4, 1}, {100.5, 0}};
  ExpectBands(Qsofa, &VitalSigns::systolic_bp, "systolic_bp", systolic_bp_bands);
  const std::vector<BandCase> consciousness_bands = {{15, 0}, {14, 1}, {14.5, 0}};
  ExpectBands(Qsofa, &VitalSigns::gcs, "consciousness", consciousness_bands);
}

TEST(QsofaTest, CompleteExamples) {
  VitalSigns v = Normal();
  ScoreResult r = Qsofa(v);
  EXPECT_EQ(r.scorer, "qsofa");
  EXPECT_EQ(r.total, 0);
  EXPECT_EQ(r.components.size(), 3u);

  v.respiratory_rate = 24;
  v.systolic_bp = 95;
  EXPECT_EQ(Qsofa(v).total, 2);
  EXPECT_GE(Qsofa(v).total, kQsofaPositive);

  v.gcs = 13;
  EXPECT_EQ(Qsofa(v).total, 3);
}

TEST(QsofaTest, MissingMentationCounted) {
  VitalSigns v;
  v.respiratory_rate = 24;
  v.systolic_bp = 120;
  ScoreResult r = Qsofa(v);
  EXPECT_EQ(r.total, 1);
  EXPECT_EQ(r.missing, 1);
}

// ---- SIRS ----

TEST(SirsTest, TemperatureHeartRateRespiratoryRateBoundaries) {
  const std::vector<BandCase> temperature_bands = {{35.9, 1},  {36.0, 0},  {38.0, 0},  {38.1, 1},
                                                   {35.95, 0}, {35.94, 1}, {38.04, 0}, {38.05, 1}};
  ExpectBands(Sirs, &VitalSigns::temperature, "temperature", temperature_bands);
  const std::vector<BandCase> heart_rate_bands = {{90, 0}, {91, 1}, {90.4, 0}, {90.5, 1}};
  ExpectBands(Sirs, &VitalSigns::heart_rate, "heart_rate", heart_rate_bands);
  const std::vector<BandCase> respiratory_rate_bands = {{20, 0}, {21, 1}, {20.4, 0}, {20.5, 1}};
  ExpectBands(Sirs, &VitalSigns::respiratory_rate, "respiratory_rate", respiratory_rate_bands);
}

TEST(SirsTest, WbcComparedUnrounded) {
  const std::vector<BandCase> wbc_bands = {{3.9, 1},  {3.99, 1},  {4.0, 0},
                                           {12.0, 0}, {12.01, 1}, {12.1, 1}};
  ExpectBands(Sirs, &VitalSigns::wbc, "wbc", wbc_bands);
}

struct RespiratoryCase {
  std::optional<double> rr;
  std::optional<double> paco2;
  std::string_view name;
  std::optional<double> value;
  int points;
  int missing;
};

TEST(SirsTest, RespiratoryCriterionIsRateOrPaCO2) {
  const std::optional<double> none;
  const std::vector<RespiratoryCase> cases = {
      {18.0, 31.9, "paco2", 31.9, 1, 0},
      {18.0, 32.0, "respiratory_rate", 18.0, 0, 0},
      {24.0, 30.0, "respiratory_rate", 24.0, 1, 0},  // one point for the criterion, not two
      {none, 31.0, "paco2", 31.0, 1, 0},
      {none, 40.0, "paco2", 40.0, 0, 0},
      {18.0, none, "respiratory_rate", 18.0, 0, 0},
      {none, none, "respiratory_rate", none, 0, 1},
  };
  for (const RespiratoryCase& c : cases) {
    VitalSigns v = Normal();
    v.respiratory_rate = c.rr;
    v.paco2 = c.paco2;
    ScoreResult r = Sirs(v);
    ASSERT_EQ(r.components.size(), 4u);
    const ScoreComponent& comp = r.components[2];
    EXPECT_EQ(comp.name, c.name);
    EXPECT_EQ(comp.value, c.value) << c.name;
    EXPECT_EQ(comp.points, c.points) << c.name;
    EXPECT_EQ(r.total, c.points);
    EXPECT_EQ(r.missing, c.missing);
  }
}

TEST(SirsTest, CompleteExamples) {
  VitalSigns v = Normal();
  EXPECT_EQ(Sirs(v).total, 0);
  EXPECT_EQ(Sirs(v).scorer, "sirs");

  v.temperature = 38.6;
  v.heart_rate = 110;
  EXPECT_EQ(Sirs(v).total, 2);
  EXPECT_GE(Sirs(v).total, kSirsPositive);

  v.respiratory_rate = 24;
  v.wbc = 15;
  ScoreResult r = Sirs(v);
  EXPECT_EQ(r.total, 4);
  EXPECT_EQ(r.missing, 0);
}

TEST(SirsTest, MissingCriteriaCounted) {
  VitalSigns v;
  v.heart_rate = 95;
  ScoreResult r = Sirs(v);
  EXPECT_EQ(r.total, 1);
  EXPECT_EQ(r.missing, 3);
}

// ---- MEWS ----

TEST(MewsTest, SystolicBpBands) {
  const std::vector<BandCase> systolic_bp_bands = {
      {70, 3}, {71, 2}, {80, 2}, {81, 1}, {100, 1}, {101, 0}, {199, 0}, {200, 2}, {199.5, 2}};
  ExpectBands(Mews, &VitalSigns::systolic_bp, "systolic_bp", systolic_bp_bands);
}

TEST(MewsTest, HeartRateBands) {
  const std::vector<BandCase> heart_rate_bands = {{40, 2},  {41, 1},  {50, 1},    {51, 0},
                                                  {100, 0}, {101, 1}, {110, 1},   {111, 2},
                                                  {129, 2}, {130, 3}, {129.4, 2}, {129.5, 3}};
  ExpectBands(Mews, &VitalSigns::heart_rate, "heart_rate", heart_rate_bands);
}

TEST(MewsTest, RespiratoryRateBands) {
  const std::vector<BandCase> respiratory_rate_bands = {
      {8, 2}, {9, 0}, {14, 0}, {15, 1}, {20, 1}, {21, 2}, {29, 2}, {30, 3}, {8.4, 2}, {8.5, 0}};
  ExpectBands(Mews, &VitalSigns::respiratory_rate, "respiratory_rate", respiratory_rate_bands);
}

TEST(MewsTest, TemperatureBands) {
  const std::vector<BandCase> temperature_bands = {{34.9, 2},  {35.0, 0},  {38.4, 0},  {38.5, 2},
                                                   {34.94, 2}, {34.95, 0}, {38.44, 0}, {38.45, 2}};
  ExpectBands(Mews, &VitalSigns::temperature, "temperature", temperature_bands);
}

TEST(MewsTest, AvpuApproximatedFromGcs) {
  const std::vector<BandCase> consciousness_bands = {{15, 0}, {14, 1}, {13, 1}, {12, 2},
                                                     {9, 2},  {8, 3},  {3, 3}};
  ExpectBands(Mews, &VitalSigns::gcs, "consciousness", consciousness_bands);
}

TEST(MewsTest, CompleteExample) {
  VitalSigns v;
  v.systolic_bp = 85;       // 1
  v.heart_rate = 115;       // 2
  v.respiratory_rate = 22;  // 2
  v.temperature = 38.6;     // 2
  v.gcs = 14;               // 1 (Voice)
  ScoreResult r = Mews(v);
  EXPECT_EQ(r.scorer, "mews");
  EXPECT_EQ(r.total, 8);
  EXPECT_EQ(r.missing, 0);
  EXPECT_EQ(r.components.size(), 5u);
  EXPECT_EQ(Mews(Normal()).total, 0);
}

}  // namespace
}  // namespace vigil::ai
