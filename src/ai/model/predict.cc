#include "ai/model/predict.h"

#include <algorithm>
#include <cmath>

#include "base/status.h"

namespace vigil::ai {

absl::StatusOr<ExplainedPrediction> Predict(const LoadedModel& model, const Stay& stay, int64_t at_ms) {
  const size_t n = model.features.size();
  std::vector<float> x(n);
  model.features.Compute(stay, at_ms, x);
  VIGIL_ASSIGN_OR_RETURN(Matrix m, Matrix::Create(x, 1, n));
  VIGIL_ASSIGN_OR_RETURN(std::vector<float> contrib, model.booster.PredictContributions(m));
  if (contrib.size() != n + 1) return absl::InternalError("unexpected TreeSHAP output size");
  ExplainedPrediction p;
  // Calibration is affine in log-odds, so it distributes over the contributions.
  const Calibration& c = model.calibration;
  p.base_value = c.LogOdds(contrib[n]);
  p.log_odds = p.base_value;
  for (size_t j = 0; j < n; ++j) {
    const float scaled = static_cast<float>(c.slope * contrib[j]);
    p.log_odds += scaled;
    p.contributions.push_back(Contribution{model.features.names()[j], x[j], scaled});
  }
  p.probability = 1.0 / (1.0 + std::exp(-p.log_odds));
  p.alert = p.probability >= model.threshold;
  std::stable_sort(p.contributions.begin(), p.contributions.end(), [](const Contribution& a, const Contribution& b) {
    return std::abs(a.contribution) > std::abs(b.contribution);
  });
  return p;
}

}  // namespace vigil::ai
