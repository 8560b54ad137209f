#include "ai/live/risk_assessment.h"

#include <cmath>
#include <optional>
#include <string>

#include "base/str.h"
#include "base/time.h"

namespace vigil::ai {
namespace {

using fhir::Json;

constexpr size_t kTopContributions = 5;
constexpr std::string_view kRiskProbability = "http://terminology.hl7.org/CodeSystem/risk-probability";

Json Number(double v) { return Json::Number(fmt::format("{:.6g}", std::isfinite(v) ? v : 0.0)); }



Json Ext(std::string_view url, std::string_view value_type, Json value) {
  Json e = Json::Object();
  e.Set("url", Json::String(std::string(url)));
  e.Set(std::string(value_type), std::move(value));
  return e;
}


Json Base(const AssessmentContext& c, std::string_view method_code, std::string_view method_display) {
  Json ra = Json::Object();
  ra.Set("resourceType", Json::String("RiskAssessment"));
  ra.Set("status", Json::String("final"));
  ra.Set("subject", Reference("Patient", c.stay.patient_id));
  ra.Set("encounter", Reference("Encounter", c.stay.encounter_id));
  ra.Set("occurrenceDateTime", Json::String(FormatInstant(c.at_ms)));
  ra.Set("method", Concept(Coding("https://vigil.dev/fhir/CodeSystem/scorer", method_code, method_display)));
  ra.Set("basis", c.basis);
  return ra;
}

void SetPrediction(Json& ra, Json outcome, std::optional<double> probability, std::string_view risk_code) {
  Json prediction = Json::Object();
  prediction.Set("outcome", std::move(outcome));
  if (probability) prediction.Set("probabilityDecimal", Number(*probability));
  prediction.Set("qualitativeRisk", Concept(Coding(kRiskProbability, risk_code, "")));
  Json predictions = Json::Array();
  predictions.Push(std::move(prediction));
  ra.Set("prediction", std::move(predictions));
}

void SetExplanation(Json& ra, Json parts) {
  Json explanation = Json::Object();
  explanation.Set("url", Json::String(std::string(kExplanationExtension)));
  explanation.Set("extension", std::move(parts));
  Json extensions = Json::Array();
  extensions.Push(std::move(explanation));
  ra.Set("extension", std::move(extensions));
}

// A complex sub-extension: {"url": url, "extension": parts}.
Json Complex(std::string_view url, Json parts) {
  Json e = Json::Object();
  e.Set("url", Json::String(std::string(url)));
  e.Set("extension", std::move(parts));
  return e;
}

Json ContributionPart(std::string feature, std::optional<float> value, double amount) {
  Json sub = Json::Array();
  sub.Push(Ext("feature", "valueString", Json::String(std::move(feature))));
  if (value && std::isfinite(*value)) sub.Push(Ext("value", "valueDecimal", Number(*value)));
  sub.Push(Ext("contribution", "valueDecimal", Number(amount)));
  return Complex("contribution", std::move(sub));
}

}  // namespace

std::string_view News2Qualitative(const ScoreResult& news2) {
  const std::string_view risk = News2Risk(news2);
  if (risk == "high") return "high";
  if (risk == "medium" || risk == "low-medium") return "moderate";
  return "low";
}

Json Coding(std::string_view system, std::string_view code, std::string_view display) {
  Json c = Json::Object();
  c.Set("system", Json::String(std::string(system)));
  c.Set("code", Json::String(std::string(code)));
  if (!display.empty()) c.Set("display", Json::String(std::string(display)));
  return c;
}

Json Concept(Json coding, std::string_view text) {
  Json cc = Json::Object();
  Json codings = Json::Array();
  codings.Push(std::move(coding));
  cc.Set("coding", std::move(codings));
  if (!text.empty()) cc.Set("text", Json::String(std::string(text)));
  return cc;
}

Json Reference(std::string_view type, std::string_view id) {
  Json r = Json::Object();
  r.Set("reference", Json::String(StrCat(type, "/", id)));
  return r;
}

Json RuleAssessment(const AssessmentContext& context, const RuleMethod& method, const ScoreResult& result,
                    std::string_view band, std::string_view qualitative) {
  Json ra = Base(context, method.code, method.display);
  SetPrediction(ra,
                Concept(Coding("http://snomed.info/sct", method.outcome_code, method.outcome_display),
                        method.outcome_text),
                std::nullopt, qualitative);
  Json parts = Json::Array();
  parts.Push(Ext("score", "valueInteger", Json::Number(std::to_string(result.total))));
  parts.Push(Ext("band", "valueCode", Json::String(std::string(band))));
  for (const ScoreComponent& c : result.components) {
    Json sub = Json::Array();
    sub.Push(Ext("name", "valueString", Json::String(std::string(c.name))));
    if (c.value) sub.Push(Ext("value", "valueDecimal", Number(*c.value)));
    sub.Push(Ext("points", "valueInteger", Json::Number(std::to_string(c.points))));
    parts.Push(Complex("component", std::move(sub)));
  }
  SetExplanation(ra, std::move(parts));
  return ra;
}

Json News2Assessment(const AssessmentContext& context, const ScoreResult& news2) {
  static constexpr RuleMethod kNews2{"news2", "NEWS2 (Royal College of Physicians 2017)", "271594007",
                                     "Deterioration", "Clinical deterioration"};
  return RuleAssessment(context, kNews2, news2, News2Risk(news2), News2Qualitative(news2));
}

Json ModelAssessment(const AssessmentContext& context, const LoadedModel& model, const ExplainedPrediction& p,
                     std::string_view registry_version) {
  const Json* name = model.manifest.Find("name");
  const Json* model_section = model.manifest.Find("model");
  const Json* sha = model_section == nullptr ? nullptr : model_section->Find("sha256");
  const std::string model_name = name != nullptr ? name->text() : "model";
  const std::string version = sha != nullptr ? sha->text() : "";
  Json ra = Base(context, StrCat("model:", model_name),
                 StrCat(model_name, " ", registry_version.starts_with("m-") ? registry_version : version));
  SetPrediction(ra, Concept(Coding("http://snomed.info/sct", "91302008", "Sepsis"), "Sepsis"), p.probability,
                p.alert ? "high" : "low");
  Json parts = Json::Array();
  parts.Push(Ext("modelVersion", "valueString", Json::String(version)));
  if (registry_version.starts_with("m-")) {
    parts.Push(Ext("registryVersion", "valueString", Json::String(std::string(registry_version))));
  }
  parts.Push(Ext("threshold", "valueDecimal", Number(model.threshold)));
  parts.Push(Ext("logOdds", "valueDecimal", Number(p.log_odds)));
  parts.Push(Ext("baseValue", "valueDecimal", Number(p.base_value)));
  double rest = 0;
  for (size_t i = 0; i < p.contributions.size(); ++i) {
    const ai::Contribution& c = p.contributions[i];
    if (i < kTopContributions) {
      parts.Push(ContributionPart(c.feature, c.value, c.contribution));
    } else {
      rest += c.contribution;
    }
  }
  if (p.contributions.size() > kTopContributions) {
    parts.Push(ContributionPart("(other features)", std::nullopt, rest));
  }
  SetExplanation(ra, std::move(parts));
  return ra;
}

}  // namespace vigil::ai
