// The patient of a change event, for resources written the way the server
// writes them (persist::ResourceWrites, so with the index rows search/ makes),
// on both stores.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "events/event_bus.h"
#include "fhir/json.h"
#include "persist/resource_writes.h"
#include "search/registry.h"
#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"

namespace vigil::events {
namespace {

using namespace std::chrono_literals;

class PatientOfEventTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "Memory") {
      store_ = store::NewMemoryStore();
    } else {
      std::string tmpl = ::testing::TempDir() + "/events_patient_XXXXXX";
      ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
      dir_ = tmpl;
      store::SqliteOptions options;
      options.durability = store::SqliteOptions::Durability::kNormal;
      auto opened = store::OpenSqliteStore(dir_, options);
      ASSERT_TRUE(opened.ok()) << opened.status();
      store_ = *std::move(opened);
    }
    ASSERT_TRUE(bus_.Subscribe("test",
                               [this](const store::ChangeEvent& e) {
                                 std::lock_guard lock(mu_);
                                 seen_.push_back(e);
                                 return absl::OkStatus();
                               })
                    .ok());
    ASSERT_TRUE(bus_.Attach(*store_).ok());
  }
  void TearDown() override {
    bus_.Stop();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void Create(const std::string& json, const std::string& id) {
    absl::StatusOr<fhir::Json> resource = fhir::ParseJson(json);
    ASSERT_TRUE(resource.ok()) << resource.status();
    auto txn = *store_->BeginWrite();
    absl::StatusOr<persist::WriteResult> written = writes_.Create(*txn, *std::move(resource), id);
    ASSERT_TRUE(written.ok()) << written.status();
    ASSERT_TRUE(txn->Commit().ok());
  }
  void Delete(const std::string& type, const std::string& id) {
    auto txn = *store_->BeginWrite();
    ASSERT_TRUE(writes_.Delete(*txn, type, id, std::nullopt).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  // "Type/id vN[ deleted] -> patient" per event.
  std::vector<std::string> Seen() {
    EXPECT_TRUE(bus_.WaitIdle(10s));
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const store::ChangeEvent& e : seen_) {
      out.push_back(e.type + "/" + e.id + " v" + std::to_string(e.version) +
                    (e.deleted ? " deleted" : "") + " -> " + e.patient_id);
    }
    return out;
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  persist::ResourceWrites writes_{search::Registry::Default(), {}};
  std::mutex mu_;
  std::vector<store::ChangeEvent> seen_;  // guarded by mu_
  EventBus bus_;                          // its handler uses mu_ and seen_
};

constexpr char kCode[] = R"("code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]})";

TEST_P(PatientOfEventTest, ClinicalResourcesBelongToTheirSubjectPatient) {
  Create(R"({"resourceType":"Patient"})", "p1");
  Create(std::string(R"({"resourceType":"Observation","status":"final",)") + kCode +
             R"(,"subject":{"reference":"Patient/p1"}})",
         "o1");
  Create(R"({"resourceType":"Encounter","status":"in-progress",)"
         R"("class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},)"
         R"("subject":{"reference":"Patient/p1"}})",
         "e1");
  Create(R"({"resourceType":"Condition","subject":{"reference":"Patient/p1"}})", "c1");
  Create(R"({"resourceType":"RiskAssessment","status":"final",)"
         R"("subject":{"reference":"Patient/p1"}})",
         "r1");
  Create(R"({"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/p1"}})", "a1");
  Delete("Observation", "o1");
  EXPECT_EQ(Seen(), (std::vector<std::string>{
                        "Patient/p1 v1 -> p1",
                        "Observation/o1 v1 -> p1",
                        "Encounter/e1 v1 -> p1",
                        "Condition/c1 v1 -> p1",
                        "RiskAssessment/r1 v1 -> p1",
                        "AllergyIntolerance/a1 v1 -> p1",
                        "Observation/o1 v2 deleted -> p1",
                    }));
}

TEST_P(PatientOfEventTest, ResourcesOfNoPatientHaveNone) {
  Create(R"({"resourceType":"Group","type":"person","actual":true})", "g1");
  Create(std::string(R"({"resourceType":"Observation","status":"final",)") + kCode +
             R"(,"subject":{"reference":"Group/g1"}})",
         "o1");
  // An absolute reference is indexed by URL only: no patient id to report.
  Create(std::string(R"({"resourceType":"Observation","status":"final",)") + kCode +
             R"(,"subject":{"reference":"https://elsewhere.org/fhir/Patient/p9"}})",
         "o2");
  Create(R"({"resourceType":"Practitioner"})", "d1");
  EXPECT_EQ(Seen(), (std::vector<std::string>{
                        "Group/g1 v1 -> ",
                        "Observation/o1 v1 -> ",
                        "Observation/o2 v1 -> ",
                        "Practitioner/d1 v1 -> ",
                    }));
}

INSTANTIATE_TEST_SUITE_P(Stores, PatientOfEventTest, ::testing::Values("Memory", "Sqlite"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace vigil::events
