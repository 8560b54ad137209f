// Evaluation of a risk score on dataset rows: the numbers of report.json.
//
// For one score (the model's probability, or NEWS2 / qSOFA as baselines) over a
// subset of rows: AUROC and AUPRC with 95% bootstrap intervals over stays, the
// PhysioNet 2019 normalized utility, and the stay-level alert statistics at the
// given threshold (ai/eval/alerts.h: alert_rate is alerted stay-days per stay-day),
// plus ROC/PR curve points and — for probabilities — a calibration table and the
// Brier score. Keys are documented in docs/formats/model_artifact.md.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ai/model/dataset.h"
#include "fhir/json.h"

namespace vigil::ai {

struct EvalOptions {
  int bootstrap_resamples = 200;
  uint64_t seed = 1;
  bool probability = false;  // calibration and Brier score
  bool curves = true;
};

// scores has one value per dataset row; only `rows` are evaluated (all rows of
// the stays they belong to must be included, in stay order).
fhir::Json EvaluateScore(const Dataset& d, const std::vector<size_t>& rows, std::span<const float> scores,
                         double threshold, const EvalOptions& options);

// Utility and alert rate only (threshold search). Returns {utility, alert_rate_per_day}.
std::pair<double, double> UtilityAndAlertRate(const Dataset& d, const std::vector<size_t>& rows,
                                              std::span<const float> scores, double threshold);

// Json number helpers shared by the report writers; NaN becomes null.
fhir::Json JsonNumber(double v);

}  // namespace vigil::ai
