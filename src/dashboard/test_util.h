// Test helper for the dashboard's tests: an in-memory store filled through
// persist::ResourceWrites (validated and indexed as `vigil serve` would).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/str.h"
#include "fhir/json.h"
#include "persist/resource_writes.h"
#include "search/registry.h"
#include "store/memory/memory_store.h"

namespace vigil::dashboard::testing {

class TestStore {
 public:
  TestStore() : store_(store::NewMemoryStore()), writes_(search::Registry::Default(), Options()) {}

  // Writes resource (JSON text with resourceType and id) as the next version.
  void Put(std::string_view json) {
    absl::StatusOr<fhir::Json> resource = fhir::ParseJson(json);
    ASSERT_TRUE(resource.ok()) << resource.status() << json;
    const std::string type = resource->Find("resourceType")->text();
    const std::string id = resource->Find("id")->text();
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok()) << txn.status();
    auto written = writes_.Update(**txn, type, id, *std::move(resource), std::nullopt);
    ASSERT_TRUE(written.ok()) << written.status() << json;
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  store::Store& store() { return *store_; }
  const search::Registry& registry() const { return search::Registry::Default(); }

 private:
  static persist::WriteOptions Options() {
    persist::WriteOptions options;
    options.now_ms = [] { return int64_t{1767225600000}; };  // 2026-01-01T00:00:00Z
    return options;
  }
  std::unique_ptr<store::Store> store_;
  persist::ResourceWrites writes_;
};

// An Observation of patient/encounter with a valueQuantity; extra is appended
// inside the object (",\"referenceRange\":[...]").
inline std::string Obs(std::string_view id, std::string_view patient, std::string_view encounter,
                       std::string_view loinc, std::string_view value, std::string_view unit, std::string_view time,
                       std::string_view extra = "") {
  std::string enc = encounter.empty() ? "" : StrCat(R"(,"encounter":{"reference":"Encounter/)", encounter, R"("})");
  return StrCat(R"({"resourceType":"Observation","id":")", id, R"(","status":"final",)",
                R"("code":{"coding":[{"system":"http://loinc.org","code":")", loinc, R"("}]},)",
                R"("subject":{"reference":"Patient/)", patient, R"("})", enc, R"(,"effectiveDateTime":")", time,
                R"(","valueQuantity":{"value":)", value, R"(,"system":"http://unitsofmeasure.org","code":")", unit,
                R"("})", extra, "}");
}

inline std::string PatientJson(std::string_view id, std::string_view family, std::string_view gender,
                               std::string_view birth) {
  return StrCat(R"({"resourceType":"Patient","id":")", id, R"(","name":[{"family":")", family,
                R"(","given":["Ann"]}],"gender":")", gender, R"(","birthDate":")", birth, R"("})");
}

inline std::string EncounterJson(std::string_view id, std::string_view patient, std::string_view status,
                                 std::string_view start) {
  return StrCat(R"({"resourceType":"Encounter","id":")", id, R"(","status":")", status,
                R"(","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},)",
                R"("subject":{"reference":"Patient/)", patient, R"("},"period":{"start":")", start, R"("}})");
}

}  // namespace vigil::dashboard::testing
