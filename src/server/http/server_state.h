// Internal: what every connection of one HttpServer shares. Not part of the API.
//
// Owned by shared_ptr: the server and each live Connection hold a reference, so
// the state outlives the last connection even while io_context tears down.
#pragma once

#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/http/http_server.h"

namespace vigil::server::http_internal {

class Connection;

class ServerState {
 public:
  ServerState(HttpOptions options, HttpHandler handler, HttpErrorFactory error_factory)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        error_factory_(std::move(error_factory)) {}

  const HttpOptions& options() const { return options_; }
  const HttpHandler& handler() const { return handler_; }

  // The factory's response with `status` forced; plain text when the factory is
  // empty or throws. Thread-safe.
  HttpResponse ErrorResponse(int status, std::string_view message) const;

  // Adds a live connection. Returns false once BeginStop has run: the caller must
  // close the connection itself.
  bool Register(Connection* c, std::weak_ptr<Connection> weak);
  void Unregister(Connection* c);
  size_t live_connections() const;

  // Refuses further Register calls and returns the live connections to close.
  std::vector<std::shared_ptr<Connection>> BeginStop();
  bool stopping() const;

 private:
  const HttpOptions options_;
  const HttpHandler handler_;
  const HttpErrorFactory error_factory_;

  mutable std::mutex mu_;
  bool stopping_ = false;                                            // guarded by mu_
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live_;  // guarded by mu_
};

}  // namespace vigil::server::http_internal
