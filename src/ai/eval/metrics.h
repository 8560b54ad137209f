// Discrimination and calibration metrics for a binary risk model, plus a
// stay-level bootstrap for their confidence intervals.
//
//   double auc = Auroc(scores, labels);
//   Interval ci = BootstrapInterval(Auroc, scores, labels, stay_of_row, 200, 7);
//
// Inputs are parallel spans: scores[i] is the model output for row i and
// labels[i] its outcome (0 = negative, anything else = positive). Scores are
// usually probabilities, but only Brier and Calibration need them in [0, 1].
//
// Errors: these functions do not fail. A result that is not defined for the
// input (sizes differ, a class is missing, a NaN score) is NaN or an empty
// vector, as each function states.
//
// Ownership: nothing is retained after a call. Thread-safety: all functions are
// pure and may run concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace vigil::ai {

// Area under the ROC curve as the Mann-Whitney statistic: the fraction of
// (positive, negative) pairs where the positive scores higher, a tie counting
// 1/2. O(n log n). NaN if the sizes differ, only one class is present, or a
// score is NaN.
double Auroc(std::span<const double> scores, std::span<const uint8_t> labels);

// Average precision as scikit-learn's average_precision_score defines it:
// with the distinct scores taken as thresholds in descending order (tied
// scores form one threshold), AP = sum_n (R_n - R_{n-1}) * P_n, where P_n and
// R_n are precision and recall of "score >= threshold n" and R_0 = 0.
// NaN if the sizes differ, there is no positive, or a score is NaN.
double Auprc(std::span<const double> scores, std::span<const uint8_t> labels);

// Mean of (score - label)^2. NaN if the sizes differ or the input is empty.
double BrierScore(std::span<const double> scores, std::span<const uint8_t> labels);

// Any metric over (scores, labels); it must not depend on the order of rows.
using MetricFn = std::function<double(std::span<const double>, std::span<const uint8_t>)>;

struct Interval {
  double estimate;  // the metric on all rows
  double lo;        // percentile bounds; NaN if no resample gave a number
  double hi;
};

// Bootstrap percentile interval that resamples groups (patient stays), not
// rows: groups[i] is the group of row i (any uint32 values; a group's rows need
// not be contiguous). Each of `resamples` rounds draws as many groups as there
// are distinct groups, uniformly with replacement, and evaluates `metric` on
// the rows of the drawn groups (a group drawn k times contributes its rows k
// times). Rounds where the metric is NaN are skipped. lo and hi are the
// (1-level)/2 and (1+level)/2 quantiles of the remaining values, linearly
// interpolated between order statistics (numpy's default "linear" method).
//
// Deterministic for a seed on every platform: std::mt19937_64 with our own
// unbiased integer draw. The metric receives the resampled rows ordered by
// descending score, so Auroc/Auprc skip their sort; each round costs O(n)
// plus the metric. NaN interval (estimate included) if the three sizes differ;
// NaN bounds if resamples <= 0 or level is not in (0, 1).
Interval BootstrapInterval(const MetricFn& metric, std::span<const double> scores,
                           std::span<const uint8_t> labels, std::span<const uint32_t> groups,
                           int resamples, uint64_t seed, double level = 0.95);

struct CalibrationBin {
  double lo, hi;          // the bin is [lo, hi); the last bin includes 1
  double mean_predicted;  // mean score of the bin's rows; NaN if count == 0
  double observed_rate;   // fraction of positive rows; NaN if count == 0
  size_t count;
};

// Reliability diagram over `bins` equal-width bins on [0, 1]. Scores outside
// [0, 1] are clamped to it; rows with a NaN score are left out.
// Empty if the sizes differ or bins <= 0.
std::vector<CalibrationBin> Calibration(std::span<const double> scores,
                                        std::span<const uint8_t> labels, int bins = 10);

// One point of a curve for plotting; threshold is the score cut-off
// ("score >= threshold" is positive), +infinity for the point before any.
struct CurvePoint {
  double x, y, threshold;
};

// ROC curve: x = false positive rate, y = true positive rate, one point per
// distinct score in descending order after (0, 0). Empty if the sizes differ,
// a class is missing or a score is NaN.
std::vector<CurvePoint> RocCurve(std::span<const double> scores, std::span<const uint8_t> labels,
                                 size_t max_points = 200);

// Precision-recall curve: x = recall, y = precision, one point per distinct
// score in descending order after (0, 1) (scikit-learn's end point). Empty if
// the sizes differ, there is no positive or a score is NaN.
std::vector<CurvePoint> PrCurve(std::span<const double> scores, std::span<const uint8_t> labels,
                                size_t max_points = 200);

// Keeps at most max_points (at least 2) points of a curve, evenly spaced by
// index; the first and last points are always kept.
std::vector<CurvePoint> ThinCurve(std::vector<CurvePoint> points, size_t max_points);

}  // namespace vigil::ai
