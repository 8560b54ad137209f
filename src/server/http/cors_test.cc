#include "server/http/cors.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::server {
namespace {

HttpRequest Request(std::string method, std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = r.target = "/fhir/Patient";
  r.headers = std::move(headers);
  return r;
}

std::string HeaderOf(const HttpResponse& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

class CorsTest : public ::testing::Test {
 protected:
  HttpHandler Handler(std::vector<std::string> origins) {
    CorsOptions options;
    options.allowed_origins = std::move(origins);
    return WithCors(
        options,
        [this](const HttpRequest&) {
          ++inner_calls_;
          HttpResponse r;
          r.headers.emplace_back("ETag", "W/\"1\"");
          r.body = "{}";
          return r;
        },
        [](int status, std::string_view message) {
          HttpResponse r;
          r.status = status;
          r.body = std::string(message);
          return r;
        });
  }
  int inner_calls_ = 0;
};

TEST_F(CorsTest, PreflightFromAnAllowedOriginIsAnsweredWithoutTheHandler) {
  HttpResponse r = Handler({"https://app.example.org"})(
      Request("OPTIONS", {{"origin", "https://app.example.org"},
                          {"access-control-request-method", "POST"},
                          {"access-control-request-headers", "authorization, content-type"}}));
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(inner_calls_, 0);
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "https://app.example.org");
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Methods"),
            "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Headers"), "authorization, content-type");
  EXPECT_EQ(HeaderOf(r, "Access-Control-Max-Age"), "600");
  EXPECT_EQ(HeaderOf(r, "Vary"), "Origin");
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Credentials"), "<absent>");
}

TEST_F(CorsTest, ResponsesToAnAllowedOriginNameItAndExposeHeaders) {
  HttpResponse r = Handler({"https://a.example", "https://app.example.org"})(
      Request("GET", {{"origin", "https://app.example.org"}}));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(inner_calls_, 1);
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "https://app.example.org");
  EXPECT_NE(HeaderOf(r, "Access-Control-Expose-Headers").find("ETag"), std::string::npos);
  EXPECT_EQ(HeaderOf(r, "Vary"), "Origin");
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Credentials"), "<absent>");
}

TEST_F(CorsTest, OtherOriginsGetNoCorsHeadersAndTheirPreflightIsRefused) {
  HttpHandler h = Handler({"https://app.example.org"});
  HttpResponse get = h(Request("GET", {{"origin", "https://evil.example"}}));
  EXPECT_EQ(get.status, 200);  // the browser withholds it from the page
  EXPECT_EQ(HeaderOf(get, "Access-Control-Allow-Origin"), "<absent>");
  HttpResponse pre = h(Request(
      "OPTIONS", {{"origin", "https://evil.example"}, {"access-control-request-method", "GET"}}));
  EXPECT_EQ(pre.status, 403);
  EXPECT_EQ(HeaderOf(pre, "Access-Control-Allow-Origin"), "<absent>");
  // A prefix of an allowed origin is another origin.
  HttpResponse prefix = h(Request("GET", {{"origin", "https://app.example.org.evil.example"}}));
  EXPECT_EQ(HeaderOf(prefix, "Access-Control-Allow-Origin"), "<absent>");
}

TEST_F(CorsTest, StarAllowsAnyOriginWithoutReflectingIt) {
  HttpResponse r = Handler({"*"})(Request("GET", {{"origin", "https://sandbox.cds-hooks.org"}}));
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Credentials"), "<absent>");
}

TEST_F(CorsTest, RequestsWithoutOriginAndServersWithoutOriginsAreUntouched) {
  HttpResponse same = Handler({"*"})(Request("GET", {}));
  EXPECT_EQ(same.headers.size(), 1u);
  HttpResponse off = Handler({})(Request("OPTIONS", {{"origin", "https://a.example"},
                                                     {"access-control-request-method", "GET"}}));
  EXPECT_EQ(off.status, 200);  // went to the handler
  EXPECT_EQ(inner_calls_, 2);
}

TEST(CorsOriginTest, ValidOrigins) {
  EXPECT_TRUE(IsValidCorsOrigin("*"));
  EXPECT_TRUE(IsValidCorsOrigin("https://app.example.org"));
  EXPECT_TRUE(IsValidCorsOrigin("http://127.0.0.1:3000"));
  EXPECT_FALSE(IsValidCorsOrigin("https://app.example.org/"));
  EXPECT_FALSE(IsValidCorsOrigin("app.example.org"));
  EXPECT_FALSE(IsValidCorsOrigin("ftp://x"));
  EXPECT_FALSE(IsValidCorsOrigin("https://"));
  EXPECT_FALSE(IsValidCorsOrigin("null"));
}

}  // namespace
}  // namespace vigil::server
