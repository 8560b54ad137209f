#include "ai/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace vigil::ai {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Row {
  double score;
  bool positive;
};

// Descending by score with NaN last: a strict weak order even with NaNs, so
// sorting never misbehaves (the metrics reject NaN before relying on it).
bool ScoresBefore(double a, double b) { return a > b || (!std::isnan(a) && std::isnan(b)); }

bool ValidInput(std::span<const double> scores, std::span<const uint8_t> labels) {
  return scores.size() == labels.size() &&
         std::none_of(scores.begin(), scores.end(), [](double s) { return std::isnan(s); });
}

// Rows by descending score. Skips the sort when the input is already in that
// order, which is how BootstrapInterval hands rows over.
std::vector<Row> SortedDescending(std::span<const double> scores, std::span<const uint8_t> labels) {
  std::vector<Row> rows(scores.size());
  bool sorted = true;
  for (size_t i = 0; i < scores.size(); ++i) {
    rows[i] = Row{scores[i], labels[i] != 0};
    if (i > 0 && ScoresBefore(scores[i], scores[i - 1])) sorted = false;
  }
  if (!sorted) {
    std::sort(rows.begin(), rows.end(),
              [](const Row& a, const Row& b) { return ScoresBefore(a.score, b.score); });
  }
  return rows;
}

// Calls fn(threshold, positives, negatives) once per run of tied scores, in
// descending score order.
template <typename Fn>
void ForEachTieBlock(const std::vector<Row>& rows, Fn fn) {
  size_t i = 0;
  while (i < rows.size()) {
    size_t pos = 0, neg = 0;
    const double threshold = rows[i].score;
    for (; i < rows.size() && rows[i].score == threshold; ++i) (rows[i].positive ? pos : neg)++;
    fn(threshold, pos, neg);
  }
}

size_t CountPositives(std::span<const uint8_t> labels) {
  return static_cast<size_t>(
      std::count_if(labels.begin(), labels.end(), [](uint8_t l) { return l != 0; }));
}

// Uniform integer in [0, n), n > 0. Rejects the lowest 2^64 mod n outputs so
// that the rest is a whole number of copies of [0, n): unbiased, and the same
// on every standard library (unlike std::uniform_int_distribution).
uint64_t UniformBelow(std::mt19937_64& rng, uint64_t n) {
  const uint64_t reject_below = (0 - n) % n;  // 2^64 mod n
  for (;;) {
    const uint64_t x = rng();
    if (x >= reject_below) return x % n;
  }
}

// The q-quantile (0 <= q <= 1) of sorted values, linear between order statistics.
double Quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(pos));
  if (below + 1 >= sorted.size()) return sorted.back();
  const double frac = pos - static_cast<double>(below);
  return sorted[below] + frac * (sorted[below + 1] - sorted[below]);
}

// Rows of the bootstrap input in descending score order, with each row's group
// renumbered densely as 0..groups-1.
struct BootstrapRows {
  std::vector<double> scores;
  std::vector<uint8_t> labels;
  std::vector<uint32_t> group;
  size_t groups = 0;
};

BootstrapRows PrepareBootstrap(std::span<const double> scores, std::span<const uint8_t> labels,
                               std::span<const uint32_t> groups) {
  std::vector<uint32_t> ids(groups.begin(), groups.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<size_t> order(scores.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return ScoresBefore(scores[a], scores[b]); });
  BootstrapRows out;
  out.groups = ids.size();
  out.scores.reserve(order.size());
  out.labels.reserve(order.size());
  out.group.reserve(order.size());
  for (size_t i : order) {
    out.scores.push_back(scores[i]);
    out.labels.push_back(labels[i]);
    out.group.push_back(
        static_cast<uint32_t>(std::lower_bound(ids.begin(), ids.end(), groups[i]) - ids.begin()));
  }
  return out;
}

// One bootstrap round: draws groups, then emits each row as often as its group
// was drawn, keeping the descending score order.
double BootstrapRound(const MetricFn& metric, const BootstrapRows& rows, std::mt19937_64& rng,
                      std::vector<uint32_t>& draws, std::vector<double>& scores,
                      std::vector<uint8_t>& labels) {
  std::fill(draws.begin(), draws.end(), 0);
  for (size_t g = 0; g < rows.groups; ++g) ++draws[UniformBelow(rng, rows.groups)];
  scores.clear();
  labels.clear();
  for (size_t i = 0; i < rows.scores.size(); ++i) {
    for (uint32_t k = draws[rows.group[i]]; k > 0; --k) {
      scores.push_back(rows.scores[i]);
      labels.push_back(rows.labels[i]);
    }
  }
  return metric(scores, labels);
}

}  // namespace

double Auroc(std::span<const double> scores, std::span<const uint8_t> labels) {
  if (!ValidInput(scores, labels)) return kNaN;
  const size_t positives = CountPositives(labels);
  const size_t negatives = labels.size() - positives;
  if (positives == 0 || negatives == 0) return kNaN;
  // Each positive beats the negatives scored below its block and ties half of
  // those in its block.
  double wins = 0;
  size_t negatives_above = 0;
  ForEachTieBlock(SortedDescending(scores, labels), [&](double, size_t pos, size_t neg) {
    const size_t below = negatives - negatives_above - neg;
    wins += static_cast<double>(pos) * static_cast<double>(below) +
            0.5 * static_cast<double>(pos) * static_cast<double>(neg);
    negatives_above += neg;
  });
  return wins / (static_cast<double>(positives) * static_cast<double>(negatives));
}

double Auprc(std::span<const double> scores, std::span<const uint8_t> labels) {
  if (!ValidInput(scores, labels)) return kNaN;
  const size_t positives = CountPositives(labels);
  if (positives == 0) return kNaN;
  double ap = 0, previous_recall = 0;
  size_t tp = 0, fp = 0;
  ForEachTieBlock(SortedDescending(scores, labels), [&](double, size_t pos, size_t neg) {
    tp += pos;
    fp += neg;
    const double recall = static_cast<double>(tp) / static_cast<double>(positives);
    const double precision = static_cast<double>(tp) / static_cast<double>(tp + fp);
    ap += (recall - previous_recall) * precision;
    previous_recall = recall;
  });
  return ap;
}

double BrierScore(std::span<const double> scores, std::span<const uint8_t> labels) {
  if (scores.size() != labels.size() || scores.empty()) return kNaN;
  double sum = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    const double error = scores[i] - (labels[i] != 0 ? 1.0 : 0.0);
    sum += error * error;
  }
  return sum / static_cast<double>(scores.size());
}

Interval BootstrapInterval(const MetricFn& metric, std::span<const double> scores,
                           std::span<const uint8_t> labels, std::span<const uint32_t> groups,
                           int resamples, uint64_t seed, double level) {
  if (scores.size() != labels.size() || scores.size() != groups.size()) {
    return Interval{kNaN, kNaN, kNaN};
  }
  Interval out{metric(scores, labels), kNaN, kNaN};
  if (resamples <= 0 || !(level > 0 && level < 1) || scores.empty()) return out;
  const BootstrapRows rows = PrepareBootstrap(scores, labels, groups);
  std::mt19937_64 rng(seed);
  std::vector<uint32_t> draws(rows.groups);
  std::vector<double> round_scores;
  std::vector<uint8_t> round_labels;
  std::vector<double> values;
  for (int r = 0; r < resamples; ++r) {
    const double v = BootstrapRound(metric, rows, rng, draws, round_scores, round_labels);
    if (!std::isnan(v)) values.push_back(v);
  }
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  out.lo = Quantile(values, (1 - level) / 2);
  out.hi = Quantile(values, (1 + level) / 2);
  return out;
}

std::vector<CalibrationBin> Calibration(std::span<const double> scores,
                                        std::span<const uint8_t> labels, int bins) {
  if (scores.size() != labels.size() || bins <= 0) return {};
  std::vector<double> score_sum(bins, 0), positive(bins, 0);
  std::vector<size_t> count(bins, 0);
  for (size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) continue;
    const double clamped = std::clamp(scores[i], 0.0, 1.0);
    const int bin = std::min(bins - 1, static_cast<int>(clamped * bins));
    score_sum[bin] += clamped;
    positive[bin] += labels[i] != 0 ? 1 : 0;
    ++count[bin];
  }
  std::vector<CalibrationBin> out(bins);
  for (int b = 0; b < bins; ++b) {
    const double n = static_cast<double>(count[b]);
    out[b] = CalibrationBin{static_cast<double>(b) / bins, static_cast<double>(b + 1) / bins,
                            count[b] ? score_sum[b] / n : kNaN, count[b] ? positive[b] / n : kNaN,
                            count[b]};
  }
  return out;
}

std::vector<CurvePoint> RocCurve(std::span<const double> scores, std::span<const uint8_t> labels,
                                 size_t max_points) {
  if (!ValidInput(scores, labels)) return {};
  const size_t positives = CountPositives(labels);
  const size_t negatives = labels.size() - positives;
  if (positives == 0 || negatives == 0) return {};
  std::vector<CurvePoint> points{CurvePoint{0, 0, kInf}};
  size_t tp = 0, fp = 0;
  ForEachTieBlock(SortedDescending(scores, labels), [&](double threshold, size_t pos, size_t neg) {
    tp += pos;
    fp += neg;
    points.push_back(CurvePoint{static_cast<double>(fp) / static_cast<double>(negatives),
                                static_cast<double>(tp) / static_cast<double>(positives),
                                threshold});
  });
  return ThinCurve(std::move(points), max_points);
}

std::vector<CurvePoint> PrCurve(std::span<const double> scores, std::span<const uint8_t> labels,
                                size_t max_points) {
  if (!ValidInput(scores, labels)) return {};
  const size_t positives = CountPositives(labels);
  if (positives == 0) return {};
  std::vector<CurvePoint> points{CurvePoint{0, 1, kInf}};
  size_t tp = 0, fp = 0;
  ForEachTieBlock(SortedDescending(scores, labels), [&](double threshold, size_t pos, size_t neg) {
    tp += pos;
    fp += neg;
    points.push_back(CurvePoint{static_cast<double>(tp) / static_cast<double>(positives),
                                static_cast<double>(tp) / static_cast<double>(tp + fp), threshold});
  });
  return ThinCurve(std::move(points), max_points);
}

std::vector<CurvePoint> ThinCurve(std::vector<CurvePoint> points, size_t max_points) {
  max_points = std::max<size_t>(max_points, 2);
  if (points.size() <= max_points) return points;
  std::vector<CurvePoint> out;
  out.reserve(max_points);
  const size_t last = points.size() - 1;
  for (size_t k = 0; k < max_points; ++k) out.push_back(points[k * last / (max_points - 1)]);
  return out;
}

}  // namespace vigil::ai
