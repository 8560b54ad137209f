#include "ai/eval/metrics.h"

#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace vigil::ai {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// scikit-learn's documentation example for roc_auc_score / average_precision_score.
const std::vector<double> kSkScores = {0.1, 0.4, 0.35, 0.8};
const std::vector<uint8_t> kSkLabels = {0, 0, 1, 1};

// A case with a tie that mixes the classes.
const std::vector<double> kTieScores = {0.9, 0.8, 0.5, 0.5, 0.1};
const std::vector<uint8_t> kTieLabels = {0, 1, 1, 0, 1};

TEST(AurocTest, MatchesScikitLearnExample) { EXPECT_DOUBLE_EQ(Auroc(kSkScores, kSkLabels), 0.75); }

TEST(AurocTest, CountsTiesAsHalf) {
  // Positives 0.5 and 0.9 against negatives 0.2 and 0.5: 1 + 0.5 + 1 + 1 of 4 pairs.
  std::vector<double> scores = {0.2, 0.5, 0.5, 0.9};
  std::vector<uint8_t> labels = {0, 1, 0, 1};
  EXPECT_DOUBLE_EQ(Auroc(scores, labels), 3.5 / 4);
  std::vector<double> all_tied = {0.3, 0.3, 0.3, 0.3};
  EXPECT_DOUBLE_EQ(Auroc(all_tied, labels), 0.5);
}

TEST(AurocTest, MatchesPairCountingOnRandomTiedData) {
  std::mt19937_64 rng(11);
  std::vector<double> scores(500);
  std::vector<uint8_t> labels(500);
  for (size_t i = 0; i < scores.size(); ++i) {
    scores[i] = static_cast<double>(rng() % 20) / 20;  // many ties
    labels[i] = (rng() % 3 == 0) ? 1 : 0;
  }
  double wins = 0, pairs = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    for (size_t j = 0; j < scores.size(); ++j) {
      if (!labels[i] || labels[j]) continue;
      pairs += 1;
      wins += scores[i] > scores[j] ? 1 : (scores[i] == scores[j] ? 0.5 : 0);
    }
  }
  EXPECT_NEAR(Auroc(scores, labels), wins / pairs, 1e-12);
}

TEST(AurocTest, IsNaNWithOneClassMismatchedSizesOrNaNScore) {
  std::vector<double> scores = {0.1, 0.2};
  EXPECT_TRUE(std::isnan(Auroc(scores, std::vector<uint8_t>{1, 1})));
  EXPECT_TRUE(std::isnan(Auroc(scores, std::vector<uint8_t>{0, 0})));
  EXPECT_TRUE(std::isnan(Auroc(scores, std::vector<uint8_t>{0, 1, 1})));
  EXPECT_TRUE(std::isnan(Auroc(std::vector<double>{0.1, kNaN}, std::vector<uint8_t>{0, 1})));
  EXPECT_TRUE(std::isnan(Auroc({}, {})));
}

TEST(AuprcTest, MatchesScikitLearnExample) {
  EXPECT_NEAR(Auprc(kSkScores, kSkLabels), 0.8333333333333333, 1e-15);
}

TEST(AuprcTest, TreatsTiedScoresAsOneThreshold) {
  // Thresholds 0.9, 0.8, 0.5, 0.1 with 3 positives: recall steps 0, 1/3, 2/3, 1
  // at precision 0, 1/2, 1/2, 3/5. Breaking the 0.5 tie positive-first would
  // give 1/6 + 2/9 + 1/5 instead.
  EXPECT_DOUBLE_EQ(Auprc(kTieScores, kTieLabels), 1.0 / 6 + 1.0 / 6 + 1.0 / 5);
}

TEST(AuprcTest, IsNaNWithoutPositives) {
  std::vector<double> scores = {0.1, 0.2};
  EXPECT_TRUE(std::isnan(Auprc(scores, std::vector<uint8_t>{0, 0})));
  EXPECT_DOUBLE_EQ(Auprc(scores, std::vector<uint8_t>{1, 1}), 1.0);
}

TEST(BrierScoreTest, IsMeanSquaredError) {
  std::vector<double> scores = {0.1, 0.9, 0.5};
  std::vector<uint8_t> labels = {0, 1, 1};
  EXPECT_DOUBLE_EQ(BrierScore(scores, labels), (0.01 + 0.01 + 0.25) / 3);
  EXPECT_TRUE(std::isnan(BrierScore({}, {})));
}

TEST(CalibrationTest, BinsByScoreAndClampsOutliers) {
  std::vector<double> scores = {0.05, 0.15, 0.12, 1.0, 0.95, -0.2, kNaN};
  std::vector<uint8_t> labels = {0, 1, 0, 1, 0, 0, 1};
  std::vector<CalibrationBin> bins = Calibration(scores, labels, 10);
  ASSERT_EQ(bins.size(), 10u);
  EXPECT_EQ(bins[0].count, 2u);  // 0.05 and -0.2 (as 0)
  EXPECT_DOUBLE_EQ(bins[0].mean_predicted, 0.025);
  EXPECT_DOUBLE_EQ(bins[0].observed_rate, 0.0);
  EXPECT_EQ(bins[1].count, 2u);
  EXPECT_DOUBLE_EQ(bins[1].mean_predicted, 0.135);
  EXPECT_DOUBLE_EQ(bins[1].observed_rate, 0.5);
  EXPECT_EQ(bins[9].count, 2u);  // 1.0 belongs to the last bin
  EXPECT_DOUBLE_EQ(bins[9].mean_predicted, 0.975);
  EXPECT_DOUBLE_EQ(bins[9].observed_rate, 0.5);
  EXPECT_DOUBLE_EQ(bins[3].lo, 0.3);
  EXPECT_DOUBLE_EQ(bins[3].hi, 0.4);
  EXPECT_EQ(bins[3].count, 0u);
  EXPECT_TRUE(std::isnan(bins[3].mean_predicted));
  EXPECT_TRUE(std::isnan(bins[3].observed_rate));
  EXPECT_TRUE(Calibration(scores, labels, 0).empty());
}

void ExpectPoint(const CurvePoint& p, double x, double y, double threshold) {
  EXPECT_DOUBLE_EQ(p.x, x);
  EXPECT_DOUBLE_EQ(p.y, y);
  EXPECT_EQ(p.threshold, threshold);
}

TEST(CurveTest, RocHasOnePointPerDistinctScore) {
  std::vector<CurvePoint> roc = RocCurve(kTieScores, kTieLabels);
  ASSERT_EQ(roc.size(), 5u);
  ExpectPoint(roc[0], 0, 0, std::numeric_limits<double>::infinity());
  ExpectPoint(roc[1], 0.5, 0, 0.9);
  ExpectPoint(roc[2], 0.5, 1.0 / 3, 0.8);
  ExpectPoint(roc[3], 1, 2.0 / 3, 0.5);
  ExpectPoint(roc[4], 1, 1, 0.1);
}

TEST(CurveTest, PrStartsAtRecallZeroPrecisionOne) {
  std::vector<CurvePoint> pr = PrCurve(kTieScores, kTieLabels);
  ASSERT_EQ(pr.size(), 5u);
  ExpectPoint(pr[0], 0, 1, std::numeric_limits<double>::infinity());
  ExpectPoint(pr[1], 0, 0, 0.9);
  ExpectPoint(pr[2], 1.0 / 3, 0.5, 0.8);
  ExpectPoint(pr[3], 2.0 / 3, 0.5, 0.5);
  ExpectPoint(pr[4], 1, 0.6, 0.1);
  EXPECT_TRUE(PrCurve(kTieScores, std::vector<uint8_t>(5, 0)).empty());
  EXPECT_TRUE(RocCurve(kTieScores, std::vector<uint8_t>(5, 1)).empty());
}

TEST(CurveTest, ThinningKeepsEndsAndEvenlySpacedPoints) {
  std::vector<CurvePoint> points;
  for (int i = 0; i < 10; ++i) points.push_back(CurvePoint{static_cast<double>(i), 0, 0});
  std::vector<CurvePoint> thin = ThinCurve(points, 4);
  ASSERT_EQ(thin.size(), 4u);
  EXPECT_EQ(thin[0].x, 0);
  EXPECT_EQ(thin[1].x, 3);
  EXPECT_EQ(thin[2].x, 6);
  EXPECT_EQ(thin[3].x, 9);
  EXPECT_EQ(ThinCurve(points, 200).size(), 10u);
  std::vector<CurvePoint> roc = RocCurve(kTieScores, kTieLabels, 3);
  ASSERT_EQ(roc.size(), 3u);
  ExpectPoint(roc[1], 0.5, 1.0 / 3, 0.8);
  ExpectPoint(roc[2], 1, 1, 0.1);
}

// Groups 7 and 3, interleaved: group 7 is rows {0.9 pos, 0.2 neg}, group 3 is
// rows {0.6 neg, 0.4 pos}.
const std::vector<double> kGroupScores = {0.9, 0.6, 0.2, 0.4};
const std::vector<uint8_t> kGroupLabels = {1, 0, 0, 1};
const std::vector<uint32_t> kGroups = {7, 3, 7, 3};

TEST(BootstrapTest, ResamplesWholeGroupsInDescendingScoreOrder) {
  using Rows = std::pair<std::vector<double>, std::vector<uint8_t>>;
  const std::set<Rows> allowed = {
      {{0.9, 0.9, 0.2, 0.2}, {1, 1, 0, 0}},  // group 7 twice
      {{0.9, 0.6, 0.4, 0.2}, {1, 0, 1, 0}},  // one of each
      {{0.6, 0.6, 0.4, 0.4}, {0, 0, 1, 1}},  // group 3 twice
  };
  std::set<Rows> seen;
  int calls = 0;
  MetricFn record = [&](std::span<const double> s, std::span<const uint8_t> l) {
    if (calls++ > 0) seen.insert(Rows({s.begin(), s.end()}, {l.begin(), l.end()}));
    return 0.0;
  };
  BootstrapInterval(record, kGroupScores, kGroupLabels, kGroups, 100, 1);
  EXPECT_EQ(calls, 101);  // the estimate plus 100 rounds
  EXPECT_EQ(seen, allowed);
}

TEST(BootstrapTest, SkipsRoundsWhereTheMetricIsNaN) {
  // Group 1 holds only positives, group 2 only negatives, ranked perfectly:
  // rounds that draw one group twice have one class (NaN), the rest give 1.
  std::vector<double> scores = {0.9, 0.1, 0.8, 0.2};
  std::vector<uint8_t> labels = {1, 0, 1, 0};
  std::vector<uint32_t> groups = {1, 2, 1, 2};
  Interval ci = BootstrapInterval(Auroc, scores, labels, groups, 50, 3);
  EXPECT_EQ(ci.estimate, 1.0);
  EXPECT_EQ(ci.lo, 1.0);
  EXPECT_EQ(ci.hi, 1.0);
  std::vector<uint32_t> one_group = {5, 5, 5, 5};
  std::vector<uint8_t> positives = {1, 1, 1, 1};
  Interval none = BootstrapInterval(Auroc, scores, positives, one_group, 50, 3);
  EXPECT_TRUE(std::isnan(none.estimate));
  EXPECT_TRUE(std::isnan(none.lo));
  EXPECT_TRUE(std::isnan(none.hi));
}

TEST(BootstrapTest, InterpolatesPercentilesLinearly) {
  // The metric returns 1 for the estimate, then 2..11: lo = quantile 0.25 of
  // 2..11 at position 2.25 = 4.25, hi at position 6.75 = 8.75.
  double counter = 0;
  MetricFn count = [&](std::span<const double>, std::span<const uint8_t>) { return ++counter; };
  Interval ci = BootstrapInterval(count, kGroupScores, kGroupLabels, kGroups, 10, 9, 0.5);
  EXPECT_EQ(ci.estimate, 1.0);
  EXPECT_DOUBLE_EQ(ci.lo, 4.25);
  EXPECT_DOUBLE_EQ(ci.hi, 8.75);
}

TEST(BootstrapTest, IsDeterministicForASeed) {
  std::mt19937_64 rng(5);
  std::vector<double> scores(2000);
  std::vector<uint8_t> labels(2000);
  std::vector<uint32_t> groups(2000);
  for (size_t i = 0; i < scores.size(); ++i) {
    labels[i] = rng() % 4 == 0;
    scores[i] = static_cast<double>(rng() % 1000) / 1000 * 0.5 + (labels[i] ? 0.3 : 0);
    groups[i] = static_cast<uint32_t>(rng() % 150);
  }
  Interval a = BootstrapInterval(Auroc, scores, labels, groups, 50, 42);
  Interval b = BootstrapInterval(Auroc, scores, labels, groups, 50, 42);
  Interval c = BootstrapInterval(Auroc, scores, labels, groups, 50, 43);
  EXPECT_EQ(a.lo, b.lo);
  EXPECT_EQ(a.hi, b.hi);
  EXPECT_NE(a.lo, c.lo);
  EXPECT_LT(a.lo, a.estimate);
  EXPECT_GT(a.hi, a.estimate);
}

TEST(BootstrapTest, RejectsMismatchedSizesAndBadLevels) {
  std::vector<uint32_t> short_groups = {1, 2};
  EXPECT_TRUE(std::isnan(
      BootstrapInterval(Auroc, kGroupScores, kGroupLabels, short_groups, 10, 1).estimate));
  Interval bad_level = BootstrapInterval(Auroc, kGroupScores, kGroupLabels, kGroups, 10, 1, 1.0);
  EXPECT_DOUBLE_EQ(bad_level.estimate, 0.75);
  EXPECT_TRUE(std::isnan(bad_level.lo));
}

}  // namespace
}  // namespace vigil::ai
