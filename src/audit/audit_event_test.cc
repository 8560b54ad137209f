// AuditEventJson produces R4-valid AuditEvents (checked with fhir/validate.h)
// carrying the interaction, outcome, agent, source and entities.
#include "audit/audit_event.h"

#include "fhir/json.h"
#include "fhir/validate.h"
#include "gtest/gtest.h"

namespace vigil::audit {
namespace {

AuditFacts SearchFacts() {
  AuditFacts f;
  f.subtype = "search-type";
  f.action = 'E';
  f.time_ms = 1700000000123;
  f.status = 200;
  f.outcome_desc = "200";
  f.client_id = "app-1";
  f.subject = "user-7";
  f.issuer = "https://issuer.example";
  f.patient = "123";
  f.address = "127.0.0.1";
  f.resource_type = "Observation";
  f.query = "patient=Patient/1&code=8302-2";
  f.site = "http://127.0.0.1:8080/fhir";
  return f;
}

std::string Issues(const std::vector<fhir::ValidationIssue>& issues) {
  std::string out;
  for (const auto& i : issues) out += i.expression + ": " + i.message + "\n";
  return out;
}

TEST(AuditEventTest, SearchEventIsValidR4) {
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(AuditEventJson(SearchFacts()));
  ASSERT_TRUE(json.ok());
  std::vector<fhir::ValidationIssue> issues = fhir::ValidateResource(*json);
  EXPECT_FALSE(fhir::HasErrors(issues)) << Issues(issues);
}

TEST(AuditEventTest, SearchQueryIsBase64AndAgentCarriesClientAndAddress) {
  std::string json = AuditEventJson(SearchFacts());
  // base64("patient=Patient/1&code=8302-2")
  EXPECT_NE(json.find("\"query\":\"cGF0aWVudD1QYXRpZW50LzEmY29kZT04MzAyLTI=\""), std::string::npos)
      << json;
  EXPECT_NE(json.find("\"code\":\"search-type\""), std::string::npos);
  EXPECT_NE(json.find("\"value\":\"app-1\""), std::string::npos);
  EXPECT_NE(json.find("\"address\":\"127.0.0.1\""), std::string::npos);
  EXPECT_NE(json.find("\"reference\":\"Patient/123\""), std::string::npos);
  EXPECT_NE(json.find("\"recorded\":\"2023-11-14T22:13:20.123Z\""), std::string::npos);
}

TEST(AuditEventTest, OutcomeFollowsTheHttpStatus) {
  EXPECT_STREQ(OutcomeCode(201), "0");
  EXPECT_STREQ(OutcomeCode(403), "4");
  EXPECT_STREQ(OutcomeCode(503), "8");
  AuditFacts f;
  f.subtype = "read";
  f.action = 'R';
  f.status = 401;
  f.entities = {"Patient/1"};
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(AuditEventJson(f));
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->Find("outcome")->text(), "4");
  EXPECT_FALSE(fhir::HasErrors(fhir::ValidateResource(*json)));
}

}  // namespace
}  // namespace vigil::audit
