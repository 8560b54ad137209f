// Scoring one stay at one time with a loaded model, with its explanation.
//
// The features come from the same FeatureSet::Compute as training. The
// explanation is XGBoost's TreeSHAP: one contribution per feature in log-odds,
// plus the base value (the bias), so that base_value + Σ contributions equals
// log_odds and probability = 1 / (1 + exp(-log_odds)). Log-odds, base value and
// contributions are on the calibrated scale (ai/model/calibration.h): the raw
// TreeSHAP values multiplied by the calibration slope, the intercept added to
// the base value.
//
// Thread-safety: Predict reads the model; XGBoost prediction on one booster from
// several threads is not guaranteed safe, so callers serialize per model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ai/model/artifact.h"
#include "ai/timeline.h"

namespace vigil::ai {

struct Contribution {
  std::string feature;
  float value;         // the feature's value (NaN = missing)
  float contribution;  // log-odds
};

struct ExplainedPrediction {
  double probability = 0;
  double log_odds = 0;
  double base_value = 0;
  bool alert = false;                       // probability >= the artifact's threshold
  std::vector<Contribution> contributions;  // every feature, largest |contribution| first
};

absl::StatusOr<ExplainedPrediction> Predict(const LoadedModel& model, const Stay& stay, int64_t at_ms);

}  // namespace vigil::ai
