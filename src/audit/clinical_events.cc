#include "audit/clinical_events.h"

#include <cmath>

#include <fmt/format.h>

#include "audit/event_json.h"
#include "fhir/json.h"

namespace vigil::audit {
namespace {

using fhir::Json;
using internal::Detail;
using internal::Entity;
using internal::EventHeader;

std::string Num(double v) { return fmt::format("{:.6g}", std::isfinite(v) ? v : 0.0); }

Json Event(std::string_view type, std::string_view subtype, std::string_view action, int64_t time_ms,
           std::string_view who, bool requestor, std::string_view site) {
  EventHeader h;
  h.type_system = kClinicalAuditTypes;
  h.type = type;
  h.subtype_system = kClinicalAuditTypes;
  h.subtype = subtype;
  h.action = action;
  h.time_ms = time_ms;
  h.who = who;
  h.requestor = requestor;
  h.site = site;
  return internal::Event(h);
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
