// Every request FhirApi::Handle answers is described once to the audit hook,
// with its interaction, outcome and the references or query it touched.
#include "server/rest/audit_facts.h"

#include <gtest/gtest.h>

#include <mutex>

#include "search/registry.h"
#include "server/rest/fhir_api.h"
#include "server/rest/rest_test_util.h"
#include "store/memory/memory_store.h"

namespace vigil::server {
namespace {

class AuditFactsTest : public ::testing::Test {
 protected:
  AuditFactsTest() : store_(store::NewMemoryStore()) {
    FhirApiOptions options;
    options.base_url = "http://test/fhir";
    options.write.new_id = [this] { return "id" + std::to_string(++next_id_); };
    options.audit = [this](const audit::AuditFacts& f) {
      std::lock_guard lock(mu_);
      facts_.push_back(f);
    };
    api_ = std::make_unique<FhirApi>(*store_, search::Registry::Default(), options);
  }

  audit::AuditFacts Last() {
    std::lock_guard lock(mu_);
    return facts_.empty() ? audit::AuditFacts() : facts_.back();
  }

  int next_id_ = 0;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<FhirApi> api_;
  std::mutex mu_;
  std::vector<audit::AuditFacts> facts_;
};

TEST_F(AuditFactsTest, CreateReadSearchAndFailureAreEachAuditedOnce) {
  testing::Call(*api_, "POST", "/fhir/Patient", R"({"resourceType":"Patient"})");
  EXPECT_EQ(Last().subtype, "create");
  EXPECT_EQ(Last().action, 'C');
  ASSERT_EQ(Last().entities.size(), 1u);
  EXPECT_EQ(Last().entities[0], "Patient/id1/_history/1");

  testing::Call(*api_, "GET", "/fhir/Patient/id1");
  EXPECT_EQ(Last().subtype, "read");
  EXPECT_EQ(Last().action, 'R');
  EXPECT_EQ(Last().status, 200);
  EXPECT_EQ(Last().entities, std::vector<std::string>{"Patient/id1"});

  testing::Call(*api_, "GET", "/fhir/Observation?code=8302-2&access_token=secret");
  EXPECT_EQ(Last().subtype, "search-type");
  EXPECT_EQ(Last().action, 'E');
  EXPECT_EQ(Last().query, "code=8302-2");  // never the token
  EXPECT_EQ(Last().resource_type, "Observation");

  testing::Call(*api_, "GET", "/fhir/Patient/nope");
  EXPECT_EQ(Last().status, 404);
  EXPECT_EQ(Last().subtype, "read");

  testing::Call(*api_, "GET", "/fhir/Patient/id1/_history/1");
  EXPECT_EQ(Last().subtype, "vread");
  EXPECT_EQ(Last().entities, std::vector<std::string>{"Patient/id1/_history/1"});

  testing::Call(*api_, "DELETE", "/fhir/Patient/id1");
  EXPECT_EQ(Last().subtype, "delete");
  EXPECT_EQ(Last().action, 'D');
  std::lock_guard lock(mu_);
  EXPECT_EQ(facts_.size(), 6u);
}

TEST_F(AuditFactsTest, OperationsAndHistoryAreClassified) {
  testing::Call(*api_, "GET", "/fhir/Patient/x/$everything");
  EXPECT_EQ(Last().subtype, "operation");
  testing::Call(*api_, "GET", "/fhir/Patient/_history");
  EXPECT_EQ(Last().subtype, "history-type");
  testing::Call(*api_, "GET", "/fhir/metadata");
  EXPECT_EQ(Last().subtype, "capabilities");
  testing::Call(*api_, "PATCH", "/fhir/Patient/x", "[]");
  EXPECT_EQ(Last().subtype, "patch");
}

}  // namespace
}  // namespace vigil::server
