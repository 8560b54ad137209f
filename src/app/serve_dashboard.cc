// The web dashboard (docs/dashboard.md): its JSON under /api/patients,
// /api/ward and /api/stats (dashboard/api.h), and its page at / (the front end
// embedded at build time, dashboard/static_files.h). Paths below / that the page
// does not claim go on to the FHIR API, as they would without it.
#include <memory>

#include "app/serve_mllp.h"
#include "app/serve_routes.h"
#include "auth/scopes.h"
#include "base/status.h"
#include "base/time.h"
#include "dashboard/api.h"
#include "dashboard/static_files.h"
#include "dashboard/web_assets.h"
#include "server/mllp/dead_letter.h"

namespace vigil::app {
namespace {

// The dashboard shows every patient: with --auth it needs a user or system
// token that may read and search every resource type, without restrictions.
bool MayReadEverything(const auth::AccessToken& token) {
  for (const auth::ResourceScope& s : token.scopes.resources) {
    if (s.context != auth::ScopeContext::kPatient && s.resource_type == "*" && s.restriction.empty() &&
        (s.permissions & auth::kRead) != 0 && (s.permissions & auth::kSearch) != 0) {
      return true;
    }
  }
  return false;
}

// What the dashboard's handlers share: the write counter and the API over it.
struct Dashboard {
  Dashboard(const ServeContext& ctx, dashboard::ApiOptions options)
      : rate(NowMs()), api(*ctx.store, *ctx.registry, rate, std::move(options)) {}
  dashboard::WriteRate rate;
  dashboard::Api api;
};

dashboard::DeadLetters CountDeadLetters(const std::string& dir) {
  absl::StatusOr<std::vector<mllp::DeadLetter>> letters = mllp::DeadLetterStore(dir).List();
  if (!letters.ok()) return dashboard::DeadLetters{dir, letters.status()};
  return dashboard::DeadLetters{dir, letters->size()};
}

server::HttpHandler ApiHandler(const ServeContext& ctx, std::shared_ptr<const Dashboard> dashboard) {
  return Guarded(ctx, [dashboard](const server::HttpRequest& request, const auth::AccessToken* token) {
    if (token != nullptr && !MayReadEverything(*token)) {
      server::HttpResponse denied = JsonResponse(
          403, dashboard::ErrorBody("the dashboard needs a user/*.rs or system/*.rs scope (it shows every patient)"));
      denied.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="vigil", error="insufficient_scope")");
      return denied;
    }
    dashboard::ApiReply reply = dashboard->api.Handle(request.method, request.path, request.query);
    server::HttpResponse response = JsonResponse(reply.status, std::move(reply.body));
    response.headers.emplace_back("Cache-Control", "no-store");  // patient data
    return response;
  });
}

// The page: no token needed (it holds no data; its API calls carry the token).
server::HttpHandler PageHandler(const server::Router& router) {
  return [&router](const server::HttpRequest& request) {
    std::span<const dashboard::WebAsset> assets = dashboard::EmbeddedWebAssets();
    if (!dashboard::ClaimsPath(assets, request.path)) return router.Fallback(request);
    dashboard::StaticReply reply =
        dashboard::ServeStatic(assets, request.method, request.path, request.Header("if-none-match"));
    server::HttpResponse response;
    response.status = reply.status;
    response.headers = std::move(reply.headers);
    response.body = std::move(reply.body);
    return response;
  };
}

}  // namespace

absl::Status AddDashboardRoutes(ServeContext& ctx, server::Router& router) {
  dashboard::ApiOptions options;
  options.dead_letters = [dir = Hl7DeadLetterDir(ctx.data_dir)] { return CountDeadLetters(dir); };
  auto state = std::make_shared<Dashboard>(ctx, std::move(options));
  // Ingestion rate: every committed resource version since the server started.
  VIGIL_RETURN_IF_ERROR(ctx.bus->Subscribe("dashboard", [state](const store::ChangeEvent& event) {
    state->rate.Record(event.time_ms);
    return absl::OkStatus();
  }));
  server::HttpHandler handler = ApiHandler(ctx, state);
  for (const char* prefix : {"/api/patients", "/api/ward", "/api/stats"}) router.Add(prefix, handler);
  router.Add("/", PageHandler(router));
  return absl::OkStatus();
}

}  // namespace vigil::app
