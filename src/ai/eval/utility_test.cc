#include "ai/eval/utility.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace vigil::ai {
namespace {

// A stay of n hourly rows whose SepsisLabel turns 1 at row first_label
// (onset - 6 h), or never if first_label < 0.
std::vector<uint8_t> Labels(size_t n, int first_label) {
  std::vector<uint8_t> labels(n, 0);
  for (int t = first_label; t >= 0 && t < static_cast<int>(n); ++t) labels[t] = 1;
  return labels;
}

std::vector<uint8_t> AlertsAt(size_t n, std::vector<int> hours) {
  std::vector<uint8_t> alerts(n, 0);
  for (int t : hours) alerts[t] = 1;
  return alerts;
}

// 30 rows, label from row 10, so t_sepsis = 10 + 6 = 16. Rows 11..19 (d = -5..3)
// cost m3 d + b3 = -2d/9 - 4/3 when not predicted: -2/9 ... -2, in total -10.
const std::vector<uint8_t> kSeptic = Labels(30, 10);
constexpr double kSepticInaction = -10;

TEST(PatientUtilityTest, MatchesTheOfficialDocstringExample) {
  // evaluate_sepsis_score.py: labels [0,0,0,0,1,1], predictions [0,0,1,1,1,1]
  // -> 3.388888888888889 (= 2/3 + 5/6 + 1 + 8/9).
  std::vector<uint8_t> labels = {0, 0, 0, 0, 1, 1};
  std::vector<uint8_t> predictions = {0, 0, 1, 1, 1, 1};
  EXPECT_DOUBLE_EQ(PatientUtility(labels, predictions), 3.388888888888889);
}

TEST(PatientUtilityTest, MissedSepsisCostsTheLateRows) {
  EXPECT_DOUBLE_EQ(PatientUtility(kSeptic, AlertsAt(30, {})), kSepticInaction);
}

TEST(PatientUtilityTest, OptimalAlertEarnsOne) {
  // Row 10 is t_sepsis - 6: the full reward.
  EXPECT_DOUBLE_EQ(PatientUtility(kSeptic, AlertsAt(30, {10})), 1 + kSepticInaction);
}

TEST(PatientUtilityTest, EarlyAlertsEarnTheLinearRampOrTheFalsePositiveCost) {
  // Row 4 is d = -12: m1 d + b1 = 0. Row 7 is d = -9: 1/2. Row 2 is d = -14:
  // max(-1/3, -0.05) = -0.05.
  EXPECT_DOUBLE_EQ(PatientUtility(kSeptic, AlertsAt(30, {4})), 0 + kSepticInaction);
  EXPECT_DOUBLE_EQ(PatientUtility(kSeptic, AlertsAt(30, {7})), 0.5 + kSepticInaction);
  EXPECT_DOUBLE_EQ(PatientUtility(kSeptic, AlertsAt(30, {2})), -0.05 + kSepticInaction);
}

TEST(PatientUtilityTest, LateAlertsEarnLessAndAvoidThePenalty) {
  // Row 13 is d = -3: m2 d + b2 = 2/3 instead of m3 d + b3 = -2/3.
  EXPECT_DOUBLE_EQ(PatientUtility(kSeptic, AlertsAt(30, {13})),
                   2.0 / 3 + kSepticInaction + 2.0 / 3);
  // Row 19 is d = 3: earns 0 instead of -2.
  EXPECT_DOUBLE_EQ(PatientUtility(kSeptic, AlertsAt(30, {19})), kSepticInaction + 2);
  // Rows after t_sepsis + dt_late score 0 whatever is predicted.
  EXPECT_DOUBLE_EQ(PatientUtility(kSeptic, AlertsAt(30, {20, 25, 29})), kSepticInaction);
}

TEST(PatientUtilityTest, BestPredictionsEarnTheWholeWindow) {
  // Rows 4..19: sum of d/6 + 2 over d = -12..-6 (3.5) and -d/9 + 1/3 over d = -5..3 (4).
  std::vector<uint8_t> best = BestPredictions(kSeptic);
  std::vector<int> window;
  for (int t = 4; t <= 19; ++t) window.push_back(t);
  EXPECT_EQ(best, AlertsAt(30, window));
  EXPECT_DOUBLE_EQ(PatientUtility(kSeptic, best), 7.5);
}

TEST(PatientUtilityTest, NonSepticFalseAlarmsCostFivePercentEach) {
  std::vector<uint8_t> labels = Labels(20, -1);
  EXPECT_DOUBLE_EQ(PatientUtility(labels, AlertsAt(20, {0, 7, 19})), -0.15);
  EXPECT_DOUBLE_EQ(PatientUtility(labels, AlertsAt(20, {})), 0.0);
  EXPECT_EQ(BestPredictions(labels), AlertsAt(20, {}));
}

TEST(PatientUtilityTest, OnsetNearAdmissionClipsTheWindowAtRowZero) {
  // Labelled from row 0: t_sepsis = 6, t_sepsis + dt_early = -6 < 0. Best is
  // rows [0, 10): d = -6 earns 1, d = -5..3 earn 4; missing costs -10.
  std::vector<uint8_t> labels = Labels(10, 0);
  std::vector<uint8_t> best = BestPredictions(labels);
  EXPECT_EQ(best, std::vector<uint8_t>(10, 1));
  EXPECT_DOUBLE_EQ(PatientUtility(labels, best), 5.0);
  EXPECT_DOUBLE_EQ(PatientUtility(labels, AlertsAt(10, {})), -10.0);
}

TEST(PatientUtilityTest, StayEndingBeforeTheLateLimitScoresOnlyItsRows) {
  // 12 rows labelled from row 8: t_sepsis = 14; rows 9..11 are d = -5..-3.
  std::vector<uint8_t> labels = Labels(12, 8);
  EXPECT_DOUBLE_EQ(PatientUtility(labels, AlertsAt(12, {})), -12.0 / 9);
  std::vector<int> window;
  for (int t = 2; t < 12; ++t) window.push_back(t);
  EXPECT_EQ(BestPredictions(labels), AlertsAt(12, window));
  EXPECT_DOUBLE_EQ(PatientUtility(labels, BestPredictions(labels)), 3.5 + 21.0 / 9);
}

TEST(PatientUtilityTest, IsNaNWhereTheScriptRaises) {
  EXPECT_TRUE(std::isnan(PatientUtility(kSeptic, AlertsAt(29, {}))));
  UtilityParams bad;
  bad.dt_optimal = bad.dt_late;
  EXPECT_TRUE(std::isnan(PatientUtility(kSeptic, AlertsAt(30, {}), bad)));
}

TEST(NormalizedUtilityTest, BestIsOneAndInactionIsZero) {
  std::vector<std::vector<uint8_t>> labels = {kSeptic, Labels(20, -1), Labels(10, 0)};
  std::vector<std::vector<uint8_t>> best, none;
  for (const auto& l : labels) {
    best.push_back(BestPredictions(l));
    none.push_back(std::vector<uint8_t>(l.size(), 0));
  }
  EXPECT_DOUBLE_EQ(NormalizedUtility(labels, best), 1.0);
  EXPECT_DOUBLE_EQ(NormalizedUtility(labels, none), 0.0);
}

TEST(NormalizedUtilityTest, ScalesObservedBetweenInactionAndBest) {
  // Observed: -9 (optimal alert only) - 0.1 (two false alarms) = -9.1.
  // Inaction: -10. Best: 7.5. (-9.1 + 10) / (7.5 + 10) = 0.9 / 17.5.
  std::vector<std::vector<uint8_t>> labels = {kSeptic, Labels(20, -1)};
  std::vector<std::vector<uint8_t>> predictions = {AlertsAt(30, {10}), AlertsAt(20, {3, 4})};
  EXPECT_DOUBLE_EQ(NormalizedUtility(labels, predictions), 0.9 / 17.5);
}

TEST(NormalizedUtilityTest, IsNaNForMismatchedCohortsOrNoSepsis) {
  std::vector<std::vector<uint8_t>> labels = {kSeptic};
  EXPECT_TRUE(std::isnan(NormalizedUtility(labels, {})));
  EXPECT_TRUE(std::isnan(NormalizedUtility(labels, {AlertsAt(3, {})})));
  // No septic patient: best == inaction, so the script divides 0 by 0.
  std::vector<std::vector<uint8_t>> healthy = {Labels(5, -1)};
  EXPECT_TRUE(std::isnan(NormalizedUtility(healthy, {AlertsAt(5, {})})));
}

}  // namespace
}  // namespace vigil::ai
