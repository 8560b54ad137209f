// GET /api/patients/{id}/risk: the patient's scores over time and the latest
// explanation, read from the RiskAssessments and Flags that live scoring writes
// (docs/risk-assessment.md; format in docs/dashboard.md).
//
//   news2        [{time, score, band, encounter, assessment}], oldest first
//   model        [{time, probability, risk, threshold, model, encounter, assessment}]
//   latestNews2  the newest NEWS2 assessment with its components, or null
//   latestModel  the newest model assessment with its TreeSHAP contributions
//                (feature, value, contribution in log-odds), or null
//   alert        the newest active Vigil alert Flag (code system
//                https://vigil.dev/fhir/CodeSystem/alert), or null
//
// A RiskAssessment is NEWS2 when its method code is "news2" and a model score
// when it is "model:<name>" (system https://vigil.dev/fhir/CodeSystem/scorer);
// others are ignored. At most kMaxRiskAssessments are read.
//
// Errors: the store's. Thread-safety: functions of their arguments.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::dashboard {

inline constexpr size_t kMaxRiskAssessments = 20000;

absl::StatusOr<fhir::Json> RiskHistory(store::Reader& reader, const search::Registry& registry,
                                       std::string_view patient_id);

// The history from already-read resources (RiskAssessments in time order, Flags any order).
fhir::Json BuildRiskHistory(std::string_view patient_id, const std::vector<fhir::Json>& assessments,
                            const std::vector<fhir::Json>& flags);

// One scorer's reading of a RiskAssessment, as the ward board and the history use it.
struct ScoreReading {
  bool model = false;  // false: NEWS2
  std::string model_name;
  std::optional<int64_t> time_ms;
  std::optional<double> probability;  // model
  std::optional<double> threshold;    // model
  std::optional<int64_t> score;       // NEWS2 total
  std::string band;                   // NEWS2 band; model: qualitativeRisk code
};
// nullopt when the RiskAssessment is not one of Vigil's scorers.
std::optional<ScoreReading> ReadScore(const fhir::Json& assessment);

// The Flag as the dashboard shows it: {id, status, text, start, end, encounter, raisedBy}.
fhir::Json AlertJson(const fhir::Json& flag);
// Whether a Flag is an active Vigil alert.
bool IsActiveAlert(const fhir::Json& flag);

}  // namespace vigil::dashboard
