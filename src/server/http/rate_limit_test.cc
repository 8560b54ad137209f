#include "server/http/rate_limit.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::server {
namespace {

using namespace std::chrono_literals;

class RateLimitTest : public ::testing::Test {
 protected:
  HttpHandler Handler(double rps, double burst = 0) {
    RateLimitOptions options;
    options.requests_per_second = rps;
    options.burst = burst;
    options.now = [this] { return now_; };
    return WithRateLimit(
        options, [](const HttpRequest&) { return HttpResponse{}; },
        [](int status, std::string_view message) {
          HttpResponse r;
          r.status = status;
          r.body = std::string(message);
          return r;
        });
  }
  static HttpRequest From(std::string ip, std::string token = "") {
    HttpRequest r;
    r.method = "GET";
    r.remote_address = std::move(ip);
    if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
    return r;
  }
  static std::string RetryAfter(const HttpResponse& r) {
    for (const auto& [n, v] : r.headers) {
      if (n == "Retry-After") return v;
    }
    return "<absent>";
  }
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::time_point() + 1h;
};

TEST_F(RateLimitTest, ABurstPassesThenTheClientWaitsForTheRefill) {
  HttpHandler h = Handler(2, 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(h(From("10.0.0.1")).status, 200) << i;
  HttpResponse refused = h(From("10.0.0.1"));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(RetryAfter(refused), "1");
  now_ += 500ms;  // one request's worth at 2/s
  EXPECT_EQ(h(From("10.0.0.1")).status, 200);
  EXPECT_EQ(h(From("10.0.0.1")).status, 429);
}

TEST_F(RateLimitTest, RetryAfterCountsWholeSecondsAtSlowRates) {
  HttpHandler h = Handler(0.2);  // one request per 5 s, burst 1
  EXPECT_EQ(h(From("10.0.0.1")).status, 200);
  HttpResponse refused = h(From("10.0.0.1"));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(RetryAfter(refused), "5");
  now_ += 5s;
  EXPECT_EQ(h(From("10.0.0.1")).status, 200);
}

TEST_F(RateLimitTest, ClientsAreTheirTokensElseTheirAddresses) {
  HttpHandler h = Handler(1);
  EXPECT_EQ(h(From("10.0.0.1")).status, 200);
  EXPECT_EQ(h(From("10.0.0.1")).status, 429);
  EXPECT_EQ(h(From("10.0.0.2")).status, 200);           // another address
  EXPECT_EQ(h(From("10.0.0.1", "token-a")).status, 200);  // a token is its own client
  EXPECT_EQ(h(From("10.0.0.3", "token-a")).status, 429);  // wherever it comes from
  EXPECT_EQ(h(From("10.0.0.3", "token-b")).status, 200);
}

TEST_F(RateLimitTest, NoLimitMeansTheHandlerAsIs) {
  HttpHandler h = Handler(0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(h(From("10.0.0.1")).status, 200);
}

}  // namespace
}  // namespace vigil::server
