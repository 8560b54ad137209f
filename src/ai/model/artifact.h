// The model artifact: a folder that holds everything needed to score with a
// trained model and to know where it came from (docs/formats/model_artifact.md).
//
//   artifact.json   manifest: format, task, model file + SHA-256, XGBoost version,
//                   feature names, threshold, training-data fingerprint, headline metrics
//   model.json      the XGBoost model (XGBoost's own JSON format)
//   features.json   the feature spec (ai/features.h)
//   report.json     the evaluation report (ai/model/evaluate.h keys)
//   report.html     the same, readable, with ROC / PR / calibration plots
//   model_card.md   intended use, data, metrics, limitations
//
// WriteArtifact creates the folder (it must not exist or be empty); LoadArtifact
// checks the manifest's format and the SHA-256 of model.json and features.json
// before trusting them.
// Errors: InvalidArgument for a damaged or foreign artifact, NotFound for a
// missing file, Internal for I/O failures.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ai/features.h"
#include "ai/model/booster.h"
#include "ai/model/train.h"
#include "fhir/json.h"

namespace vigil::ai {

struct ArtifactInfo {
  std::string name;                  // e.g. "sepsis-6h"
  std::vector<std::string> sources;  // where the training data came from
  int64_t created_ms = 0;
};

absl::Status WriteArtifact(const std::string& dir, const TrainedModel& model, const FeatureSet& features,
                           const TrainConfig& config, const ArtifactInfo& info);

struct LoadedModel {
  Booster booster;
  FeatureSet features;
  Calibration calibration;
  double threshold = 0.5;
  RowOptions rows;  // the label definition it was trained with (manifest "task")
  fhir::Json manifest;
};

absl::StatusOr<LoadedModel> LoadArtifact(const std::string& dir);

// The readable pages, from report.json (also used by `vigil evaluate`).
std::string ReportHtml(const fhir::Json& report, std::string_view title);
std::string ModelCard(const fhir::Json& manifest, const fhir::Json& report);

}  // namespace vigil::ai
