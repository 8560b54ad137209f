#include "ai/cds/cds_hooks.h"

#include <cmath>

#include <fmt/format.h>

#include "ai/signals.h"
#include "ai/timeline.h"
#include "base/http_error.h"
#include "base/str.h"

namespace vigil::ai {
namespace {

using fhir::Json;

constexpr const char* kOverrideSystem = "https://vigil.dev/fhir/CodeSystem/cds-override-reason";

Json Str(std::string_view s) { return Json::String(std::string(s)); }

std::string Text(const Json* j) { return j != nullptr && j->is_string() ? j->text() : std::string(); }

Json OverrideReason(std::string_view code, std::string_view display) {
  Json c = Json::Object();
  c.Set("code", Str(code));
  c.Set("system", Str(kOverrideSystem));
  c.Set("display", Str(display));
  return c;
}

// "mean_6h" -> "6 h mean"; "last" -> "latest".
std::string Aggregation(std::string_view agg) {
  size_t underscore = agg.rfind('_');
  std::string_view base = agg;
  std::string hours;
  if (underscore != std::string_view::npos && agg.ends_with("h") && agg != "time_since_last" &&
      agg != "delta_admission") {
    base = agg.substr(0, underscore);
    hours = std::string(agg.substr(underscore + 1, agg.size() - underscore - 2));
  }
  if (base == "last") return "latest";
  if (base == "time_since_last") return "hours since last measured";
  if (base == "delta_admission") return "change since admission";
  if (base == "mean") return StrCat(hours, " h mean");
  if (base == "min") return StrCat(hours, " h minimum");
  if (base == "max") return StrCat(hours, " h maximum");
  if (base == "slope") return StrCat("trend per hour over ", hours, " h");
  if (base == "delta") return StrCat("change over ", hours, " h");
  if (base == "count") return StrCat("measurements in ", hours, " h");
  if (base == "missing") return StrCat("not measured in ", hours, " h");
  return std::string(agg);
}

std::string FeatureName(std::string_view feature) {
  size_t dot = feature.find('.');
  if (dot == std::string_view::npos) {
    if (feature == "age") return "Age";
    if (feature == "male") return "Male sex";
    if (feature == "hours_since_admission") return "Hours since admission";
    if (feature == "in_icu") return "In intensive care";
    if (feature == "news2") return "NEWS2 score";
    if (feature == "qsofa") return "qSOFA score";
    if (feature == "sirs") return "SIRS criteria";
    if (feature == "mews") return "MEWS score";
    return std::string(feature);
  }
  std::optional<Signal> signal = SignalByName(feature.substr(0, dot));
  std::string name = signal ? std::string(Info(*signal).display) : std::string(feature.substr(0, dot));
  return StrCat(name, ", ", Aggregation(feature.substr(dot + 1)));
}

std::string ComponentName(std::string_view component) {
  if (component == "respiratory_rate") return "Respiratory rate";
  if (component == "spo2") return "Oxygen saturation";
  if (component == "air_or_oxygen") return "Supplemental oxygen";
  if (component == "systolic_bp") return "Systolic blood pressure";
  if (component == "heart_rate") return "Heart rate";
  if (component == "consciousness") return "Consciousness (GCS)";
  if (component == "temperature") return "Temperature";
  return std::string(component);
}

std::string Value(double v) { return fmt::format("{:.4g}", v); }

// "43%", "<1%" for what would round to 0.
std::string Percent(double p) { return p < 0.005 ? std::string("<1%") : fmt::format("{:.0f}%", 100 * p); }

}  // namespace

Json CdsDiscovery() {
  Json prefetch = Json::Object();
  prefetch.Set("patient", Str("Patient/{{context.patientId}}"));
  prefetch.Set("encounters", Str("Encounter?patient={{context.patientId}}&status=in-progress"));
  prefetch.Set("observations", Str("Observation?patient={{context.patientId}}&_count=5000"));
  Json service = Json::Object();
  service.Set("hook", Str("patient-view"));
  service.Set("id", Str(kSepsisServiceId));
  service.Set("title", Str("Vigil sepsis risk"));
  service.Set("description",
              Str("The current sepsis risk of the patient's in-progress stay from the deployed model "
                  "(champion), with NEWS2 and the reasons in plain words"));
  service.Set("prefetch", std::move(prefetch));
  Json services = Json::Array();
  services.Push(std::move(service));
  Json doc = Json::Object();
  doc.Set("services", std::move(services));
  return doc;
}

absl::StatusOr<PatientViewRequest> ParsePatientView(const Json& body) {
  if (!body.is_object()) return HttpError(400, "invalid", "the request body must be a JSON object");
  PatientViewRequest r;
  const Json* hook = body.Find("hook");
  if (hook != nullptr && Text(hook) != "patient-view") {
    return HttpError(400, "invalid", StrCat("this service answers patient-view, not ", Text(hook)));
  }
  r.hook_instance = Text(body.Find("hookInstance"));
  if (r.hook_instance.empty()) return HttpError(400, "required", "hookInstance is required");
  const Json* context = body.Find("context");
  if (context == nullptr || !context->is_object()) return HttpError(400, "required", "context is required");
  r.patient_id = Text(context->Find("patientId"));
  if (r.patient_id.empty()) return HttpError(400, "required", "context.patientId is required");
  r.user_id = Text(context->Find("userId"));
  r.encounter_id = Text(context->Find("encounterId"));
  r.fhir_server = Text(body.Find("fhirServer"));
  const Json* prefetch = body.Find("prefetch");
  if (prefetch != nullptr && !prefetch->is_null()) {
    if (!prefetch->is_object()) return HttpError(400, "invalid", "prefetch must be an object");
    r.prefetch = prefetch;
  }
  return r;
}

namespace {

// The resources of a prefetched search Bundle (or a single resource).
std::vector<const Json*> Resources(const Json& value) {
  std::vector<const Json*> out;
  if (Text(value.Find("resourceType")) != "Bundle") {
    out.push_back(&value);
    return out;
  }
  if (const Json* entries = value.Find("entry")) {
    for (const Json& e : entries->items()) {
      if (const Json* r = e.Find("resource")) out.push_back(r);
    }
  }
  return out;
}

const Json* Required(const Json& prefetch, std::string_view key) {
  const Json* v = prefetch.Find(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

std::string_view PeriodStart(const Json& encounter) {
  const Json* period = encounter.Find("period");
  const Json* start = period == nullptr ? nullptr : period->Find("start");
  return start == nullptr ? std::string_view() : std::string_view(start->text());
}

}  // namespace

absl::StatusOr<std::optional<LiveStay>> StayFromPrefetch(const PatientViewRequest& request) {
  const Json& prefetch = *request.prefetch;
  const Json* patient = Required(prefetch, "patient");
  const Json* encounters = Required(prefetch, "encounters");
  const Json* observations = Required(prefetch, "observations");
  if (patient == nullptr || encounters == nullptr || observations == nullptr) {
    return HttpError(412, "required",
                     "prefetch must hold patient, encounters and observations (see GET /cds-services)");
  }
  if (Text(patient->Find("resourceType")) != "Patient" || Text(patient->Find("id")) != request.patient_id) {
    return HttpError(412, "required", "prefetch.patient is not the context's Patient");
  }
  const Json* chosen = nullptr;
  for (const Json* e : Resources(*encounters)) {
    if (Text(e->Find("resourceType")) != "Encounter" || Text(e->Find("status")) != "in-progress") continue;
    if (!request.encounter_id.empty()) {
      if (Text(e->Find("id")) == request.encounter_id) chosen = e;
      continue;
    }
    if (chosen == nullptr || PeriodStart(*e) > PeriodStart(*chosen)) chosen = e;
  }
  if (chosen == nullptr) return std::nullopt;
  const std::string encounter_id = Text(chosen->Find("id"));
  TimelineBuilder builder;
  builder.Add(*patient);
  builder.Add(*chosen);
  std::vector<const Json*> mine;
  for (const Json* o : Resources(*observations)) {
    if (Text(o->Find("resourceType")) != "Observation") continue;
    if (ReferenceTargetId(o->Find("encounter"), "Encounter") != encounter_id) continue;
    builder.Add(*o);
    mine.push_back(o);
  }
  std::vector<Stay> stays = builder.Finish();
  if (stays.size() != 1) return std::nullopt;
  BasisTracker basis(stays[0].LastMeasurementMs());
  for (const Json* o : mine) basis.Add(*o, Text(o->Find("id")));
  return LiveStay{std::move(stays[0]), basis.ids()};
}

std::string InPlainWords(const TopValue& v, bool rule) {
  if (rule) {
    std::string value = v.value ? StrCat(" ", Value(*v.value)) : std::string(" not measured");
    return fmt::format("{}{}: {} point{}", ComponentName(v.name), value, Value(v.contribution),
                       v.contribution == 1 ? "" : "s");
  }
  std::string value = v.value ? StrCat(" ", Value(*v.value)) : std::string(" (not measured)");
  return fmt::format("{}{} {} the risk ({}{:.2f} log-odds)", FeatureName(v.name), value,
                     v.contribution >= 0 ? "raised" : "lowered", v.contribution >= 0 ? "+" : "",
                     v.contribution);
}

namespace {

int News2Total(const Scored& news2) {
  double total = 0;
  for (const TopValue& v : news2.top) total += v.contribution;
  return static_cast<int>(total);
}

}  // namespace

Json RiskCard(const CardInput& in) {
  std::string summary;
  std::string indicator = "info";
  std::string detail;
  const int news2 = in.news2 != nullptr ? News2Total(*in.news2) : -1;
  if (in.model_score != nullptr && in.model_score->probability) {
    const Scored& m = *in.model_score;
    const double p = *m.probability;
    const bool high = p >= m.threshold;
    if (high) indicator = "critical";
    else if (p >= 0.5 * m.threshold) indicator = "warning";
    summary = fmt::format("Sepsis risk {}: {} in the next 6 h (alert at {})", high ? "HIGH" : "low", Percent(p),
                          Percent(m.threshold));
    detail = fmt::format("**Sepsis risk {:.1f}%** from {} (version {}); the alert threshold is {:.1f}%.\n\n",
                         100 * p, in.model->id(), in.model->version(), 100 * m.threshold);
    detail += "What drove it:\n\n";
    for (const TopValue& v : m.top) detail += StrCat("- ", InPlainWords(v, false), "\n");
  } else {
    summary = "No sepsis model deployed: NEWS2 only";
  }
  if (in.news2 != nullptr) {
    if (news2 >= 7 && indicator == "info") indicator = "critical";
    if (news2 >= 5 && indicator == "info") indicator = "warning";
    summary += fmt::format("; NEWS2 {} ({})", news2, in.news2->decision);
    detail += fmt::format("\n**NEWS2 {}** ({} clinical risk)", news2, in.news2->decision);
    detail += in.news2->top.empty() ? std::string(": no parameter scored.\n") : std::string(":\n\n");
    for (const TopValue& v : in.news2->top) detail += StrCat("- ", InPlainWords(v, true), "\n");
  }
  if (summary.size() > 139) summary.resize(139);
  Json card = Json::Object();
  card.Set("uuid", Str(in.uuid));
  card.Set("summary", Str(summary));
  card.Set("indicator", Str(indicator));
  card.Set("detail", Str(detail));
  Json source = Json::Object();
  source.Set("label", Str(in.model != nullptr ? StrCat("Vigil ", in.model->id(), " ", in.model->version())
                                              : std::string("Vigil NEWS2")));
  source.Set("url", Str(in.dashboard_url));
  card.Set("source", std::move(source));
  Json link = Json::Object();
  link.Set("label", Str("Open the patient in Vigil (risk history and explanation)"));
  link.Set("url", Str(in.dashboard_url));
  link.Set("type", Str("absolute"));
  Json links = Json::Array();
  links.Push(std::move(link));
  card.Set("links", std::move(links));
  Json reasons = Json::Array();
  reasons.Push(OverrideReason("already-treated", "Already assessed or treated for sepsis"));
  reasons.Push(OverrideReason("not-clinically-relevant", "Not clinically relevant for this patient"));
  reasons.Push(OverrideReason("data-error", "The measurements behind it are wrong"));
  card.Set("overrideReasons", std::move(reasons));
  return card;
}

absl::StatusOr<std::vector<FeedbackEntry>> ParseFeedback(const Json& body) {
  const Json* list = body.is_object() ? body.Find("feedback") : nullptr;
  if (list == nullptr || !list->is_array() || list->items().empty()) {
    return HttpError(400, "required", "the body must be {\"feedback\": [...]} with at least one entry");
  }
  std::vector<FeedbackEntry> out;
  for (const Json& f : list->items()) {
    FeedbackEntry e;
    e.card = Text(f.Find("card"));
    e.outcome = Text(f.Find("outcome"));
    e.time = Text(f.Find("outcomeTimestamp"));
    if (e.card.empty()) return HttpError(400, "required", "feedback.card (the card's uuid) is required");
    if (e.outcome != "accepted" && e.outcome != "overridden") {
      return HttpError(400, "invalid", "feedback.outcome must be accepted or overridden");
    }
    if (e.time.empty()) return HttpError(400, "required", "feedback.outcomeTimestamp is required");
    if (const Json* why = f.Find("overrideReason")) {
      const Json* reason = why->Find("reason");
      std::string code = reason == nullptr ? "" : Text(reason->Find("display"));
      if (code.empty() && reason != nullptr) code = Text(reason->Find("code"));
      std::string comment = Text(why->Find("userComment"));
      e.reason = code.empty() ? comment : comment.empty() ? code : StrCat(code, ": ", comment);
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace vigil::ai
