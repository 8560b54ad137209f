// RiskAssessment resources for scores (docs/risk-assessment.md): the shared
// elements, rules (NEWS2, qSOFA, SIRS, MEWS) with their components, and the model with its calibrated
// probability and TreeSHAP explanation in the risk-explanation extension.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "ai/model/artifact.h"
#include "ai/model/predict.h"
#include "ai/scores/early_warning.h"
#include "ai/timeline.h"
#include "fhir/json.h"

namespace vigil::ai {

// The explanation extension (documented in docs/risk-assessment.md).
inline constexpr std::string_view kExplanationExtension =
    "https://vigil.dev/fhir/StructureDefinition/risk-explanation";

// What every assessment of one stay at one time shares.
struct AssessmentContext {
  const Stay& stay;
  int64_t at_ms;
  fhir::Json basis;  // [Reference(Observation)...]
};

// How a rule's RiskAssessment names the rule and the outcome it screens for.
struct RuleMethod {
  std::string_view code;     // RiskAssessment.method code: "news2", "qsofa", "sirs", "mews"
  std::string_view display;  // "NEWS2 (Royal College of Physicians 2017)"
  std::string_view outcome_code;  // SNOMED CT
  std::string_view outcome_display;
  std::string_view outcome_text;
};

// A rule's assessment: qualitativeRisk `qualitative`, and in the explanation
// extension the score, its `band` and every component (value, points).
fhir::Json RuleAssessment(const AssessmentContext& context, const RuleMethod& method,
                          const ScoreResult& result, std::string_view band,
                          std::string_view qualitative);
// RuleAssessment for NEWS2 (band: News2Risk).
fhir::Json News2Assessment(const AssessmentContext& context, const ScoreResult& news2);
// The risk-probability code of a NEWS2 result: high (>= 7), moderate (5-6 or a
// single parameter scoring 3), low.
std::string_view News2Qualitative(const ScoreResult& news2);

// The five largest contributions, then one "(other features)" entry with the sum
// of the rest, so that baseValue + the contributions equals logOdds.
// registry_version: the model registry's version id ("m-..."), named in the
// method and the explanation; "" for an unregistered artifact.
fhir::Json ModelAssessment(const AssessmentContext& context, const LoadedModel& model,
                           const ExplainedPrediction& prediction, std::string_view registry_version = "");

// A Reference to type/id; a Coding (display omitted when empty); a
// CodeableConcept of one Coding (text omitted when empty).
fhir::Json Reference(std::string_view type, std::string_view id);
fhir::Json Coding(std::string_view system, std::string_view code, std::string_view display);
fhir::Json Concept(fhir::Json coding, std::string_view text = "");

}  // namespace vigil::ai
