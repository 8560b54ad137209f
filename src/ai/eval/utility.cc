#include "ai/eval/utility.h"

#include <algorithm>
#include <limits>
#include <optional>

namespace vigil::ai {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool ValidParams(const UtilityParams& p) {
  return p.dt_early < p.dt_optimal && p.dt_optimal < p.dt_late;
}

// The official t_sepsis = argmax(labels) - dt_optimal; nullopt if not septic.
std::optional<long> SepsisTime(std::span<const uint8_t> labels, const UtilityParams& p) {
  const auto first = std::find_if(labels.begin(), labels.end(), [](uint8_t l) { return l != 0; });
  if (first == labels.end()) return std::nullopt;
  return static_cast<long>(first - labels.begin()) - p.dt_optimal;
}

// The script's lines u = m * t + b, relative to t_sepsis.
struct Lines {
  double m1, b1, m2, b2, m3, b3;
};

Lines MakeLines(const UtilityParams& p) {
  const double m1 = p.max_u_tp / (p.dt_optimal - p.dt_early);
  const double m2 = -p.max_u_tp / (p.dt_late - p.dt_optimal);
  const double m3 = p.min_u_fn / (p.dt_late - p.dt_optimal);
  return Lines{m1, -m1 * p.dt_early, m2, -m2 * p.dt_late, m3, -m3 * p.dt_optimal};
}

// Utility of a septic patient's row; d = t - t_sepsis. The script's branches in order.
double SepticRowUtility(double d, bool predicted, const Lines& l, const UtilityParams& p) {
  if (d > p.dt_late) return 0;  // the script's `t <= t_sepsis + dt_late` guard
  if (predicted) return d <= p.dt_optimal ? std::max(l.m1 * d + l.b1, p.u_fp) : l.m2 * d + l.b2;
  return d <= p.dt_optimal ? 0 : l.m3 * d + l.b3;
}

double Sum(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum;
}

}  // namespace

double PatientUtility(std::span<const uint8_t> labels, std::span<const uint8_t> predictions,
                      const UtilityParams& p) {
  if (labels.size() != predictions.size() || !ValidParams(p)) return kNaN;
  const std::optional<long> t_sepsis = SepsisTime(labels, p);
  const Lines lines = MakeLines(p);
  double total = 0;
  for (size_t t = 0; t < labels.size(); ++t) {
    const bool predicted = predictions[t] != 0;
    if (t_sepsis) {
      const double d = static_cast<double>(static_cast<long>(t) - *t_sepsis);
      total += SepticRowUtility(d, predicted, lines, p);
    } else {
      total += predicted ? p.u_fp : p.u_tn;
    }
  }
  return total;
}

std::vector<uint8_t> BestPredictions(std::span<const uint8_t> labels, const UtilityParams& p) {
  std::vector<uint8_t> best(labels.size(), 0);
  const std::optional<long> t_sepsis = SepsisTime(labels, p);
  if (!t_sepsis) return best;
  const long n = static_cast<long>(labels.size());
  const long begin = std::max(0L, *t_sepsis + p.dt_early);
  const long end = std::min(*t_sepsis + p.dt_late + 1, n);
  for (long t = begin; t < end; ++t) best[t] = 1;  // an empty slice if begin >= end
  return best;
}

double NormalizedUtility(const std::vector<std::vector<uint8_t>>& labels,
                         const std::vector<std::vector<uint8_t>>& predictions,
                         const UtilityParams& p) {
  if (labels.size() != predictions.size() || !ValidParams(p)) return kNaN;
  std::vector<double> observed, best, inaction;
  for (size_t k = 0; k < labels.size(); ++k) {
    if (labels[k].size() != predictions[k].size()) return kNaN;
    const std::vector<uint8_t> zeros(labels[k].size(), 0);
    observed.push_back(PatientUtility(labels[k], predictions[k], p));
    best.push_back(PatientUtility(labels[k], BestPredictions(labels[k], p), p));
    inaction.push_back(PatientUtility(labels[k], zeros, p));
  }
  const double inaction_sum = Sum(inaction);
  return (Sum(observed) - inaction_sum) / (Sum(best) - inaction_sum);
}

}  // namespace vigil::ai
