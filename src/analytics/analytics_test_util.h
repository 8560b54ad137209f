// Test helpers for the analytics tests: an in-memory store written the way the
// server writes (persist::ResourceWrites: ids, meta, index rows), a temporary
// folder, and small resource builders.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "fhir/json.h"
#include "persist/resource_writes.h"
#include "search/registry.h"
#include "store/memory/memory_store.h"

namespace vigil::analytics {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "/analytics_XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    if (!path_.empty()) std::filesystem::remove_all(path_);
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class TestStore {
 public:
  TestStore() : store_(store::NewMemoryStore()) {}
  store::Store& store() { return *store_; }

  // Creates or updates the resource (json has resourceType; id given here).
  void Put(const std::string& json, const std::string& id) {
    absl::StatusOr<fhir::Json> resource = fhir::ParseJson(json);
    ASSERT_TRUE(resource.ok()) << resource.status();
    resource->Set("id", fhir::Json::String(id));
    std::string type = resource->Find("resourceType")->text();
    auto txn = *store_->BeginWrite();
    auto written = writes_.Update(*txn, type, id, *std::move(resource), std::nullopt);
    ASSERT_TRUE(written.ok()) << written.status();
    ASSERT_TRUE(txn->Commit().ok());
  }
  void Delete(const std::string& type, const std::string& id) {
    auto txn = *store_->BeginWrite();
    ASSERT_TRUE(writes_.Delete(*txn, type, id, std::nullopt).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }

 private:
  std::unique_ptr<store::Store> store_;
  persist::ResourceWrites writes_{search::Registry::Default(), {}};
};

// A heart-rate Observation of patient `patient` with value `bpm`.
inline std::string HeartRate(const std::string& patient, int bpm) {
  return R"({"resourceType":"Observation","status":"final",)"
         R"("code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},)"
         R"("subject":{"reference":"Patient/)" +
         patient + R"("},"valueQuantity":{"value":)" + std::to_string(bpm) + R"(,"unit":"/min"}})";
}

inline std::string PatientJson(const std::string& family) {
  return R"({"resourceType":"Patient","name":[{"family":")" + family + R"("}]})";
}

// id, patient (reference), value (integer), unit (string).
inline constexpr char kHeartRateView[] = R"j({
  "resourceType": "ViewDefinition", "name": "hr", "resource": "Observation", "status": "active",
  "select": [{"column": [
    {"name": "id", "path": "id", "type": "string"},
    {"name": "patient", "path": "subject.getReferenceKey(Patient)", "type": "string"},
    {"name": "bpm", "path": "value.ofType(Quantity).value", "type": "integer"},
    {"name": "unit", "path": "value.ofType(Quantity).unit"}]}]})j";

}  // namespace vigil::analytics
