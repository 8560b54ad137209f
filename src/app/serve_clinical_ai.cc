// The clinical AI surfaces of `vigil serve` (docs/model-registry.md,
// docs/cds-hooks.md): the model registry over HTTP, clinician feedback on
// alert Flags, and CDS Hooks (serve_cds_hooks.cc).
//
//   GET    /api/models                          versions, aliases, active scorers
//   POST   /api/models                          {"artifact": DIR}: register (vigil/models.write)
//   PUT    /api/models/aliases/{alias}          {"version": ID}: move (vigil/models.write)
//   DELETE /api/models/aliases/{alias}          clear (vigil/models.write)
//   POST   /api/models/aliases/{alias}/rollback (vigil/models.write)
//   POST   /api/alerts/{flagId}/feedback        {"action": "acknowledge"|"dismiss", "reason", "user"}

#include "ai/live/alert_flag.h"
#include "ai/timeline.h"
#include "app/clinical_ai_service.h"
#include "app/serve_cds_hooks.h"
#include "app/serve_routes.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "fhir/json.h"
#include "server/http/url.h"
#include "server/rest/outcome.h"

namespace vigil::app {
namespace {

using fhir::Json;
using server::HttpRequest;
using server::HttpResponse;

Json Str(std::string_view s) { return Json::String(std::string(s)); }

HttpResponse Error(const absl::Status& status) { return server::ErrorResponse(status); }

// Registry and feedback errors as HTTP: NotFound 404 and InvalidArgument 400
// as usual, FailedPrecondition (nothing to roll back, the alert is no longer
// active) 409.
absl::Status AsHttp(const absl::Status& s) {
  if (s.code() == absl::StatusCode::kFailedPrecondition) return HttpError(409, "conflict", Message(s));
  return s;
}

absl::Status RequireModelsWrite(const auth::AccessToken* token) {
  if (token != nullptr && !token->scopes.HasRole(auth::kModelsWrite)) {
    return HttpError(403, "forbidden", "changing the model registry needs the vigil/models.write scope");
  }
  return absl::OkStatus();
}

Json VersionJson(const ai::ModelVersion& v) {
  Json j = Json::Object();
  j.Set("id", Str(v.id));
  j.Set("name", Str(v.name));
  j.Set("modelSha256", Str(v.model_sha256));
  j.Set("trainingData", Str(v.data_fingerprint));
  j.Set("trained", Str(v.created));
  j.Set("registered", Str(FormatInstant(v.registered_ms)));
  absl::StatusOr<Json> metrics = fhir::ParseJson(v.metrics_json);
  j.Set("metrics", metrics.ok() ? std::move(*metrics) : Json::Object());
  j.Set("modelCard", Str(StrCat(v.path, "/model_card.md")));
  return j;
}

Json ScorerList(const std::vector<std::shared_ptr<const ai::Scorer>>& scorers) {
  Json arr = Json::Array();
  for (const auto& s : scorers) {
    Json j = Json::Object();
    j.Set("scorer", Str(s->id()));
    j.Set("version", Str(s->version()));
    arr.Push(std::move(j));
  }
  return arr;
}

absl::StatusOr<Json> ModelsJson(ClinicalAiService& ai) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<ai::ModelVersion> versions, ai.registry().List());
  VIGIL_ASSIGN_OR_RETURN(auto aliases, ai.registry().Aliases());
  Json out = Json::Object();
  Json vs = Json::Array();
  for (const ai::ModelVersion& v : versions) vs.Push(VersionJson(v));
  out.Set("versions", std::move(vs));
  Json as = Json::Object();
  for (const auto& [alias, id] : aliases) as.Set(alias, Str(id));
  out.Set("aliases", std::move(as));
  std::shared_ptr<const ai::ActiveScorers> active = ai.Active();
  Json act = Json::Object();
  act.Set("shown", ScorerList(active->shown));
  act.Set("shadow", ScorerList(active->shadow));
  out.Set("active", std::move(act));
  return out;
}

absl::StatusOr<Json> Body(const HttpRequest& request) {
  absl::StatusOr<Json> body = fhir::ParseJson(request.body);
  if (!body.ok() || !body->is_object()) return HttpError(400, "invalid", "the body must be a JSON object");
  return body;
}

std::string Field(const Json& body, std::string_view name) {
  const Json* v = body.Find(name);
  return v != nullptr && v->is_string() ? v->text() : std::string();
}

absl::StatusOr<HttpResponse> Models(ClinicalAiService& ai, const HttpRequest& request,
                                    const auth::AccessToken* token) {
  std::vector<std::string_view> s = server::PathSegments(request.path);  // api, models, ...
  if (s.size() == 2 && (request.method == "GET" || request.method == "HEAD")) {
    VIGIL_ASSIGN_OR_RETURN(Json out, ModelsJson(ai));
    return JsonResponse(200, fhir::WriteJson(out, true));
  }
  VIGIL_RETURN_IF_ERROR(RequireModelsWrite(token));
  if (s.size() == 2 && request.method == "POST") {
    VIGIL_ASSIGN_OR_RETURN(Json body, Body(request));
    const std::string artifact = Field(body, "artifact");
    if (artifact.empty()) return HttpError(400, "required", "\"artifact\" (the artifact folder) is required");
    VIGIL_ASSIGN_OR_RETURN(ai::ModelVersion v, ai.registry().Register(artifact));
    return JsonResponse(201, fhir::WriteJson(VersionJson(v), true));
  }
  if (s.size() >= 4 && s[2] == "aliases") {
    const std::string alias(s[3]);
    absl::StatusOr<ai::AliasMove> move;
    if (s.size() == 4 && request.method == "PUT") {
      VIGIL_ASSIGN_OR_RETURN(Json body, Body(request));
      const std::string version = Field(body, "version");
      if (version.empty()) return HttpError(400, "required", "\"version\" is required");
      move = ai.registry().SetAlias(alias, version);
    } else if (s.size() == 4 && request.method == "DELETE") {
      move = ai.registry().SetAlias(alias, "");
    } else if (s.size() == 5 && s[4] == "rollback" && request.method == "POST") {
      move = ai.registry().Rollback(alias);
    } else {
      return HttpError(405, "not-supported", "use PUT or DELETE on an alias, POST on its /rollback");
    }
    if (!move.ok()) return AsHttp(move.status());
    VIGIL_RETURN_IF_ERROR(ai.Reload());
    VIGIL_ASSIGN_OR_RETURN(Json out, ModelsJson(ai));
    Json m = Json::Object();
    m.Set("alias", Str(move->alias));
    m.Set("version", Str(move->version));
    m.Set("previous", Str(move->previous));
    out.Set("moved", std::move(m));
    return JsonResponse(200, fhir::WriteJson(out, true));
  }
  return HttpError(404, "not-found", StrCat("no such model resource: ", request.path));
}

absl::StatusOr<HttpResponse> AlertFeedback(ClinicalAiService& ai, const HttpRequest& request,
                                           const auth::AccessToken* token) {
  std::vector<std::string_view> s = server::PathSegments(request.path);  // api, alerts, id, feedback
  if (s.size() != 4 || s[3] != "feedback") return HttpError(404, "not-found", "use /api/alerts/{flagId}/feedback");
  if (request.method != "POST") return HttpError(405, "not-supported", "POST the feedback");
  VIGIL_ASSIGN_OR_RETURN(Json body, Body(request));
  ai::AlertFeedback feedback;
  feedback.action = Field(body, "action");
  feedback.reason = Field(body, "reason");
  feedback.user = token != nullptr ? token->claims.subject : Field(body, "user");
  feedback.at_ms = NowMs();
  const std::string flag_id(s[2]);
  const ServeContext& ctx = ai.context();
  persist::ResourceWrites writes(*ctx.registry, ctx.write);
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, ctx.store->BeginWrite());
  absl::StatusOr<Json> flag = ai::RecordAlertFeedback(*txn, writes, flag_id, feedback);
  if (!flag.ok()) return AsHttp(flag.status());
  VIGIL_RETURN_IF_ERROR(txn->Commit());
  const std::string patient(ai::ReferenceTargetId(flag->Find("subject"), "Patient"));
  std::string version;
  if (std::shared_ptr<const ai::ActiveScorers> active = ai.Active(); active && active->model()) {
    version = active->model()->version();
  }
  ai.RecordFeedback("alert", feedback.action, feedback.reason, feedback.user, StrCat("Flag/", flag_id), patient,
                    version);
  return JsonResponse(200, fhir::WriteJson(*flag, true));
}

using Handler = absl::StatusOr<HttpResponse> (*)(ClinicalAiService&, const HttpRequest&, const auth::AccessToken*);

server::HttpHandler Route(const ServeContext& ctx, std::shared_ptr<ClinicalAiService> ai, Handler handler) {
  return Guarded(ctx, [ai, handler](const HttpRequest& request, const auth::AccessToken* token) {
    absl::StatusOr<HttpResponse> r = handler(*ai, request, token);
    return r.ok() ? *std::move(r) : Error(r.status());
  });
}

}  // namespace

absl::Status AddClinicalAiRoutes(ServeContext& ctx, server::Router& router) {
  VIGIL_ASSIGN_OR_RETURN(std::shared_ptr<ClinicalAiService> ai, ClinicalAiService::Start(ctx));
  ctx.owned.push_back(ai);
  router.Add("/api/models", Route(ctx, ai, Models));
  router.Add("/api/alerts", Route(ctx, ai, AlertFeedback));
  router.Add("/cds-services", Route(ctx, ai, CdsHooks));
  std::shared_ptr<const ai::ActiveScorers> active = ai->Active();
  if (active->shown.empty()) {
    std::fprintf(stderr,
                 "vigil serve: no model deployed (vigil model alias champion VERSION, or --model): "
                 "live scoring is off\n");
  } else {
    std::string scorers;
    for (const auto& s : active->shown) scorers += StrCat(scorers.empty() ? "" : ", ", s->id(), " ", s->version());
    std::fprintf(stderr, "vigil serve: live scoring with %s%s\n", scorers.c_str(),
                 active->shadow.empty() ? "" : "; challenger in shadow");
  }
  return absl::OkStatus();
}

}  // namespace vigil::app
