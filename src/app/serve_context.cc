#include "app/serve_context.h"

#include "server/rest/access_control.h"
#include "server/rest/audit_facts.h"
#include "server/rest/outcome.h"

namespace vigil::app {

namespace {

void RecordRequest(audit::AuditTrail* trail, const std::string& site, const server::HttpRequest& request,
                   const server::HttpResponse& response, const auth::AccessToken* token) {
  if (trail == nullptr) return;
  trail->Record(audit::AuditEventJson(server::DescribeForAudit(request, "/fhir", response, token), site));
}

}  // namespace

server::HttpHandler Guarded(const ServeContext& ctx, GuardedHandler handler) {
  return [verifier = ctx.verifier, trail = ctx.trail, site = ctx.base_url,
          handler = std::move(handler)](const server::HttpRequest& request) {
    absl::StatusOr<std::shared_ptr<const auth::AccessToken>> token =
        server::AuthenticateBearer(verifier.get(), request);
    server::HttpResponse response;
    if (token.ok()) {
      response = handler(request, token->get());
    } else {
      response = server::ErrorResponse(token.status());
      server::AddChallenge(token.status(), &response);
    }
    RecordRequest(trail, site, request, response, token.ok() ? token->get() : nullptr);
    return response;
  };
}

server::HttpHandler Audited(const ServeContext& ctx, server::HttpHandler handler) {
  return [trail = ctx.trail, site = ctx.base_url, handler = std::move(handler)](const server::HttpRequest& request) {
    server::HttpResponse response = handler(request);
    RecordRequest(trail, site, request, response, nullptr);
    return response;
  };
}

server::HttpResponse JsonResponse(int status, std::string body) {
  server::HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

}  // namespace vigil::app
