// The HTTP surfaces of `vigil serve` beside the FHIR API, one file each. Each
// adds its paths to router (server/http/router.h), wraps its handlers with
// Guarded (serve_context.h) and may subscribe to ctx.bus. Errors: a surface
// that cannot start (its files cannot be opened) fails `vigil serve`.
#pragma once

#include "absl/status/status.h"
#include "app/serve_context.h"

namespace vigil::app {

// serve_analytics.cc: stored and materialized ViewDefinitions, $run, the SQL endpoint.
absl::Status AddAnalyticsRoutes(ServeContext& ctx, server::Router& router);
// serve_cohorts.cc: cohorts (Group characteristics, SQL) under /api/cohorts.
absl::Status AddCohortRoutes(ServeContext& ctx, server::Router& router);
// serve_dashboard.cc: the web page at / and its JSON under /api.
absl::Status AddDashboardRoutes(ServeContext& ctx, server::Router& router);
// serve_clinical_ai.cc: CDS Hooks (/cds-services), alert feedback, the model registry over HTTP.
absl::Status AddClinicalAiRoutes(ServeContext& ctx, server::Router& router);
// serve_subscriptions.cc: R4 Subscriptions (rest-hook): no routes of its own
// (Subscriptions are written through /fhir); starts the service that notifies
// their endpoints and keeps it in ctx.owned.
absl::Status AddSubscriptionService(ServeContext& ctx);
// serve_audit_events.cc: GET /fhir/AuditEvent (search) and /fhir/AuditEvent/{id}
// from the audit log (vigil/audit.read); other methods 405.
absl::Status AddAuditEventRoutes(ServeContext& ctx, server::Router& router);
// serve_dead_letters.cc: GET /api/dead-letters[/{source}[/{id}]] (vigil/admin).
absl::Status AddDeadLetterRoutes(ServeContext& ctx, server::Router& router);
// serve_auth.cc: with --auth smart, SMART Backend Services: POST /auth/token, GET /auth/jwks.
absl::Status AddAuthRoutes(ServeContext& ctx, server::Router& router);

}  // namespace vigil::app
