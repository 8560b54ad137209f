// GET /fhir/AuditEvent[?...] and GET /fhir/AuditEvent/{id}: the audit trail as
// FHIR, for those with the vigil/audit.read scope (when --auth is on). The
// events live in the hash-chained log (DATA/audit/audit.log), not in the store,
// so this route sits in front of the FHIR API and answers searches from the
// log (audit/search.h). Any other method is 405: AuditEvents are recorded by
// the server and can never be created, changed or deleted through the API.
// Every answer is itself recorded in the trail (by Guarded, as a FHIR search or read).
#include <algorithm>
#include <string>
#include <vector>

#include "app/serve_audit.h"
#include "app/serve_context.h"
#include "app/serve_routes.h"
#include "audit/head_file.h"
#include "audit/search.h"
#include "auth/scopes.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "fhir/json.h"
#include "server/http/url.h"
#include "server/rest/outcome.h"

namespace vigil::app {
namespace {

using fhir::Json;

constexpr size_t kMaxCount = 1000;

absl::StatusOr<audit::AuditQuery> ParseQuery(std::string_view query_string) {
  audit::AuditQuery q;
  for (auto& [name, value] : server::ParseQueryString(query_string)) {
    std::string* field = name == "patient"   ? &q.patient
                         : name == "entity"  ? &q.entity
                         : name == "agent"   ? &q.agent
                         : name == "type"    ? &q.type
                         : name == "subtype" ? &q.subtype
                         : name == "action"  ? &q.action
                         : name == "outcome" ? &q.outcome
                                             : nullptr;
    if (field != nullptr) {
      *field = value;
    } else if (name == "date") {
      VIGIL_ASSIGN_OR_RETURN(audit::AuditQuery::DateBound bound, audit::ParseDateBound(value));
      q.dates.push_back(bound);
    } else if (name == "_count") {
      size_t n = 0;
      if (value.empty() || !std::all_of(value.begin(), value.end(), ::isdigit) || value.size() > 6) {
        return HttpError(400, "invalid", StrCat("_count: '", value, "' is not a number"));
      }
      n = std::stoul(value);
      q.count = std::min(n, kMaxCount);
    } else {
      return HttpError(400, "not-supported",
                       StrCat("AuditEvent search parameter '", name,
                              "' is not supported (date, patient, entity, agent, type, subtype, "
                              "action, outcome, _count)"));
    }
  }
  return q;
}

server::HttpResponse FhirJson(const Json& body) {
  server::HttpResponse r;
  r.headers.emplace_back("Content-Type", "application/fhir+json; charset=utf-8");
  r.body = fhir::WriteJson(body, true);
  return r;
}

absl::StatusOr<server::HttpResponse> Search(const std::string& log, const ServeContext& ctx,
                                            const server::HttpRequest& request) {
  VIGIL_ASSIGN_OR_RETURN(audit::AuditQuery query, ParseQuery(request.query));
  VIGIL_ASSIGN_OR_RETURN(std::vector<audit::FoundEvent> found, audit::SearchAuditLog(log, query));
  Json bundle = Json::Object();
  bundle.Set("resourceType", Json::String("Bundle"));
  bundle.Set("type", Json::String("searchset"));
  Json link = Json::Object();
  link.Set("relation", Json::String("self"));
  link.Set("url", Json::String(StrCat(ctx.base_url, "/AuditEvent", request.query.empty() ? "" : "?",
                                      request.query)));
  bundle.Set("link", Json::Array());
  bundle.Find("link")->Push(std::move(link));
  Json entries = Json::Array();
  for (audit::FoundEvent& e : found) {
    Json entry = Json::Object();
    entry.Set("fullUrl", Json::String(StrCat(ctx.base_url, "/AuditEvent/", e.index)));
    entry.Set("resource", std::move(e.event));
    Json search = Json::Object();
    search.Set("mode", Json::String("match"));
    entry.Set("search", std::move(search));
    entries.Push(std::move(entry));
  }
  bundle.Set("entry", std::move(entries));
  return FhirJson(bundle);
}

absl::StatusOr<server::HttpResponse> Read(const std::string& log, std::string_view id) {
  const bool numeric = !id.empty() && id.size() < 20 && std::all_of(id.begin(), id.end(), ::isdigit);
  std::optional<audit::FoundEvent> found;
  if (numeric) {
    VIGIL_ASSIGN_OR_RETURN(found, audit::GetAuditEvent(log, std::stoull(std::string(id))));
  }
  if (!found) return HttpError(404, "not-found", StrCat("AuditEvent/", id, " is not known"));
  return FhirJson(found->event);
}

absl::StatusOr<server::HttpResponse> Answer(const ServeContext& ctx, const server::HttpRequest& request,
                                            const auth::AccessToken* token) {
  if (request.method != "GET") {
    return HttpError(405, "not-supported",
                     "AuditEvents are recorded by the server; they cannot be created, changed or "
                     "deleted through the API");
  }
  if (token != nullptr && !token->scopes.HasRole(auth::kAuditRead)) {
    return HttpError(403, "forbidden", "reading the audit trail needs the vigil/audit.read scope");
  }
  const std::string log = StrCat(AuditDir(ctx.data_dir), "/", audit::kLogFile);
  std::vector<std::string_view> path = server::PathSegments(request.path);  // fhir, AuditEvent[, id]
  if (path.size() == 2) return Search(log, ctx, request);
  if (path.size() == 3) return Read(log, path[2]);
  return HttpError(404, "not-found", "unknown AuditEvent path");
}

}  // namespace

absl::Status AddAuditEventRoutes(ServeContext& ctx, server::Router& router) {
  router.Add("/fhir/AuditEvent",
             Guarded(ctx, [&ctx](const server::HttpRequest& request, const auth::AccessToken* token) {
               absl::StatusOr<server::HttpResponse> r = Answer(ctx, request, token);
               return r.ok() ? *std::move(r) : server::ErrorResponse(r.status());  // audited by Guarded
             }));
  return absl::OkStatus();
}

}  // namespace vigil::app
