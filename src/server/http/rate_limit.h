// Per-client request rate limits (HTTP 429 with Retry-After), as a wrapper
// around the server's handler:
//
//   server::RateLimitOptions limits;
//   limits.requests_per_second = 50;
//   server::HttpHandler handler = server::WithRateLimit(limits, inner, error_response);
//
// Each client has a token bucket holding up to `burst` requests (default: one
// second's worth), refilled at requests_per_second. A request that finds the
// bucket empty is answered 429 by `error`, with Retry-After (whole seconds
// until a request is allowed again), without reaching `inner`.
//
// The client is the bearer token when the request carries one (each token is
// one client's grant; its SHA-256 is kept, never the token), else the peer
// address. A client that sends many different invalid tokens is limited only
// per token; the connection cap and the token check bound that case.
//
// Memory: one small entry per client seen in the last minute (idle entries are
// dropped once there are more than 10,000).
//
// Thread-safety: the returned handler may run on many threads at once.
#pragma once

#include <chrono>
#include <functional>

#include "server/http/http_server.h"

namespace vigil::server {

struct RateLimitOptions {
  double requests_per_second = 0;  // <= 0: no limit (the wrapper returns inner unchanged)
  double burst = 0;                // bucket size; <= 0: max(1, requests_per_second)
  // The clock (tests); default steady_clock::now.
  std::function<std::chrono::steady_clock::time_point()> now;
};

HttpHandler WithRateLimit(RateLimitOptions options, HttpHandler inner, HttpErrorFactory error);

}  // namespace vigil::server
