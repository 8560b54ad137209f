#include "dashboard/risk_history.h"

#include <string>

#include "ai/live/alert_flag.h"
#include "ai/live/risk_assessment.h"
#include "ai/timeline.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "dashboard/json_util.h"
#include "dashboard/store_reads.h"

namespace vigil::dashboard {
namespace {

using fhir::Json;

constexpr std::string_view kScorerSystem = "https://vigil.dev/fhir/CodeSystem/scorer";

const Json* Explanation(const Json& ra) { return ExtensionOf(ra, ai::kExplanationExtension); }

std::optional<double> SubDecimal(const Json& ext, std::string_view url) {
  const Json* part = SubExtension(ext, url);
  return part == nullptr ? std::nullopt : NumberOf(part->Find("valueDecimal"));
}

Json OptionalNum(std::optional<double> v) { return v ? Num(*v) : Json(); }

Json Common(const Json& ra, const ScoreReading& s) {
  Json out = Json::Object();
  out.Set("time", InstantOrNull(s.time_ms));
  const Json* encounter = ra.Find("encounter");
  out.Set("encounter", Str(encounter == nullptr ? "" : TextAt(*encounter, "reference")));
  out.Set("assessment", Str(StrCat("RiskAssessment/", TextAt(ra, "id"))));
  return out;
}

Json News2Point(const Json& ra, const ScoreReading& s) {
  Json out = Common(ra, s);
  out.Set("score", s.score ? Int(*s.score) : Json());
  out.Set("band", Str(s.band));
  return out;
}

Json ModelPoint(const Json& ra, const ScoreReading& s) {
  Json out = Common(ra, s);
  out.Set("probability", OptionalNum(s.probability));
  out.Set("risk", Str(s.band));
  out.Set("threshold", OptionalNum(s.threshold));
  out.Set("model", Str(s.model_name));
  return out;
}

// The repeated complex sub-extensions `url` of the explanation, each as an object
// of its parts (valueString / valueDecimal / valueInteger read as they are).
Json Parts(const Json& explanation, std::string_view url) {
  Json out = Json::Array();
  const Json* parts = explanation.Find("extension");
  if (parts == nullptr) return out;
  for (const Json& part : parts->items()) {
    if (TextAt(part, "url") != url) continue;
    Json item = Json::Object();
    if (const Json* fields = part.Find("extension")) {
      for (const Json& f : fields->items()) {
        for (const char* key : {"valueString", "valueDecimal", "valueInteger"}) {
          if (const Json* v = f.Find(key)) item.Set(std::string(TextAt(f, "url")), *v);
        }
      }
    }
    out.Push(std::move(item));
  }
  return out;
}

Json LatestNews2(const Json& ra, const ScoreReading& s) {
  Json out = News2Point(ra, s);
  const Json* explanation = Explanation(ra);
  out.Set("components", explanation == nullptr ? Json::Array() : Parts(*explanation, "component"));
  return out;
}

Json LatestModel(const Json& ra, const ScoreReading& s) {
  Json out = ModelPoint(ra, s);
  const Json* explanation = Explanation(ra);
  const Json* version = explanation == nullptr ? nullptr : SubExtension(*explanation, "modelVersion");
  out.Set("modelVersion", Str(version == nullptr ? "" : TextAt(*version, "valueString")));
  out.Set("logOdds", explanation == nullptr ? Json() : OptionalNum(SubDecimal(*explanation, "logOdds")));
  out.Set("baseValue", explanation == nullptr ? Json() : OptionalNum(SubDecimal(*explanation, "baseValue")));
  out.Set("contributions", explanation == nullptr ? Json::Array() : Parts(*explanation, "contribution"));
  return out;
}

std::optional<int64_t> PeriodStart(const Json& flag) {
  const Json* period = flag.Find("period");
  return ParseFhirDateTimeMs(period == nullptr ? "" : TextAt(*period, "start"));
}

}  // namespace

std::optional<ScoreReading> ReadScore(const Json& ra) {
  const Json* method = ra.Find("method");
  const Json* codings = method == nullptr ? nullptr : method->Find("coding");
  if (codings == nullptr) return std::nullopt;
  ScoreReading s;
  bool ours = false;
  for (const Json& c : codings->items()) {
    if (TextAt(c, "system") != kScorerSystem) continue;
    std::string_view code = TextAt(c, "code");
    if (code == "news2" || code.starts_with("model:")) {
      ours = true;
      s.model = code != "news2";
      if (s.model) s.model_name = std::string(code.substr(6));
      break;
    }
  }
  if (!ours) return std::nullopt;
  s.time_ms = ParseFhirDateTimeMs(TextAt(ra, "occurrenceDateTime"));
  const Json* predictions = ra.Find("prediction");
  if (predictions != nullptr && !predictions->items().empty()) {
    const Json& p = predictions->items().front();
    s.probability = NumberOf(p.Find("probabilityDecimal"));
    std::optional<Code> risk = FirstCoding(p.Find("qualitativeRisk"));
    if (risk) s.band = risk->code;
  }
  if (const Json* explanation = Explanation(ra)) {
    if (s.model) {
      s.threshold = SubDecimal(*explanation, "threshold");
    } else {
      const Json* score = SubExtension(*explanation, "score");
      std::optional<double> total = score == nullptr ? std::nullopt : NumberOf(score->Find("valueInteger"));
      if (total) s.score = static_cast<int64_t>(*total);
      const Json* band = SubExtension(*explanation, "band");
      if (band != nullptr) s.band = std::string(TextAt(*band, "valueCode"));
    }
  }
  return s;
}

bool IsActiveAlert(const Json& flag) {
  if (TextAt(flag, "status") != "active") return false;
  std::optional<Code> code = FirstCoding(flag.Find("code"));
  return code && code->system == ai::kAlertCodeSystem;
}

Json AlertJson(const Json& flag) {
  Json out = Json::Object();
  out.Set("id", Str(TextAt(flag, "id")));
  out.Set("status", Str(TextAt(flag, "status")));
  out.Set("text", Str(ConceptLabel(flag.Find("code"))));
  const Json* period = flag.Find("period");
  std::string_view end = period == nullptr ? "" : TextAt(*period, "end");
  out.Set("start", InstantOrNull(PeriodStart(flag)));
  out.Set("end", end.empty() ? Json() : Str(end));
  const Json* encounter = flag.Find("encounter");
  out.Set("encounter", Str(encounter == nullptr ? "" : TextAt(*encounter, "reference")));
  const Json* raised = ExtensionOf(flag, ai::kRaisedByExtension);
  const Json* raised_ref = raised == nullptr ? nullptr : raised->Find("valueReference");
  out.Set("raisedBy", Str(raised_ref == nullptr ? "" : TextAt(*raised_ref, "reference")));
  return out;
}

Json BuildRiskHistory(std::string_view patient_id, const std::vector<Json>& assessments,
                      const std::vector<Json>& flags) {
  Json news2 = Json::Array(), model = Json::Array();
  const Json* latest_news2 = nullptr;
  const Json* latest_model = nullptr;
  std::optional<ScoreReading> news2_reading, model_reading;
  for (const Json& ra : assessments) {
    std::optional<ScoreReading> s = ReadScore(ra);
    if (!s) continue;
    if (s->model) {
      model.Push(ModelPoint(ra, *s));
      latest_model = &ra;
      model_reading = std::move(s);
    } else {
      news2.Push(News2Point(ra, *s));
      latest_news2 = &ra;
      news2_reading = std::move(s);
    }
  }
  const Json* alert = nullptr;
  for (const Json& flag : flags) {
    if (!IsActiveAlert(flag)) continue;
    if (alert == nullptr || PeriodStart(flag).value_or(0) >= PeriodStart(*alert).value_or(0)) alert = &flag;
  }
  Json out = Json::Object();
  out.Set("patient", Str(StrCat("Patient/", patient_id)));
  out.Set("news2", std::move(news2));
  out.Set("model", std::move(model));
  out.Set("latestNews2", latest_news2 == nullptr ? Json() : LatestNews2(*latest_news2, *news2_reading));
  out.Set("latestModel", latest_model == nullptr ? Json() : LatestModel(*latest_model, *model_reading));
  out.Set("alert", alert == nullptr ? Json() : AlertJson(*alert));
  return out;
}

absl::StatusOr<Json> RiskHistory(store::Reader& reader, const search::Registry& registry,
                                 std::string_view patient_id) {
  const std::string patient = StrCat("Patient/", patient_id);
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> assessments,
                         SearchAll(reader, registry, "RiskAssessment", {{"patient", patient}, {"_sort", "date"}},
                                   kMaxRiskAssessments));
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> flags, SearchAll(reader, registry, "Flag", {{"patient", patient}}, 1000));
  return BuildRiskHistory(patient_id, assessments, flags);
}

}  // namespace vigil::dashboard
