// Compartment searches (GET /fhir/Patient/p/Observation) over every parameter
// of the R4 CompartmentDefinitions, and Patient/[id]/$everything: content,
// referenced resources, paging, _type and _since.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "base/time.h"
#include "search/registry.h"
#include "server/rest/fhir_api.h"
#include "server/rest/rest_test_util.h"
#include "store/memory/memory_store.h"

namespace vigil::server {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;
using testing::Body;
using testing::EntryKeys;
using testing::Link;
using testing::Text;

class CompartmentTest : public ::testing::Test {
 protected:
  CompartmentTest() : store_(store::NewMemoryStore()) {
    FhirApiOptions options;
    options.base_url = "http://test/fhir";
    options.write.now_ms = [this] { return now_ += 1000; };
    options.write.new_id = [this] { return "id" + std::to_string(++next_id_); };
    api_ = std::make_unique<FhirApi>(*store_, search::Registry::Default(), options);
    Put("Patient", "p", R"("name":[{"family":"Chalmers"}])");
    Put("Patient", "q", R"("name":[{"family":"Other"}])");
    Put("Practitioner", "dr", R"("name":[{"family":"Who"}])");
    Put("Organization", "org", R"("name":"Hospital")");
    Put("Location", "loc", R"("name":"Ward 1")");
    Put("Medication", "med", R"("code":{"text":"aspirin"})");
    Put("Encounter", "e1",
        R"("status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/p"},)"
        R"("serviceProvider":{"reference":"Organization/org"},)"
        R"("location":[{"location":{"reference":"Location/loc"}}])");
    Put("Observation", "o1",
        R"("status":"final","code":{"text":"hr"},"subject":{"reference":"Patient/p"},)"
        R"("performer":[{"reference":"Practitioner/dr"}])");
    // In p's compartment through performer, not subject.
    Put("Observation", "o2",
        R"("status":"final","code":{"text":"self-reported"},"performer":[{"reference":"Patient/p"}])");
    Put("Observation", "o3", R"("status":"final","code":{"text":"hr"},"subject":{"reference":"Patient/q"})");
    Put("Observation", "o4",
        R"("status":"final","code":{"text":"bp"},"subject":{"reference":"Patient/p"},)"
        R"("encounter":{"reference":"Encounter/e1"})");
    Put("MedicationRequest", "mr",
        R"("status":"active","intent":"order","subject":{"reference":"Patient/p"},)"
        R"("medicationReference":{"reference":"Medication/med"},)"
        R"("requester":{"reference":"Practitioner/dr"},"encounter":{"reference":"Encounter/e1"})");
  }

  void Put(const std::string& type, const std::string& id, const std::string& members) {
    std::string body = "{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\"," + members + "}";
    HttpResponse r = Call("PUT", "/fhir/" + type + "/" + id, body);
    ASSERT_TRUE(r.status == 200 || r.status == 201) << type << "/" << id << ": " << r.body;
  }
  HttpResponse Call(std::string method, std::string target, std::string body = "") {
    return testing::Call(*api_, std::move(method), std::move(target), std::move(body));
  }
  fhir::Json Get(std::string target) {
    HttpResponse r = Call("GET", std::move(target));
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r);
  }

  int64_t now_ = 1'700'000'000'000;
  int next_id_ = 0;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<FhirApi> api_;
};

TEST_F(CompartmentTest, PatientCompartmentUsesEveryDefinedParam) {
  fhir::Json bundle = Get("/fhir/Patient/p/Observation");
  EXPECT_THAT(EntryKeys(bundle), UnorderedElementsAre("Observation/o1", "Observation/o2", "Observation/o4"));
  EXPECT_EQ(Text(bundle, {"total"}), "3");
  EXPECT_THAT(EntryKeys(Get("/fhir/Patient/q/Observation")), ElementsAre("Observation/o3"));
  EXPECT_THAT(EntryKeys(Get("/fhir/Patient/nobody/Observation")), IsEmpty());
}

TEST_F(CompartmentTest, CompartmentSearchCombinesWithParametersAndPages) {
  EXPECT_THAT(EntryKeys(Get("/fhir/Patient/p/Observation?code:text=hr")), ElementsAre("Observation/o1"));
  fhir::Json page = Get("/fhir/Patient/p/Observation?_count=2");
  EXPECT_EQ(EntryKeys(page).size(), 2u);
  EXPECT_EQ(Link(page, "next"), "http://test/fhir/Patient/p/Observation?_count=2&_offset=2");
  // Requester (a Practitioner) puts the MedicationRequest in dr's compartment.
  EXPECT_THAT(EntryKeys(Get("/fhir/Practitioner/dr/MedicationRequest")), ElementsAre("MedicationRequest/mr"));
  EXPECT_THAT(EntryKeys(Get("/fhir/Practitioner/dr/Observation")), ElementsAre("Observation/o1"));
}

TEST_F(CompartmentTest, OtherCompartmentTypes) {
  EXPECT_THAT(EntryKeys(Get("/fhir/Encounter/e1/Observation")), ElementsAre("Observation/o4"));
  EXPECT_THAT(EntryKeys(Get("/fhir/Encounter/e1/MedicationRequest")), ElementsAre("MedicationRequest/mr"));
}

TEST_F(CompartmentTest, TypeOutsideTheCompartmentIs400) {
  EXPECT_EQ(Call("GET", "/fhir/Patient/p/Organization").status, 400);
  // Observation owns no compartment: not a compartment route.
  EXPECT_EQ(Call("GET", "/fhir/Observation/o1/Patient").status, 404);
}

TEST_F(CompartmentTest, EverythingHasPatientCompartmentAndReferencedResources) {
  fhir::Json bundle = Get("/fhir/Patient/p/$everything");
  EXPECT_EQ(Text(bundle, {"type"}), "searchset");
  EXPECT_EQ(Text(bundle, {"total"}), "6");
  std::vector<std::string> matches = EntryKeys(bundle, "match");
  ASSERT_FALSE(matches.empty());
  EXPECT_EQ(matches[0], "Patient/p");
  EXPECT_THAT(matches, UnorderedElementsAre("Patient/p", "Encounter/e1", "MedicationRequest/mr",
                                            "Observation/o1", "Observation/o2", "Observation/o4"));
  // One level of references; Encounter/e1 is a match already, so not repeated.
  EXPECT_THAT(EntryKeys(bundle, "include"),
              UnorderedElementsAre("Practitioner/dr", "Organization/org", "Location/loc", "Medication/med"));
  EXPECT_EQ(Link(bundle, "next"), "");
}

TEST_F(CompartmentTest, EverythingPagesWithCountAndNextLinks) {
  std::vector<std::string> all;
  std::set<std::string> included;
  std::string url = "/fhir/Patient/p/$everything?_count=2";
  int pages = 0;
  while (!url.empty() && pages < 10) {
    fhir::Json page = Get(url);
    ++pages;
    EXPECT_EQ(Text(page, {"total"}), "6");
    std::vector<std::string> matches = EntryKeys(page, "match");
    EXPECT_EQ(matches.size(), 2u);
    all.insert(all.end(), matches.begin(), matches.end());
    for (const std::string& k : EntryKeys(page, "include")) included.insert(k);
    std::string next = Link(page, "next");
    url = next.empty() ? "" : next.substr(std::string("http://test").size());
  }
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(all, UnorderedElementsAreArray(EntryKeys(Get("/fhir/Patient/p/$everything"), "match")));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 6u);
  EXPECT_THAT(included, UnorderedElementsAre("Practitioner/dr", "Organization/org", "Location/loc",
                                             "Medication/med"));
}

TEST_F(CompartmentTest, EverythingFiltersByTypeAndSince) {
  fhir::Json obs = Get("/fhir/Patient/p/$everything?_type=Observation,Practitioner");
  EXPECT_THAT(EntryKeys(obs, "match"),
              UnorderedElementsAre("Observation/o1", "Observation/o2", "Observation/o4"));
  EXPECT_THAT(EntryKeys(obs, "include"), ElementsAre("Practitioner/dr"));

  std::string since = FormatInstant(now_ + 1);
  Put("Observation", "o4",
      R"("status":"amended","code":{"text":"bp"},"subject":{"reference":"Patient/p"},)"
      R"("encounter":{"reference":"Encounter/e1"})");
  fhir::Json recent = Get("/fhir/Patient/p/$everything?_since=" + since);
  EXPECT_THAT(EntryKeys(recent, "match"), ElementsAre("Observation/o4"));
  EXPECT_THAT(EntryKeys(recent, "include"), IsEmpty());  // Encounter/e1 is older
  EXPECT_EQ(Text(recent, {"total"}), "1");
}

TEST_F(CompartmentTest, EverythingErrors) {
  EXPECT_EQ(Call("GET", "/fhir/Patient/nobody/$everything").status, 404);
  EXPECT_EQ(Call("GET", "/fhir/Patient/p/$everything?_type=Nope").status, 400);
  EXPECT_EQ(Call("GET", "/fhir/Patient/p/$everything?_since=yesterday").status, 400);
  EXPECT_EQ(Call("GET", "/fhir/Patient/p/$everything?_count=-1").status, 400);
  EXPECT_EQ(Call("DELETE", "/fhir/Patient/q").status / 100, 2);
  EXPECT_EQ(Call("GET", "/fhir/Patient/q/$everything").status, 410);
}

TEST_F(CompartmentTest, CapabilityStatementListsEverything) {
  fhir::Json cs = Get("/fhir/metadata");
  bool found = false;
  for (const fhir::Json& r : cs.Find("rest")->items()[0].Find("resource")->items()) {
    if (Text(r, {"type"}) == "Patient") found = Text(r, {"operation", "0", "name"}) == "everything";
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace vigil::server
