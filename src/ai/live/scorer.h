// Scorers: rules (NEWS2, qSOFA, SIRS, MEWS) and models behind one interface, so live scoring,
// CDS Hooks and shadow evaluation treat them alike.
//
//   std::shared_ptr<const Scorer> news2 = News2Scorer();
//   std::shared_ptr<const Scorer> model = ModelScorer(loaded, "m-0123456789abcdef");
//   absl::StatusOr<Scored> s = model->Score(context);  // s->assessment: a RiskAssessment
//
// A Scorer scores one stay at one time (AssessmentContext) into the
// RiskAssessment it would write (docs/risk-assessment.md) plus what the audit
// trail, the metrics and alerting need: the probability and threshold (models),
// the decision and the top explanation values.
//
// Thread-safety: Score is const and may run on several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "ai/live/risk_assessment.h"
#include "ai/model/artifact.h"
#include "fhir/json.h"

namespace vigil::ai {

// One explanation value: a model feature (value, log-odds contribution) or a
// rule component (measured value, points).
struct TopValue {
  std::string name;
  std::optional<double> value;
  double contribution = 0;
};

struct Scored {
  fhir::Json assessment;              // a RiskAssessment, not yet stored
  std::optional<double> probability;  // models: calibrated, 0..1
  double threshold = 0;               // models: the alerting threshold
  std::string decision;               // the qualitativeRisk code: high, moderate, low
  // The largest explanation values, largest |contribution| first (rules: the
  // components that scored points).
  std::vector<TopValue> top;
};

class Scorer {
 public:
  virtual ~Scorer() = default;
  // The RiskAssessment.method code: "news2", "model:<artifact name>".
  virtual const std::string& id() const = 0;
  // What exactly scored: "RCP-2017" for NEWS2, the registry version id (or the
  // model's SHA-256 for an unregistered artifact) for models.
  virtual const std::string& version() const = 0;
  // How far back the scorer looks for measurements.
  virtual int64_t lookback_ms() const = 0;
  virtual absl::StatusOr<Scored> Score(const AssessmentContext& context) const = 0;
};

std::shared_ptr<const Scorer> News2Scorer();
// A bedside rule by its method code: "news2", "qsofa", "sirs" or "mews"
// (ai/scores/early_warning.h). InvalidArgument for another name.
// qualitativeRisk: NEWS2 and MEWS by band (MEWS >= 5 high, 3-4 moderate);
// qSOFA >= 2 high; SIRS >= 2 moderate (a sensitive, unspecific screen).
absl::StatusOr<std::shared_ptr<const Scorer>> RuleScorer(std::string_view name);

// version: the registry version id, or "" for an artifact loaded from a folder
// (its model SHA-256 is used then).
std::shared_ptr<const Scorer> ModelScorer(std::shared_ptr<const LoadedModel> model, std::string version);

// What scores at a given moment: `shown` are written as RiskAssessments (the
// first with a probability drives the alert Flag); `shadow` are scored and
// reported to the observer only, never written nor shown.
struct ActiveScorers {
  std::vector<std::shared_ptr<const Scorer>> shown;
  std::vector<std::shared_ptr<const Scorer>> shadow;

  // The first shown model ("model:..."), or null.
  std::shared_ptr<const Scorer> model() const;
  // The shown scorer with this method code ("news2"), or null.
  std::shared_ptr<const Scorer> rule(std::string_view id) const;
};

}  // namespace vigil::ai
