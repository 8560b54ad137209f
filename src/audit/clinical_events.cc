#include "audit/clinical_events.h"

#include <cmath>

#include <fmt/format.h>

#include "base/time.h"
#include "fhir/json.h"

namespace vigil::audit {
namespace {

using fhir::Json;

constexpr const char* kEntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
constexpr const char* kObjectRole = "http://terminology.hl7.org/CodeSystem/object-role";

Json Str(std::string_view s) { return Json::String(std::string(s)); }

Json Coding(std::string_view system, std::string_view code) {
  Json c = Json::Object();
  c.Set("system", Str(system));
  c.Set("code", Str(code));
  return c;
}

std::string Num(double v) { return fmt::format("{:.6g}", std::isfinite(v) ? v : 0.0); }

void Detail(Json& details, std::string_view type, std::string_view value) {
  Json d = Json::Object();
  d.Set("type", Str(type));
  d.Set("valueString", Str(value));
  details.Push(std::move(d));
}

Json Entity(std::string_view reference, std::string_view role) {
  Json e = Json::Object();
  if (!reference.empty()) {
    Json what = Json::Object();
    what.Set("reference", Str(reference));
    e.Set("what", std::move(what));
  }
  e.Set("type", Coding(kEntityType, "2"));  // System Object
  e.Set("role", Coding(kObjectRole, role));
  return e;
}

Json Event(std::string_view type, std::string_view subtype, std::string_view action, int64_t time_ms,
           std::string_view who, bool requestor, std::string_view site) {
  Json ev = Json::Object();
  ev.Set("resourceType", Str("AuditEvent"));
  ev.Set("type", Coding(kClinicalAuditTypes, type));
  Json subtypes = Json::Array();
  subtypes.Push(Coding(kClinicalAuditTypes, subtype));
  ev.Set("subtype", std::move(subtypes));
  ev.Set("action", Str(action));
  ev.Set("recorded", Str(FormatInstant(time_ms)));
  ev.Set("outcome", Str("0"));
  Json agent = Json::Object();
  Json whoj = Json::Object();
  whoj.Set("display", Str(who));
  agent.Set("who", std::move(whoj));
  agent.Set("requestor", requestor ? Json::Bool(true) : Json::Bool(false));
  Json agents = Json::Array();
  agents.Push(std::move(agent));
  ev.Set("agent", std::move(agents));
  Json source = Json::Object();
  if (!site.empty()) source.Set("site", Str(site));
  Json observer = Json::Object();
  observer.Set("display", Str("Vigil FHIR server"));
  source.Set("observer", std::move(observer));
  ev.Set("source", std::move(source));
  return ev;
}

}  // namespace

std::string PredictionAuditJson(const PredictionFacts& f) {
  Json ev = Event("prediction", f.mode, f.mode == "live" ? "C" : "E", f.time_ms,
                  f.scorer + " " + f.version, false, f.site);
  Json entities = Json::Array();
  if (!f.patient_id.empty()) entities.Push(Entity("Patient/" + f.patient_id, "1"));
  Json result = Entity(f.assessment_id.empty() ? "" : "RiskAssessment/" + f.assessment_id, "4");
  Json details = Json::Array();
  Detail(details, "scorer", f.scorer);
  Detail(details, "modelVersion", f.version);
  if (!f.card.empty()) Detail(details, "card", f.card);
  if (!f.encounter_id.empty()) Detail(details, "encounter", "Encounter/" + f.encounter_id);
  if (f.probability) Detail(details, "probability", Num(*f.probability));
  if (f.threshold) Detail(details, "threshold", Num(*f.threshold));
  Detail(details, "decision", f.decision);
  std::string explanation;
  for (const auto& [name, value] : f.top) {
    if (!explanation.empty()) explanation += "; ";
    explanation += name + " " + (value >= 0 ? "+" : "") + Num(value);
  }
  if (!explanation.empty()) Detail(details, "explanation", explanation);
  result.Set("detail", std::move(details));
  entities.Push(std::move(result));
  for (const std::string& input : f.inputs) entities.Push(Entity(input, "3"));  // Report
  ev.Set("entity", std::move(entities));
  return fhir::WriteJson(ev);
}

std::string FeedbackAuditJson(const FeedbackFacts& f) {
  Json ev = Event("feedback", f.source, "U", f.time_ms, f.user.empty() ? "unknown clinician" : f.user, true,
                  f.site);
  Json entities = Json::Array();
  if (!f.patient_id.empty()) entities.Push(Entity("Patient/" + f.patient_id, "1"));
  Json target = Entity(f.target.find('/') != std::string::npos ? f.target : "", "4");
  Json details = Json::Array();
  if (f.target.find('/') == std::string::npos) Detail(details, "card", f.target);
  Detail(details, "outcome", f.outcome);
  if (!f.reason.empty()) Detail(details, "reason", f.reason);
  if (!f.scorer_version.empty()) Detail(details, "modelVersion", f.scorer_version);
  target.Set("detail", std::move(details));
  entities.Push(std::move(target));
  ev.Set("entity", std::move(entities));
  return fhir::WriteJson(ev);
}

}  // namespace vigil::audit
