#include "ai/model/calibration.h"

#include <algorithm>

namespace vigil::ai {
namespace {

// Negative log-likelihood, computed stably: log(1 + e^z) - y z.
double Loss(const Calibration& c, std::span<const float> margins, std::span<const float> labels) {
  double loss = 0;
  for (size_t i = 0; i < margins.size(); ++i) {
    const double z = c.LogOdds(margins[i]);
    loss += (z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z))) - labels[i] * z;
  }
  return loss;
}

}  // namespace

Calibration FitPlatt(std::span<const float> margins, std::span<const float> labels) {
  double positives = 0;
  for (float l : labels) positives += l;
  if (positives == 0 || positives == static_cast<double>(labels.size())) return Calibration{};
  Calibration c;
  double loss = Loss(c, margins, labels);
  for (int iteration = 0; iteration < 100; ++iteration) {
    // Gradient and Hessian of the loss in (slope, intercept).
    double g_a = 0, g_b = 0, h_aa = 0, h_ab = 0, h_bb = 0;
    for (size_t i = 0; i < margins.size(); ++i) {
      const double m = margins[i];
      const double p = c.Probability(m);
      const double r = p - labels[i];
      const double w = std::max(p * (1 - p), 1e-12);
      g_a += r * m;
      g_b += r;
      h_aa += w * m * m;
      h_ab += w * m;
      h_bb += w;
    }
    const double det = h_aa * h_bb - h_ab * h_ab;
    if (!(det > 0)) break;
    const double step_a = (h_bb * g_a - h_ab * g_b) / det;
    const double step_b = (h_aa * g_b - h_ab * g_a) / det;
    // Backtracking: Newton steps overshoot when the log-odds are extreme.
    double t = 1;
    Calibration next;
    double next_loss = loss;
    for (int halving = 0; halving < 30; ++halving, t /= 2) {
      next = Calibration{c.slope - t * step_a, c.intercept - t * step_b};
      next_loss = Loss(next, margins, labels);
      if (next_loss <= loss) break;
    }
    if (!(next_loss <= loss)) break;
    const bool converged = loss - next_loss < 1e-9 * (1 + loss);
    c = next;
    loss = next_loss;
    if (converged) break;
  }
  return c;
}

}  // namespace vigil::ai
