#include "app/serve_routes.h"

namespace vigil::app {

// In progress: no routes yet.
absl::Status AddAnalyticsRoutes(ServeContext& ctx, server::Router& router) {
  (void)ctx;
  (void)router;
  return absl::OkStatus();
}

}  // namespace vigil::app
