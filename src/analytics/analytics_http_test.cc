#include "analytics/analytics_http.h"

#include <gtest/gtest.h>

#include "analytics/analytics_test_util.h"

namespace vigil::analytics {
namespace {

class AnalyticsHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_.Put(PatientJson("Ng"), "p1");
    data_.Put(HeartRate("p1", 72), "o1");
    auto service = AnalyticsService::Open(dir_.File("analytics.sqlite"), data_.store());
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);
    http_ = std::make_unique<AnalyticsHttp>(*service_, "http://h/fhir");
  }
  server::HttpResponse Call(const std::string& method, const std::string& target,
                            const std::string& body = "",
                            const std::string& content_type = "application/json") {
    server::HttpRequest request;
    request.method = method;
    request.target = target;
    size_t q = target.find('?');
    request.path = target.substr(0, q);
    request.query = q == std::string::npos ? "" : target.substr(q + 1);
    request.body = body;
    request.headers.emplace_back("content-type", content_type);
    return request.path.starts_with(kSqlPath) ? http_->HandleSql(request)
                                              : http_->HandleViews(request);
  }
  static std::string Header(const server::HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "";
  }

  TempDir dir_;
  TestStore data_;
  std::unique_ptr<AnalyticsService> service_;
  std::unique_ptr<AnalyticsHttp> http_;
};

TEST_F(AnalyticsHttpTest, PutCreatesThenReplacesWithLocationAndEtag) {
  auto created = Call("PUT", "/fhir/ViewDefinition/hr", kHeartRateView);
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Header(created, "Location"), "http://h/fhir/ViewDefinition/hr/_history/1");
  EXPECT_EQ(Header(created, "ETag"), "W/\"1\"");
  auto replaced = Call("PUT", "/fhir/ViewDefinition/hr", kHeartRateView);
  EXPECT_EQ(replaced.status, 200);
  EXPECT_EQ(Header(replaced, "ETag"), "W/\"2\"");
}

TEST_F(AnalyticsHttpTest, RunAnswersWithTheFormatsContentType) {
  ASSERT_EQ(Call("PUT", "/fhir/ViewDefinition/hr", kHeartRateView).status, 201);
  auto csv = Call("GET", "/fhir/ViewDefinition/hr/$run?_format=csv");
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(Header(csv, "Content-Type"), "text/csv");
  EXPECT_EQ(csv.body, "id,patient,bpm,unit\no1,Patient/p1,72,/min\n");
  auto ndjson = Call("GET", "/fhir/ViewDefinition/hr/$run?_format=ndjson&header=false");
  EXPECT_EQ(Header(ndjson, "Content-Type"), "application/x-ndjson");
  auto posted = Call("POST", "/fhir/ViewDefinition/$run",
                     R"({"resourceType":"Parameters","parameter":[
                         {"name":"viewReference","valueReference":{"reference":"ViewDefinition/hr"}},
                         {"name":"_format","valueString":"json"}]})");
  EXPECT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(Header(posted, "Content-Type"), "application/json");
  EXPECT_EQ(posted.body,
            "[\n{\"id\":\"o1\",\"patient\":\"Patient/p1\",\"bpm\":72,\"unit\":\"/min\"}\n]\n");
}

TEST_F(AnalyticsHttpTest, ErrorsAreOperationOutcomesWithTheirStatus) {
  auto missing = Call("GET", "/fhir/ViewDefinition/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("\"resourceType\":\"OperationOutcome\""), std::string::npos);
  EXPECT_EQ(Call("POST", "/fhir/ViewDefinition/hr").status, 405);
  EXPECT_EQ(Call("GET", "/fhir/ViewDefinition/hr/_history").status, 404);
  EXPECT_EQ(Call("PUT", "/fhir/ViewDefinition/hr?materialize=yes", kHeartRateView).status, 400);
  EXPECT_EQ(Call("GET", "/fhir/ViewDefinition/$run?_format=xml").status, 400);
  EXPECT_EQ(Call("GET", "/api/sql").status, 405);
}

TEST_F(AnalyticsHttpTest, SqlTakesJsonOrTextAndAnswersJsonOrCsv) {
  ASSERT_EQ(Call("PUT", "/fhir/ViewDefinition/hr?materialize=true", kHeartRateView).status, 201);
  auto json = Call("POST", "/api/sql", R"({"sql":"SELECT id, bpm FROM view_hr","limit":1})");
  EXPECT_EQ(json.status, 200) << json.body;
  EXPECT_EQ(json.body, R"({"columns":["id","bpm"],"rows":[["o1",72]],"truncated":false})");
  server::HttpRequest text;
  text.method = "POST";
  text.path = "/api/sql";
  text.body = "SELECT count(*) AS n FROM view_hr";
  text.headers = {{"content-type", "text/plain"}, {"accept", "text/csv"}};
  auto csv = http_->HandleSql(text);
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(Header(csv, "Content-Type"), "text/csv");
  EXPECT_EQ(csv.body, "n\n1\n");
  EXPECT_EQ(Call("POST", "/api/sql", R"({"sql":"DELETE FROM view_hr"})").status, 400);
  EXPECT_EQ(Call("POST", "/api/sql", R"({"limit":3})").status, 400);
  EXPECT_EQ(Call("POST", "/api/sql", R"({"sql":"SELECT 1","limit":0})").status, 400);
}

TEST_F(AnalyticsHttpTest, DeleteIs204ThenTheViewIsGone) {
  ASSERT_EQ(Call("PUT", "/fhir/ViewDefinition/hr", kHeartRateView).status, 201);
  EXPECT_EQ(Call("DELETE", "/fhir/ViewDefinition/hr").status, 204);
  EXPECT_EQ(Call("GET", "/fhir/ViewDefinition/hr").status, 404);
  EXPECT_EQ(Call("DELETE", "/fhir/ViewDefinition/hr").status, 404);
}

TEST_F(AnalyticsHttpTest, ListIsASearchsetBundle) {
  ASSERT_EQ(Call("PUT", "/fhir/ViewDefinition/hr", kHeartRateView).status, 201);
  auto list = Call("GET", "/fhir/ViewDefinition");
  EXPECT_EQ(list.status, 200);
  auto bundle = fhir::ParseJson(list.body);
  ASSERT_TRUE(bundle.ok());
  EXPECT_EQ(bundle->Find("type")->text(), "searchset");
  EXPECT_EQ(bundle->Find("total")->text(), "1");
  EXPECT_EQ(bundle->Find("entry")->items()[0].Find("fullUrl")->text(),
            "http://h/fhir/ViewDefinition/hr");
}

}  // namespace
}  // namespace vigil::analytics
