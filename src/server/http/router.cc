#include "server/http/router.h"

#include <algorithm>
#include <mutex>

namespace vigil::server {

bool PathUnder(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return true;
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

void Router::Add(std::string prefix, HttpHandler handler) {
  std::unique_lock lock(mu_);
  for (auto& [existing, h] : routes_) {
    if (existing == prefix) {
      h = std::move(handler);
      return;
    }
  }
  routes_.emplace_back(std::move(prefix), std::move(handler));
  std::stable_sort(routes_.begin(), routes_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

HttpResponse Router::Handle(const HttpRequest& request) const {
  // Held while the handler runs: Add (at start-up only) waits for it.
  std::shared_lock lock(mu_);
  for (const auto& [prefix, handler] : routes_) {
    if (PathUnder(request.path, prefix)) return handler(request);
  }
  return fallback_(request);
}

}  // namespace vigil::server
