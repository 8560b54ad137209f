// Training a deterioration model: split by patient, gradient-boosted trees with
// early stopping, a threshold chosen for an acceptable alert burden, and an
// evaluation on held-out patients beside NEWS2 and qSOFA.
//
//   VIGIL_ASSIGN_OR_RETURN(TrainConfig config, ParseTrainConfig(json));
//   VIGIL_ASSIGN_OR_RETURN(TrainedModel m, Train(stays, labels, features, config, progress));
//
// Steps (each reported through `progress`):
//   1. rows: BuildDataset (ai/model/dataset.h) over every labelled stay;
//   2. split: each patient goes to train, validation or test by a hash of its id
//      and the split seed, so that no patient is in two parts;
//   3. XGBoost binary:logistic on the train rows, scale_pos_weight = negatives /
//      positives unless configured, evaluated on validation rows every round;
//      training stops after `early_stopping_rounds` rounds without improvement
//      of the validation metric, and the model is cut back to the best round
//      (early_stopping_rounds 0: no early stopping, every round is kept);
//   4. calibration: Platt scaling of the log-odds on the validation rows
//      (ai/model/calibration.h), undoing the class weighting;
//      threshold: on validation stays, the threshold with the highest PhysioNet
//      utility among those whose alert rate stays at or under
//      max_alert_rate_per_day (the highest candidate if none does);
//   5. report: EvaluateScore on the test rows for the model, NEWS2 (threshold 5)
//      and qSOFA (threshold 2).
//
// Errors: InvalidArgument for a bad config or data that cannot be trained on
// (no labelled stays, no positive rows in a split); Internal from XGBoost.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ai/features.h"
#include "ai/labels.h"
#include "ai/model/booster.h"
#include "ai/model/calibration.h"
#include "ai/model/dataset.h"
#include "ai/timeline.h"
#include "fhir/json.h"

namespace vigil::ai {

struct TrainConfig {
  RowOptions rows;
  uint64_t split_seed = 7;
  double validation_fraction = 0.2;
  double test_fraction = 0.2;
  int num_rounds = 400;
  int early_stopping_rounds = 30;  // 0: keep all num_rounds
  std::string eval_metric = "aucpr";
  std::map<std::string, std::string> xgboost_params;  // passed through to XGBoost
  double max_alert_rate_per_day = 0.04;
  int bootstrap_resamples = 200;
  int threads = 2;
};

// Reads the "label", "split", "xgboost", "threshold" and "evaluation" sections of
// a training config (docs/training.md); other members are the caller's.
absl::StatusOr<TrainConfig> ParseTrainConfig(const fhir::Json& config);

struct TrainedModel {
  std::string model_json;  // XGBoost JSON model
  Calibration calibration;  // fitted on the validation rows
  double threshold = 0.5;   // on the calibrated probability
  int rounds = 0;
  std::string data_fingerprint;  // "sha256:..." of the rows and labels trained on
  fhir::Json report;       // report.json
};

using ProgressFn = std::function<void(std::string_view message)>;

absl::StatusOr<TrainedModel> Train(const std::vector<Stay>& stays, const LabelMap& labels,
                                   const FeatureSet& features, const TrainConfig& config,
                                   const ProgressFn& progress);

// The report of a trained model on other stays, all of them test rows: the
// model at `threshold`, NEWS2 and qSOFA, as in Train's report.
absl::StatusOr<fhir::Json> EvaluateModelOn(const Booster& booster, const Calibration& calibration,
                                           double threshold,
                                           const std::vector<Stay>& stays, const LabelMap& labels,
                                           const FeatureSet& features, const TrainConfig& config);

// Which part a patient belongs to: 0 train, 1 validation, 2 test.
int SplitOf(std::string_view patient_id, const TrainConfig& config);

}  // namespace vigil::ai
