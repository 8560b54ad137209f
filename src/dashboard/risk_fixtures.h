// Test fixtures: RiskAssessments and Flags as live scoring writes them
// (ai/live/risk_assessment.h, alert_flag.h; docs/risk-assessment.md).
#pragma once

#include <string>
#include <string_view>

#include "ai/live/risk_assessment.h"
#include "ai/scores/early_warning.h"
#include "base/str.h"
#include "base/time.h"
#include "fhir/json.h"

namespace vigil::dashboard::testing {

// A NEWS2 RiskAssessment made by the live scorer's own code.
inline std::string News2Ra(std::string_view id, std::string_view patient, std::string_view encounter, int64_t at_ms,
                           double respiratory_rate, double heart_rate) {
  ai::Stay stay;
  stay.patient_id = std::string(patient);
  stay.encounter_id = std::string(encounter);
  ai::VitalSigns v;
  v.respiratory_rate = respiratory_rate;
  v.heart_rate = heart_rate;
  v.spo2 = 97;
  v.temperature = 37;
  v.systolic_bp = 120;
  v.gcs = 15;
  const ai::AssessmentContext context{stay, at_ms, fhir::Json::Array()};
  fhir::Json ra = ai::News2Assessment(context, ai::News2(v));
  ra.Set("id", fhir::Json::String(std::string(id)));
  return fhir::WriteJson(ra);
}

// A model RiskAssessment in the documented shape, with two contributions.
inline std::string ModelRa(std::string_view id, std::string_view patient, std::string_view encounter,
                           std::string_view time, std::string_view probability) {
  return StrCat(
      R"({"resourceType":"RiskAssessment","id":")", id, R"(","status":"final",)",
      R"("subject":{"reference":"Patient/)", patient, R"("},"encounter":{"reference":"Encounter/)", encounter,
      R"("},"occurrenceDateTime":")", time, R"(",)",
      R"("method":{"coding":[{"system":"https://vigil.dev/fhir/CodeSystem/scorer","code":"model:sepsis-6h","display":"sepsis-6h sha256:ab"}]},)",
      R"("prediction":[{"outcome":{"coding":[{"system":"http://snomed.info/sct","code":"91302008"}]},"probabilityDecimal":)",
      probability,
      R"(,"qualitativeRisk":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/risk-probability","code":"high"}]}}],)",
      R"("extension":[{"url":"https://vigil.dev/fhir/StructureDefinition/risk-explanation","extension":[)",
      R"({"url":"modelVersion","valueString":"sha256:ab"},{"url":"threshold","valueDecimal":0.135},)",
      R"({"url":"logOdds","valueDecimal":-0.8},{"url":"baseValue","valueDecimal":-3.1},)",
      R"({"url":"contribution","extension":[{"url":"feature","valueString":"lactate.last"},{"url":"value","valueDecimal":3.4},{"url":"contribution","valueDecimal":1.9}]},)",
      R"j({"url":"contribution","extension":[{"url":"feature","valueString":"(other features)"},{"url":"contribution","valueDecimal":0.4}]}]}]})j");
}

// A Vigil alert Flag (ai/live/alert_flag.h's shape).
inline std::string AlertFlag(std::string_view id, std::string_view patient, std::string_view encounter,
                             std::string_view status, std::string_view start) {
  return StrCat(
      R"({"resourceType":"Flag","id":")", id,
      R"(","extension":[{"url":"https://vigil.dev/fhir/StructureDefinition/raised-by","valueReference":{"reference":"RiskAssessment/m1"}}],)",
      R"("status":")", status,
      R"(","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/flag-category","code":"clinical"}]}],)",
      R"j("code":{"coding":[{"system":"https://vigil.dev/fhir/CodeSystem/alert","code":"sepsis-risk"}],"text":"Sepsis risk 31% (threshold 14%)"},)j",
      R"("subject":{"reference":"Patient/)", patient, R"("},"period":{"start":")", start,
      R"("},"encounter":{"reference":"Encounter/)", encounter, R"("}})");
}

}  // namespace vigil::dashboard::testing
