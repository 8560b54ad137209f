#include "dashboard/api.h"

#include <gtest/gtest.h>

#include "dashboard/test_util.h"

namespace vigil::dashboard {
namespace {

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() : rate_(0), api_(db_.store(), db_.registry(), rate_, Options()) {
    db_.Put(testing::PatientJson("p1", "One", "female", "1950-01-01"));
    db_.Put(testing::Obs("o1", "p1", "", "8867-4", "80", "/min", "2026-01-01T08:00:00Z"));
  }
  static ApiOptions Options() {
    ApiOptions options;
    options.now_ms = [] { return int64_t{1767225600000}; };
    options.dead_letters = [] { return DeadLetters{"/d", size_t{3}}; };
    return options;
  }
  testing::TestStore db_;
  WriteRate rate_;
  Api api_;
};

TEST_F(ApiTest, RoutesEachEndpoint) {
  EXPECT_EQ(api_.Handle("GET", "/api/ward", "").status, 200);
  ApiReply stats = api_.Handle("GET", "/api/stats", "");
  EXPECT_EQ(stats.status, 200);
  EXPECT_NE(stats.body.find(R"("deadLetters":{"folder":"/d","count":3})"), std::string::npos) << stats.body;
  EXPECT_EQ(api_.Handle("GET", "/api/patients/p1/summary", "").status, 200);
  EXPECT_EQ(api_.Handle("GET", "/api/patients/p1/risk", "").status, 200);
  ApiReply trend = api_.Handle("GET", "/api/patients/p1/trends", "code=http%3A%2F%2Floinc.org%7C8867-4");
  EXPECT_EQ(trend.status, 200);
  EXPECT_NE(trend.body.find(R"("value":80)"), std::string::npos) << trend.body;
}

TEST_F(ApiTest, BadRequestsGetJsonErrors) {
  ApiReply unknown = api_.Handle("GET", "/api/patients/nobody/summary", "");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, R"({"error":"Patient/nobody is not known"})");
  EXPECT_EQ(api_.Handle("GET", "/api/patients/p1/trends", "").status, 400);
  EXPECT_EQ(api_.Handle("GET", "/api/patients/p1/other", "").status, 404);
  EXPECT_EQ(api_.Handle("GET", "/api/patients/p1", "").status, 404);
  EXPECT_EQ(api_.Handle("GET", "/api/patients/bad id!/summary", "").status, 400);
  EXPECT_EQ(api_.Handle("POST", "/api/ward", "").status, 405);
}

}  // namespace
}  // namespace vigil::dashboard
