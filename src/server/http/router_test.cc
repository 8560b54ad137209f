#include "server/http/router.h"

#include <gtest/gtest.h>

namespace vigil::server {
namespace {

HttpHandler Named(std::string name) {
  return [name](const HttpRequest&) {
    HttpResponse r;
    r.body = name;
    return r;
  };
}

std::string Route(const Router& router, std::string path) {
  HttpRequest request;
  request.path = std::move(path);
  return router.Handle(request).body;
}

TEST(RouterTest, LongestPrefixAtASegmentBoundaryWins) {
  Router router(Named("none"));
  router.Add("/", Named("page"));
  router.Add("/api", Named("api"));
  router.Add("/api/cohorts", Named("cohorts"));
  EXPECT_EQ(Route(router, "/api"), "api");
  EXPECT_EQ(Route(router, "/api/patients/1"), "api");
  EXPECT_EQ(Route(router, "/api/cohorts/x"), "cohorts");
  EXPECT_EQ(Route(router, "/apix"), "page");
  EXPECT_EQ(Route(router, "/"), "page");
}

TEST(RouterTest, UnmatchedPathsGoToTheFallback) {
  Router router(Named("none"));
  router.Add("/fhir", Named("fhir"));
  EXPECT_EQ(Route(router, "/fhirx"), "none");
  EXPECT_EQ(Route(router, "/metrics"), "none");
  EXPECT_EQ(Route(router, "/fhir/Patient"), "fhir");
}

TEST(RouterTest, AddingThePrefixAgainReplacesTheHandler) {
  Router router(Named("none"));
  router.Add("/metrics", Named("old"));
  router.Add("/metrics", Named("new"));
  EXPECT_EQ(Route(router, "/metrics"), "new");
}

}  // namespace
}  // namespace vigil::server
