// /api/cohorts: cohorts over the live store (docs/cohorts.md).
//   POST /api/cohorts/evaluate        {"group"|"groupId"|"sql", "measure"?}
//   POST /api/cohorts/compare         {"a", "b", "outcome"?, "measure"?}
//   GET  /api/cohorts/{id}/members    ?_offset=&_count= (searchset Bundle)
// With --auth, a token needs the role scope vigil/analytics.read (cohorts
// read every patient's data).
#include <charconv>

#include "app/serve_routes.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "cohort/api.h"
#include "persist/resource_writes.h"
#include "server/rest/access_control.h"
#include "server/rest/outcome.h"

namespace vigil::app {
namespace {

constexpr std::string_view kPrefix = "/api/cohorts";
constexpr size_t kDefaultCount = 100;
constexpr size_t kMaxCount = 1000;

// The value of a non-negative integer query parameter; fallback when absent.
absl::StatusOr<size_t> SizeParam(std::string_view query, std::string_view name, size_t fallback) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (!pair.starts_with(name) || pair.size() <= name.size() || pair[name.size()] != '=') continue;
    std::string_view v = pair.substr(name.size() + 1);
    size_t out = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || ptr != v.data() + v.size()) {
      return HttpError(400, "invalid", StrCat(name, " must be a non-negative integer"));
    }
    return out;
  }
  return fallback;
}

absl::StatusOr<fhir::Json> Members(const cohort::CohortEnv& env, const server::HttpRequest& request,
                                   std::string_view id) {
  if (!persist::IsValidId(id)) return HttpError(400, "invalid", "not a valid Group id");
  VIGIL_ASSIGN_OR_RETURN(size_t offset, SizeParam(request.query, "_offset", 0));
  VIGIL_ASSIGN_OR_RETURN(size_t count, SizeParam(request.query, "_count", kDefaultCount));
  return cohort::MembersBundle(env, id, offset, std::min(count, kMaxCount));
}

absl::StatusOr<fhir::Json> Route(const cohort::CohortEnv& env, const server::HttpRequest& request) {
  std::string_view rest = std::string_view(request.path).substr(kPrefix.size());
  if (rest == "/evaluate" || rest == "/compare") {
    if (request.method != "POST") return HttpError(405, "not-supported", "use POST");
    VIGIL_ASSIGN_OR_RETURN(fhir::Json body, fhir::ParseJson(request.body));
    return rest == "/evaluate" ? cohort::Evaluate(env, body) : cohort::Compare(env, body);
  }
  if (rest.starts_with("/") && rest.ends_with("/members")) {
    if (request.method != "GET") return HttpError(405, "not-supported", "use GET");
    return Members(env, request,
                   rest.substr(1, rest.size() - 1 - std::string_view("/members").size()));
  }
  return HttpError(404, "not-found", "unknown cohort endpoint");
}

absl::Status Permit(const auth::AccessToken* token) {
  if (token == nullptr || token->scopes.HasRole(auth::kAnalyticsRead)) return absl::OkStatus();
  return HttpError(403, "forbidden", "cohorts need the scope vigil/analytics.read");
}

}  // namespace

absl::Status AddCohortRoutes(ServeContext& ctx, server::Router& router) {
  cohort::CohortEnv base;
  base.reader = ctx.store;
  base.data_dir = ctx.data_dir;
  base.base_url = ctx.base_url;
  router.Add(std::string(kPrefix), Guarded(ctx, [base](const server::HttpRequest& request,
                                                       const auth::AccessToken* token) {
               cohort::CohortEnv env = base;
               env.now_ms = NowMs();
               absl::Status permit = Permit(token);
               absl::StatusOr<fhir::Json> out =
                   permit.ok() ? Route(env, request) : absl::StatusOr<fhir::Json>(permit);
               if (!out.ok()) {
                 server::HttpResponse response = server::ErrorResponse(out.status());
                 server::AddChallenge(out.status(), &response);
                 return response;
               }
               return JsonResponse(200, fhir::WriteJson(*out));
             }));
  return absl::OkStatus();
}

}  // namespace vigil::app
