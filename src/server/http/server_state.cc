#include "server/http/server_state.h"

#include <cstdio>
#include <exception>
#include <string>

namespace vigil::server::http_internal {

HttpResponse ServerState::ErrorResponse(int status, std::string_view message) const {
  HttpResponse response;
  if (error_factory_) {
    try {
      response = error_factory_(status, message);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "vigil http: error factory threw for status %d: %s\n", status, e.what());
      response = HttpResponse{};
    } catch (...) {
      std::fprintf(stderr, "vigil http: error factory threw for status %d\n", status);
      response = HttpResponse{};
    }
  }
  if (response.body.empty() && response.headers.empty()) {
    response.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
    response.body = std::string(message) + "\n";
  }
  response.status = status;
  return response;
}

bool ServerState::Register(Connection* c, std::weak_ptr<Connection> weak) {
  std::lock_guard lock(mu_);
  if (stopping_) return false;
  live_.emplace(c, std::move(weak));
  return true;
}

void ServerState::Unregister(Connection* c) {
  std::lock_guard lock(mu_);
  live_.erase(c);
}

size_t ServerState::live_connections() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

std::vector<std::shared_ptr<Connection>> ServerState::BeginStop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  std::vector<std::shared_ptr<Connection>> out;
  out.reserve(live_.size());
  for (auto& [ptr, weak] : live_) {
    if (auto c = weak.lock()) out.push_back(std::move(c));
  }
  return out;
}

bool ServerState::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

}  // namespace vigil::server::http_internal
