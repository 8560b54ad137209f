#include "app/serve_context.h"

#include "server/rest/access_control.h"
#include "server/rest/outcome.h"

namespace vigil::app {

server::HttpHandler Guarded(const ServeContext& ctx, GuardedHandler handler) {
  return [verifier = ctx.verifier, handler = std::move(handler)](const server::HttpRequest& request) {
    absl::StatusOr<std::shared_ptr<const auth::AccessToken>> token =
        server::AuthenticateBearer(verifier.get(), request);
    if (!token.ok()) {
      server::HttpResponse response = server::ErrorResponse(token.status());
      server::AddChallenge(token.status(), &response);
      return response;
    }
    return handler(request, token->get());
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
