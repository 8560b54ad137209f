#include "app/serve_cds_hooks.h"

#include "ai/cds/cds_hooks.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "persist/resource_writes.h"
#include "search/parse.h"

namespace vigil::app {
namespace {

using fhir::Json;
using server::HttpRequest;
using server::HttpResponse;

std::string Text(const Json* j) { return j != nullptr && j->is_string() ? j->text() : std::string(); }

std::string TrimSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// The patient's in-progress stay from this server's store (the encounter
// given, else the one that started last).
absl::StatusOr<std::optional<ai::LiveStay>> StayFromStore(const ServeContext& ctx,
                                                         const ai::PatientViewRequest& r) {
  VIGIL_ASSIGN_OR_RETURN(auto patient, ctx.store->Read("Patient", r.patient_id));
  if (!patient || patient->deleted) {
    return HttpError(412, "not-found", StrCat("Patient/", r.patient_id, " is not on this server"));
  }
  std::string encounter_id = r.encounter_id;
  if (encounter_id.empty()) {
    VIGIL_ASSIGN_OR_RETURN(
        search::ParsedSearch parsed,
        search::ParseSearch(*ctx.registry, "Encounter",
                            {{"patient", StrCat("Patient/", r.patient_id)}, {"status", "in-progress"}},
                            search::SearchOptions{}));
    parsed.query.total = store::TotalMode::kNone;
    VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, ctx.store->Search(parsed.query));
    std::string latest_start;
    for (const store::StoredResource& e : page.resources) {
      VIGIL_ASSIGN_OR_RETURN(Json enc, fhir::ParseJson(e.json));
      const Json* period = enc.Find("period");
      std::string start = period == nullptr ? "" : Text(period->Find("start"));
      if (encounter_id.empty() || start > latest_start) {
        encounter_id = e.id;
        latest_start = start;
      }
    }
    if (encounter_id.empty()) return std::nullopt;
  }
  return ai::LoadLiveStay(*ctx.store, *ctx.registry, encounter_id, INT64_MAX);
}

absl::StatusOr<HttpResponse> PatientView(ClinicalAiService& ai, const HttpRequest& request) {
  const ServeContext& ctx = ai.context();
  absl::StatusOr<Json> body = fhir::ParseJson(request.body);
  if (!body.ok()) return HttpError(400, "invalid", "the request body is not JSON");
  VIGIL_ASSIGN_OR_RETURN(ai::PatientViewRequest r, ai::ParsePatientView(*body));
  std::optional<ai::LiveStay> stay;
  if (r.prefetch != nullptr) {
    VIGIL_ASSIGN_OR_RETURN(stay, ai::StayFromPrefetch(r));
  } else if (!r.fhir_server.empty() && TrimSlash(r.fhir_server) != TrimSlash(ctx.base_url)) {
    return HttpError(412, "required",
                     "no prefetch, and fhirServer is not this server: send the prefetch listed by GET "
                     "/cds-services");
  } else {
    VIGIL_ASSIGN_OR_RETURN(stay, StayFromStore(ctx, r));
  }
  Json cards = Json::Array();
  if (stay) {
    const int64_t at = stay->stay.LastMeasurementMs();
    Json basis = Json::Array();
    for (const std::string& id : stay->basis) basis.Push(ai::Reference("Observation", id));
    const ai::AssessmentContext context{stay->stay, at, basis};
    std::shared_ptr<const ai::ActiveScorers> active = ai.Active();
    std::shared_ptr<const ai::Scorer> news2 = active->rule("news2");
    if (news2 == nullptr) news2 = ai::News2Scorer();
    std::shared_ptr<const ai::Scorer> model = active->model();
    VIGIL_ASSIGN_OR_RETURN(ai::Scored news2_score, news2->Score(context));
    std::optional<ai::Scored> model_score;
    if (model != nullptr) {
      VIGIL_ASSIGN_OR_RETURN(model_score, model->Score(context));
    }
    const std::string uuid = persist::RandomUuid();
    ai::CardInput in{uuid, r.patient_id, StrCat(ctx.origin, "/#/patient/", r.patient_id), model.get(),
                     model_score ? &*model_score : nullptr, &news2_score};
    cards.Push(ai::RiskCard(in));
    if (model_score) {
      ai.RecordCardPrediction(uuid, *model, *model_score, r.patient_id, stay->stay.encounter_id, stay->basis);
    }
    ai.RecordCardPrediction(uuid, *news2, news2_score, r.patient_id, stay->stay.encounter_id, stay->basis);
  }
  Json out = Json::Object();
  out.Set("cards", std::move(cards));
  return JsonResponse(200, fhir::WriteJson(out));
}

absl::StatusOr<HttpResponse> Feedback(ClinicalAiService& ai, const HttpRequest& request,
                                      const auth::AccessToken* token) {
  absl::StatusOr<Json> body = fhir::ParseJson(request.body);
  if (!body.ok()) return HttpError(400, "invalid", "the request body is not JSON");
  VIGIL_ASSIGN_OR_RETURN(std::vector<ai::FeedbackEntry> entries, ai::ParseFeedback(*body));
  const std::string user = token != nullptr ? token->claims.subject : "";
  for (const ai::FeedbackEntry& e : entries) {
    std::optional<IssuedCard> card = ai.FindCard(e.card);
    ai.RecordFeedback("cds", e.outcome, e.reason, user, e.card, card ? card->patient_id : "",
                      card ? card->scorer_version : "");
  }
  return JsonResponse(200, "{}");
}

}  // namespace

absl::StatusOr<HttpResponse> CdsHooks(ClinicalAiService& ai, const HttpRequest& request,
                                      const auth::AccessToken* token) {
  const std::string service = StrCat("/cds-services/", ai::kSepsisServiceId);
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (request.path == "/cds-services" || request.path == "/cds-services/") {
    if (!get) return HttpError(405, "not-supported", "GET the discovery document");
    return JsonResponse(200, fhir::WriteJson(ai::CdsDiscovery(), true));
  }
  if (request.path == service) {
    if (request.method != "POST") return HttpError(405, "not-supported", "POST a patient-view request");
    return PatientView(ai, request);
  }
  if (request.path == StrCat(service, "/feedback")) {
    if (request.method != "POST") return HttpError(405, "not-supported", "POST the feedback");
    return Feedback(ai, request, token);
  }
  return HttpError(404, "not-found", StrCat("no CDS service at ", request.path));
}

}  // namespace vigil::app
