#include "dashboard/static_files.h"

#include <gtest/gtest.h>

namespace vigil::dashboard {
namespace {

constexpr WebAsset kAssets[] = {
    {"/index.html", "text/html; charset=utf-8", "\"aaaa\"", "<html>page</html>"},
    {"/app.js", "text/javascript; charset=utf-8", "\"bbbb\"", "console.log(1)"},
};

std::string Header(const StaticReply& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

TEST(StaticFilesTest, RootServesTheIndexWithTypeEtagAndRevalidation) {
  StaticReply r = ServeStatic(kAssets, "GET", "/", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<html>page</html>");
  EXPECT_EQ(Header(r, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(Header(r, "ETag"), "\"aaaa\"");
  EXPECT_EQ(Header(r, "Cache-Control"), "no-cache");
  EXPECT_NE(Header(r, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  StaticReply js = ServeStatic(kAssets, "GET", "/app.js", "");
  EXPECT_EQ(Header(js, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(js, "Content-Security-Policy"), "");
}

TEST(StaticFilesTest, AMatchingIfNoneMatchGets304WithoutBody) {
  StaticReply r = ServeStatic(kAssets, "GET", "/app.js", "\"zzzz\", W/\"bbbb\"");
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(Header(r, "ETag"), "\"bbbb\"");
  EXPECT_EQ(ServeStatic(kAssets, "GET", "/app.js", "\"zzzz\"").status, 200);
}

TEST(StaticFilesTest, WithoutEmbeddedFilesThePageSaysHowToBuildIt) {
  StaticReply r = ServeStatic({}, "GET", "/", "");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("npm ci &amp;&amp; npm run build"), std::string::npos);
  EXPECT_TRUE(ClaimsPath({}, "/app.js"));
}

TEST(StaticFilesTest, ClaimsOnlyItsOwnPaths) {
  EXPECT_TRUE(ClaimsPath(kAssets, "/"));
  EXPECT_TRUE(ClaimsPath(kAssets, "/index.html"));
  EXPECT_FALSE(ClaimsPath(kAssets, "/fhir/Patient"));
  EXPECT_FALSE(ClaimsPath(kAssets, "/metadata"));
  EXPECT_EQ(ServeStatic(kAssets, "GET", "/app.css", "").status, 404);  // claimed, not built
  EXPECT_EQ(ServeStatic(kAssets, "POST", "/", "").status, 405);
}

}  // namespace
}  // namespace vigil::dashboard
