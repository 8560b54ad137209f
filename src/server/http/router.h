// Routes requests by path prefix to the handlers of Vigil's HTTP surfaces: the
// FHIR API under /fhir, CDS Hooks under /cds-services, /metrics, the dashboard's
// JSON under /api and its page at /. Each surface registers its prefix; the
// longest registered prefix that matches the request path at a segment
// boundary wins ("/api" matches "/api" and "/api/x", not "/apix"); "/" matches
// every path. No match: 404 from the fallback handler.
//
//   Router router(NotFound);
//   router.Add("/fhir", fhir_handler);
//   router.Add("/cds-services", cds_handler);
//   HttpServer server(options, router.AsHandler(), ...);
//
// Thread-safety: Handle may run on many threads at once, also while Add runs
// (`vigil serve` adds the surfaces once the server has its port).
#pragma once

#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "server/http/http_server.h"

namespace vigil::server {

class Router {
 public:
  explicit Router(HttpHandler fallback) : fallback_(std::move(fallback)) {}

  // prefix: "/" or a path without a trailing slash ("/cds-services"). A later
  // Add with the same prefix replaces the earlier handler.
  void Add(std::string prefix, HttpHandler handler);

  HttpResponse Handle(const HttpRequest& request) const;

  // The fallback handler alone, for a surface at "/" that answers only some of
  // the paths below it (the dashboard's page) and hands the others on.
  HttpResponse Fallback(const HttpRequest& request) const { return fallback_(request); }

  // A handler that calls Handle; the router must outlive it.
  HttpHandler AsHandler() const {
    return [this](const HttpRequest& request) { return Handle(request); };
  }

 private:
  HttpHandler fallback_;
  mutable std::shared_mutex mu_;
  std::vector<std::pair<std::string, HttpHandler>> routes_;  // longest prefix first
};

// True when path is prefix or lies below it ("/a" matches "/a", "/a/b"; "/"
// matches everything).
bool PathUnder(std::string_view path, std::string_view prefix);

}  // namespace vigil::server
