#include "server/http/rate_limit.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace vigil::server {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kPruneAbove = 10000;
constexpr std::chrono::seconds kIdle{60};

// The client a request counts against: its bearer token (hashed), else its peer.
std::string ClientKey(const HttpRequest& request) {
  std::string_view auth = request.Header("authorization");
  if (auth.empty()) return "ip:" + request.remote_address;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(auth.data()), auth.size(), digest);
  return "token:" + std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

class Limiter {
 public:
  explicit Limiter(RateLimitOptions options) : options_(std::move(options)) {
    if (options_.burst <= 0) options_.burst = std::max(1.0, options_.requests_per_second);
    if (!options_.now) options_.now = [] { return Clock::now(); };
  }

  // 0 when the request may go on; else the seconds to wait (>= 1).
  int Take(const std::string& key) {
    const Clock::time_point now = options_.now();
    std::lock_guard lock(mu_);
    if (buckets_.size() > kPruneAbove) Prune(now);
    auto [it, fresh] = buckets_.try_emplace(key, Bucket{options_.burst, now});
    Bucket& b = it->second;
    if (!fresh) {
      const double elapsed = std::chrono::duration<double>(now - b.updated).count();
      b.tokens = std::min(options_.burst, b.tokens + elapsed * options_.requests_per_second);
      b.updated = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / options_.requests_per_second)));
  }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };

  void Prune(Clock::time_point now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      it = now - it->second.updated > kIdle ? buckets_.erase(it) : std::next(it);
    }
  }

  RateLimitOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace

HttpHandler WithRateLimit(RateLimitOptions options, HttpHandler inner, HttpErrorFactory error) {
  if (options.requests_per_second <= 0) return inner;
  auto limiter = std::make_shared<Limiter>(std::move(options));
  return [limiter, inner = std::move(inner), error = std::move(error)](const HttpRequest& request) {
    if (int wait_s = limiter->Take(ClientKey(request)); wait_s > 0) {
      HttpResponse response = error(429, "too many requests from this client: slow down");
      response.headers.emplace_back("Retry-After", std::to_string(wait_s));
      return response;
    }
    return inner(request);
  };
}

}  // namespace vigil::server
