// The analytics surface of `vigil serve` (docs/analytics.md): stored and
// materialized ViewDefinitions and $run under /fhir/ViewDefinition, the
// read-only SQL endpoint at /api/sql. The database is DATA/analytics.sqlite.
//
// With --auth smart every request needs a valid bearer token (Guarded) with a
// role scope: reading and running views and the SQL endpoint need
// vigil/analytics.read; storing, changing and deleting ViewDefinitions need
// vigil/admin. Patient context is not applied here (analytics read across
// patients), so patient-context tokens should not be given these roles.
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include "analytics/analytics_http.h"
#include "analytics/analytics_service.h"
#include "app/serve_routes.h"
#include "auth/scopes.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "server/rest/outcome.h"

namespace vigil::app {

namespace {

// A write defines what the server computes: administration. Everything else
// (GET, $run, SQL) reads across patients.
bool IsViewWrite(const server::HttpRequest& request) {
  if (request.method == "GET" || request.method == "HEAD") return false;
  return request.path.find("/$run") == std::string::npos;
}

// Null when token may make the request (or there is no authentication).
std::optional<server::HttpResponse> Refusal(const server::HttpRequest& request,
                                            const auth::AccessToken* token, bool sql) {
  if (token == nullptr) return std::nullopt;
  const bool write = !sql && IsViewWrite(request);
  auth::Role needed = write ? auth::kAdmin : auth::kAnalyticsRead;
  if (token->scopes.HasRole(needed)) return std::nullopt;
  return server::ErrorResponse(HttpError(
      403, "forbidden",
      write ? "storing, changing or deleting ViewDefinitions needs the scope vigil/admin"
            : "analytics (views, $run, SQL) need the scope vigil/analytics.read"));
}

}  // namespace

absl::Status AddAnalyticsRoutes(ServeContext& ctx, server::Router& router) {
  std::string path = StrCat(ctx.data_dir, "/", analytics::kAnalyticsFile);
  absl::StatusOr<std::unique_ptr<analytics::AnalyticsService>> opened =
      analytics::AnalyticsService::Open(path, *ctx.store);
  if (!opened.ok()) {
    return absl::Status(opened.status().code(), StrCat("analytics: ", Message(opened.status())));
  }
  std::shared_ptr<analytics::AnalyticsService> service = *std::move(opened);
  // Subscribed before the rebuild, so no write falls between the two.
  VIGIL_RETURN_IF_ERROR(ctx.bus->Subscribe(
      "analytics", [service](const store::ChangeEvent& e) { return service->OnChange(e); }));
  auto start = std::chrono::steady_clock::now();
  if (absl::Status built = service->RebuildAll(); !built.ok()) {
    // A view the current data breaks: the server still starts; its table may be stale.
    std::fprintf(stderr, "vigil serve: analytics: rebuilding the materialized views: %s\n",
                 std::string(Message(built)).c_str());
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start);
  if (ms.count() > 1000) {
    std::fprintf(stderr, "vigil serve: analytics: materialized views rebuilt in %lld ms\n",
                 static_cast<long long>(ms.count()));
  }
  auto http = std::make_shared<analytics::AnalyticsHttp>(*service, ctx.base_url);
  router.Add(
      std::string(analytics::kViewsPath),
      Guarded(ctx, [http, service](const server::HttpRequest& request, const auth::AccessToken* token) {
        if (std::optional<server::HttpResponse> refused = Refusal(request, token, false)) return *refused;
        return http->HandleViews(request);
      }));
  router.Add(
      std::string(analytics::kSqlPath),
      Guarded(ctx, [http, service](const server::HttpRequest& request, const auth::AccessToken* token) {
        if (std::optional<server::HttpResponse> refused = Refusal(request, token, true)) return *refused;
        return http->HandleSql(request);
      }));
  return absl::OkStatus();
}

}  // namespace vigil::app
