// What `vigil serve` hands to each of its HTTP surfaces besides the FHIR API
// (CDS Hooks, /metrics, the dashboard's /api and page, analytics): the store,
// the change-event bus, the data folder, the public URLs and the token
// verifier. Each surface has an Add...Routes(ServeContext&, server::Router&)
// function in its own serve_*.cc; cmd_serve.cc calls them once the HTTP
// server has its port.
//
// Lifetime: everything referenced outlives the HTTP server and the bus.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audit/trail.h"
#include "auth/token_verifier.h"
#include "events/event_bus.h"
#include "metrics/server_metrics.h"
#include "persist/resource_writes.h"
#include "search/registry.h"
#include "server/http/http_server.h"
#include "server/http/router.h"
#include "server/net/tls.h"
#include "store/store.h"

namespace vigil::app {

struct ServeContext {
  store::Store* store = nullptr;
  const search::Registry* registry = nullptr;
  events::EventBus* bus = nullptr;
  std::string data_dir;
  std::string origin;    // "http://127.0.0.1:8080" (https:// with --tls-cert): links to the dashboard
  std::string base_url;  // origin + "/fhir"
  persist::WriteOptions write;
  // Null without --auth: every request is served.
  std::shared_ptr<const auth::TokenVerifier> verifier;
  audit::AuditTrail* trail = nullptr;  // null with --no-audit
  metrics::ServerMetrics* metrics = nullptr;  // /metrics; never null in `vigil serve`
  std::string model_dir;  // --model: an artifact folder that scores instead of the registry's champion
  std::vector<std::string> rules = {"news2"};  // --rules: bedside scores beside the model (ai::RuleScorer)
  // --subscription-ca: the client TLS context for https:// rest-hook endpoints;
  // null: the system's trusted certificates alone.
  std::shared_ptr<net::TlsContext> subscription_tls = nullptr;
  // What a surface keeps alive for the server's lifetime (services with
  // threads); released after the HTTP server and the event bus have stopped.
  std::vector<std::shared_ptr<void>> owned;
};

// A handler of a non-FHIR surface; token is null when authentication is off.
using GuardedHandler =
    std::function<server::HttpResponse(const server::HttpRequest&, const auth::AccessToken* token)>;

// Wraps handler so that, when ctx.verifier is set, a request without a valid
// bearer token is answered 401 (OperationOutcome and WWW-Authenticate) before
// handler runs; and, when ctx.trail is set, every request, refused ones
// included, is recorded in the audit trail (server/rest/audit_facts.h).
// Exceptions in handler: 500 with a generic message.
server::HttpHandler Guarded(const ServeContext& ctx, GuardedHandler handler);

// Wraps a handler that needs no bearer token (the token endpoint) so that
// every request is recorded in the audit trail when ctx.trail is set.
server::HttpHandler Audited(const ServeContext& ctx, server::HttpHandler handler);

// A JSON response (Content-Type application/json) with the given status.
server::HttpResponse JsonResponse(int status, std::string body);

}  // namespace vigil::app
