#include "metrics/server_metrics.h"

#include <gtest/gtest.h>

namespace vigil::metrics {
namespace {

std::string Interaction(std::string_view method, std::string_view path) {
  return ClassifyRequest(method, path).interaction;
}

TEST(ClassifyRequestTest, FhirInteractions) {
  EXPECT_EQ(Interaction("GET", "/fhir/Patient/1"), "read");
  EXPECT_EQ(Interaction("GET", "/fhir/Patient/1/_history/2"), "vread");
  EXPECT_EQ(Interaction("GET", "/fhir/Patient/1/_history"), "history-instance");
  EXPECT_EQ(Interaction("GET", "/fhir/Patient/_history"), "history-type");
  EXPECT_EQ(Interaction("GET", "/fhir/_history"), "history-system");
  EXPECT_EQ(Interaction("GET", "/fhir/Observation"), "search-type");
  EXPECT_EQ(Interaction("POST", "/fhir/Observation/_search"), "search-type");
  EXPECT_EQ(Interaction("GET", "/fhir"), "search-system");
  EXPECT_EQ(Interaction("POST", "/fhir"), "transaction");
  EXPECT_EQ(Interaction("POST", "/fhir/Observation"), "create");
  EXPECT_EQ(Interaction("PUT", "/fhir/Observation/x"), "update");
  EXPECT_EQ(Interaction("PATCH", "/fhir/Observation/x"), "patch");
  EXPECT_EQ(Interaction("DELETE", "/fhir/Observation/x"), "delete");
  EXPECT_EQ(Interaction("GET", "/fhir/metadata"), "capabilities");
  EXPECT_EQ(Interaction("GET", "/fhir/Patient/1/$everything"), "operation");
  EXPECT_EQ(Interaction("GET", "/fhir/Patient/1/Observation"), "search-type");  // compartment
}

TEST(ClassifyRequestTest, OtherSurfacesUseTheMethodAndNeverAnId) {
  EXPECT_EQ(ClassifyRequest("POST", "/cds-services/vigil-sepsis").surface, "cds-services");
  EXPECT_EQ(ClassifyRequest("POST", "/cds-services/vigil-sepsis").interaction, "POST");
  EXPECT_EQ(ClassifyRequest("GET", "/api/patients/123/summary").surface, "api");
  EXPECT_EQ(ClassifyRequest("GET", "/").surface, "page");
  EXPECT_EQ(ClassifyRequest("GET", "/app.js").surface, "page");
}

TEST(ServerMetricsTest, TextHasTheCountsHistogramsAndHookGauges) {
  ServerMetrics m;
  m.ObserveHttp("fhir", "read", 200, 0.002);
  m.ObserveHttp("fhir", "read", 404, 0.001);
  m.ObservePrediction("model:sepsis", "m-1", "live", "high", 0.004);
  m.ObservePrediction("model:sepsis", "m-1", "cds", "high", -1);
  m.CountAlert("model:sepsis", "m-1", "raised");
  m.CountFeedback("cds", "overridden");
  int scrapes = 0;
  m.OnCollect([&scrapes](ServerMetrics& self) {
    ++scrapes;
    self.SetEventConsumer("scoring", 3, 0, 1);
  });
  std::string text = m.Text();
  EXPECT_EQ(scrapes, 1);
  EXPECT_NE(text.find("vigil_http_requests_total{code=\"2xx\",interaction=\"read\",surface=\"fhir\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("vigil_http_request_duration_seconds_count{interaction=\"read\",surface=\"fhir\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("vigil_http_request_duration_seconds_bucket{interaction=\"read\",surface=\"fhir\",le=\"0.001\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("vigil_scoring_delay_seconds_bucket{mode=\"live\",scorer=\"model:sepsis\",le=\"0.005\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("vigil_predictions_total{decision=\"high\",mode=\"cds\",scorer=\"model:sepsis\",version=\"m-1\"} 1"),
            std::string::npos);
  EXPECT_EQ(text.find("vigil_scoring_delay_seconds_count{mode=\"cds\""), std::string::npos);
  EXPECT_NE(text.find("vigil_event_backlog{subscriber=\"scoring\"} 3"), std::string::npos);
  EXPECT_NE(text.find("vigil_alerts_total{change=\"raised\",scorer=\"model:sepsis\",version=\"m-1\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("vigil_feedback_total{outcome=\"overridden\",source=\"cds\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace vigil::metrics
