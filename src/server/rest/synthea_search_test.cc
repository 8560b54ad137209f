// Searches over the Synthea bundles in ../shared/data/synthea-r4, loaded through
// the bulk importer into the SQLite store and queried through the REST API.
// Every expected count is computed here by walking the bundles' JSON directly,
// never taken from Vigil's own output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "ingest/bulk/importer.h"
#include "search/registry.h"
#include "server/http/url.h"
#include "server/rest/fhir_api.h"
#include "store/sqlite/sqlite_store.h"

namespace vigil::server {
namespace {

namespace fs = std::filesystem;
const fs::path kSynthea = fs::path(VIGIL_SHARED_DIR) / "data" / "synthea-r4";

using Predicate = std::function<bool(const fhir::Json&)>;

// Loaded once for the whole suite: the store, the API and the resources as parsed
// from the bundles (references still urn:uuid:<id>, ids as in the files).
struct Fixture {
  fs::path dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<persist::ResourceWrites> writes;
  std::unique_ptr<FhirApi> api;
  std::vector<fhir::Json> resources;
};

Fixture* fixture = nullptr;

class SyntheaSearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::is_directory(kSynthea)) return;
    fixture = new Fixture;
    fixture->dir = fs::temp_directory_path() / ("vigil-synthea-" + std::to_string(getpid()));
    store::SqliteOptions options;
    options.durability = store::SqliteOptions::Durability::kNormal;
    fixture->store = *store::OpenSqliteStore(fixture->dir.string(), options);
    fixture->writes = std::make_unique<persist::ResourceWrites>(search::Registry::Default(),
                                                                persist::WriteOptions{});
    ingest::Importer importer(*fixture->store, *fixture->writes, {});
    for (const auto& entry : fs::directory_iterator(kSynthea)) {
      if (entry.path().extension() != ".json") continue;
      ASSERT_TRUE(importer.ImportFile(entry.path().string()).ok());
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      fhir::Json bundle = *fhir::ParseJson(text.str());
      for (fhir::Json& e : bundle.Find("entry")->items()) {
        fixture->resources.push_back(std::move(*e.Find("resource")));
      }
    }
    ASSERT_EQ(importer.stats().errors, 0);
    FhirApiOptions api_options;
    api_options.search.max_count = 5000;
    fixture->api = std::make_unique<FhirApi>(*fixture->store, search::Registry::Default(), api_options);
  }

  static void TearDownTestSuite() {
    if (fixture == nullptr) return;
    fixture->api.reset();
    fixture->store.reset();
    fs::remove_all(fixture->dir);
    delete fixture;
    fixture = nullptr;
  }

  void SetUp() override {
    if (fixture == nullptr) GTEST_SKIP() << "../shared/data/synthea-r4 is missing";
  }

  // The ids (sorted) a search returns, following next links to the end.
  static std::set<std::string> SearchIds(const std::string& type, const std::string& query,
                                         std::string_view only_type = "") {
    std::set<std::string> ids;
    std::string target = "/fhir/" + type + "?" + query + "&_count=500";
    for (int page = 0; page < 100 && !target.empty(); ++page) {
      HttpRequest request;
      request.method = "GET";
      size_t q = target.find('?');
      request.path = PercentDecode(target.substr(0, q), false);
      request.query = target.substr(q + 1);
      HttpResponse response = fixture->api->Handle(request);
      EXPECT_EQ(response.status, 200) << target << ": " << response.body.substr(0, 400);
      if (response.status != 200) break;
      fhir::Json bundle = *fhir::ParseJson(response.body);
      if (const fhir::Json* entries = bundle.Find("entry")) {
        for (const fhir::Json& e : entries->items()) {
          const fhir::Json& r = *e.Find("resource");
          std::string rtype = r.Find("resourceType")->text();
          if (rtype == "OperationOutcome") {
            ADD_FAILURE() << target << ": " << fhir::WriteJson(r);
            continue;
          }
          if (!only_type.empty() && rtype != only_type) continue;
          ids.insert(rtype + "/" + r.Find("id")->text());
        }
      }
      target.clear();
      for (const fhir::Json& link : bundle.Find("link")->items()) {
        if (link.Find("relation")->text() != "next") continue;
        std::string url = link.Find("url")->text();
        target = url.substr(url.find("/fhir/"));
      }
    }
    return ids;
  }

  static std::set<std::string> Expected(const std::string& type, const Predicate& keep) {
    std::set<std::string> ids;
    for (const fhir::Json& r : fixture->resources) {
      if (r.Find("resourceType")->text() == type && keep(r)) {
        ids.insert(type + "/" + r.Find("id")->text());
      }
    }
    return ids;
  }
};

std::string Str(const fhir::Json& r, std::string_view name) {
  const fhir::Json* v = r.Find(name);
  return v != nullptr && v->is_string() ? v->text() : "";
}

bool HasCoding(const fhir::Json* codeable, std::string_view system, std::string_view code) {
  if (codeable == nullptr) return false;
  const fhir::Json* codings = codeable->Find("coding");
  if (codings == nullptr) return false;
  for (const fhir::Json& c : codings->items()) {
    if ((system.empty() || Str(c, "system") == system) && Str(c, "code") == code) return true;
  }
  return false;
}

// The id a Synthea reference ("urn:uuid:<id>") points to.
std::string RefId(const fhir::Json& r, std::string_view element) {
  const fhir::Json* ref = r.Find(element);
  if (ref == nullptr) return "";
  std::string text = Str(*ref, "reference");
  return text.starts_with("urn:uuid:") ? text.substr(9) : text;
}

TEST_F(SyntheaSearchTest, TokenOnGender) {
  EXPECT_EQ(SearchIds("Patient", "gender=female"),
            Expected("Patient", [](const fhir::Json& r) { return Str(r, "gender") == "female"; }));
}

TEST_F(SyntheaSearchTest, TokenSystemAndCode) {
  auto expected = Expected("Observation", [](const fhir::Json& r) {
    return HasCoding(r.Find("code"), "http://loinc.org", "8302-2");
  });
  EXPECT_GT(expected.size(), 100u);
  EXPECT_EQ(SearchIds("Observation", "code=http://loinc.org|8302-2"), expected);
  EXPECT_EQ(SearchIds("Observation", "code=8302-2"), expected);
  EXPECT_TRUE(SearchIds("Observation", "code=http://snomed.info/sct|8302-2").empty());
}

TEST_F(SyntheaSearchTest, PatientAndCodeTogether) {
  std::string patient = *Expected("Patient", [](const fhir::Json&) { return true; }).begin();
  std::string id = patient.substr(patient.find('/') + 1);
  auto expected = Expected("Observation", [&](const fhir::Json& r) {
    return RefId(r, "subject") == id && HasCoding(r.Find("code"), "http://loinc.org", "29463-7");
  });
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(SearchIds("Observation", "patient=" + patient + "&code=http://loinc.org|29463-7"), expected);
  EXPECT_EQ(SearchIds("Observation", "subject=" + id + "&code=29463-7"), expected);
}

TEST_F(SyntheaSearchTest, DatePrefixesOnEncounterPeriod) {
  // Encounter.period: date=ge2015-01-01 matches periods that end on or after
  // 2015-01-01; lt2010 those that start before 2010.
  auto expected_ge = Expected("Encounter", [](const fhir::Json& r) {
    return Str(*r.Find("period"), "end") >= "2015-01-01";
  });
  EXPECT_EQ(SearchIds("Encounter", "date=ge2015-01-01"), expected_ge);
  auto expected_lt = Expected("Encounter", [](const fhir::Json& r) {
    return Str(*r.Find("period"), "start") < "2010";
  });
  EXPECT_EQ(SearchIds("Encounter", "date=lt2010"), expected_lt);
}

TEST_F(SyntheaSearchTest, QuantityPrefixesCompareTheValue) {
  auto weight_over = [](double limit, bool inclusive) {
    return [=](const fhir::Json& r) {
      const fhir::Json* q = r.Find("valueQuantity");
      if (!HasCoding(r.Find("code"), "http://loinc.org", "29463-7") || q == nullptr) return false;
      double v = std::stod(q->Find("value")->text());
      return inclusive ? v >= limit : v > limit;
    };
  };
  auto over90 = Expected("Observation", weight_over(90, false));
  EXPECT_EQ(over90.size(), 18u);
  EXPECT_EQ(SearchIds("Observation", "code=http://loinc.org|29463-7&value-quantity=gt90"), over90);
  EXPECT_EQ(SearchIds("Observation",
                      "code=http://loinc.org|29463-7&value-quantity=ge90|http://unitsofmeasure.org|kg"),
            Expected("Observation", weight_over(90, true)));
  EXPECT_TRUE(SearchIds("Observation", "code=29463-7&value-quantity=gt90|http://unitsofmeasure.org|mg").empty());
}

TEST_F(SyntheaSearchTest, StringStartsWithIsCaseInsensitive) {
  const fhir::Json& first = *std::find_if(
      fixture->resources.begin(), fixture->resources.end(),
      [](const fhir::Json& r) { return r.Find("resourceType")->text() == "Patient"; });
  std::string family = Str(first.Find("name")->items()[0], "family");
  std::string prefix = family.substr(0, 3);
  for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto expected = Expected("Patient", [&](const fhir::Json& r) {
    for (const fhir::Json& name : r.Find("name")->items()) {
      std::string f = Str(name, "family");
      for (char& c : f) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (f.starts_with(prefix)) return true;
    }
    return false;
  });
  EXPECT_EQ(SearchIds("Patient", "family=" + prefix), expected);
}

TEST_F(SyntheaSearchTest, ChainedSearchByPatientGender) {
  std::set<std::string> women;
  for (const auto& p : Expected("Patient", [](const fhir::Json& r) { return Str(r, "gender") == "female"; })) {
    women.insert(p.substr(p.find('/') + 1));
  }
  auto expected = Expected("Condition", [&](const fhir::Json& r) {
    return women.count(RefId(r, "subject")) > 0;
  });
  EXPECT_EQ(SearchIds("Condition", "subject:Patient.gender=female"), expected);
  EXPECT_EQ(SearchIds("Condition", "patient.gender=female"), expected);
}

TEST_F(SyntheaSearchTest, ReverseChainHas) {
  // Patients with at least one Condition coded 38341003 (hypertension) in SNOMED.
  std::set<std::string> with_hypertension;
  for (const fhir::Json& r : fixture->resources) {
    if (Str(r, "resourceType") == "Condition" &&
        HasCoding(r.Find("code"), "http://snomed.info/sct", "38341003")) {
      with_hypertension.insert("Patient/" + RefId(r, "subject"));
    }
  }
  EXPECT_EQ(with_hypertension.size(), 6u);
  EXPECT_EQ(SearchIds("Patient", "_has:Condition:patient:code=http://snomed.info/sct|38341003"),
            with_hypertension);
}

TEST_F(SyntheaSearchTest, IncludeAndRevinclude) {
  std::string patient = *Expected("Patient", [](const fhir::Json&) { return true; }).begin();
  std::string id = patient.substr(patient.find('/') + 1);
  // _include: the encounters of the patient's Observations' encounter references.
  std::set<std::string> encounters;
  for (const fhir::Json& r : fixture->resources) {
    if (Str(r, "resourceType") == "Observation" && RefId(r, "subject") == id &&
        HasCoding(r.Find("code"), "", "8302-2")) {
      encounters.insert("Encounter/" + RefId(r, "encounter"));
    }
  }
  EXPECT_EQ(SearchIds("Observation", "subject=" + patient + "&code=8302-2&_include=Observation:encounter",
                      "Encounter"),
            encounters);
  auto conditions = Expected("Condition", [&](const fhir::Json& r) { return RefId(r, "subject") == id; });
  EXPECT_EQ(SearchIds("Patient", "_id=" + id + "&_revinclude=Condition:subject", "Condition"),
            conditions);
  // patient has no rows of its own here: subject's that target a Patient
  // stand for them (search::ParamDef::narrows).
  EXPECT_EQ(SearchIds("Patient", "_id=" + id + "&_revinclude=Condition:patient", "Condition"),
            conditions);
  EXPECT_TRUE(
      SearchIds("Patient", "_id=" + id + "&_revinclude=Condition:patient:Group", "Condition")
          .empty());
  EXPECT_EQ(SearchIds("Condition", "patient=" + id + "&_include=Condition:patient", "Patient"),
            std::set<std::string>{patient});
  EXPECT_TRUE(
      SearchIds("Condition", "patient=" + id + "&_include=Condition:patient:Group", "Patient")
          .empty());
  EXPECT_EQ(SearchIds("Condition", "patient=Patient/" + id), conditions);
  EXPECT_TRUE(SearchIds("Condition", "patient=Group/" + id).empty());
  EXPECT_TRUE(SearchIds("Condition", "patient:missing=true").empty());
}

// The Patient compartment of Encounter is defined by its "patient" parameter,
// which writes no rows of its own: membership reads subject's.
TEST_F(SyntheaSearchTest, CompartmentSearchThroughANarrowingParameter) {
  std::string patient = *Expected("Patient", [](const fhir::Json&) { return true; }).begin();
  std::string id = patient.substr(patient.find('/') + 1);
  auto encounters =
      Expected("Encounter", [&](const fhir::Json& r) { return RefId(r, "subject") == id; });
  EXPECT_FALSE(encounters.empty());
  HttpRequest request;
  request.method = "GET";
  request.path = "/fhir/Patient/" + id + "/Encounter";
  request.query = "_count=1000";
  HttpResponse response = fixture->api->Handle(request);
  ASSERT_EQ(response.status, 200) << response.body.substr(0, 300);
  std::set<std::string> found;
  fhir::Json bundle = *fhir::ParseJson(response.body);
  if (const fhir::Json* entries = bundle.Find("entry")) {
    for (const fhir::Json& e : entries->items()) {
      const fhir::Json& r = *e.Find("resource");
      found.insert(Str(r, "resourceType") + "/" + Str(r, "id"));
    }
  }
  EXPECT_EQ(found, encounters);
}

TEST_F(SyntheaSearchTest, MissingModifier) {
  auto without = Expected("Patient", [](const fhir::Json& r) { return r.Find("deceasedDateTime") == nullptr; });
  EXPECT_EQ(without.size(), 13u);
  EXPECT_EQ(SearchIds("Patient", "death-date:missing=true"), without);
  EXPECT_EQ(SearchIds("Patient", "death-date:missing=false").size(), 3u);
}

TEST_F(SyntheaSearchTest, SortDescendingByBirthDate) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/fhir/Patient";
  request.query = "_sort=-birthdate&_count=100";
  fhir::Json bundle = *fhir::ParseJson(fixture->api->Handle(request).body);
  std::vector<std::string> dates;
  for (const fhir::Json& e : bundle.Find("entry")->items()) dates.push_back(Str(*e.Find("resource"), "birthDate"));
  std::vector<std::string> sorted = dates;
  std::sort(sorted.rbegin(), sorted.rend());
  EXPECT_EQ(dates, sorted);
  EXPECT_EQ(dates.size(), 16u);
}

// Whether `element` (an Observation or one of its components) has code
// loinc|code and a valueQuantity whose value passes `keep`.
bool CodeAndValue(const fhir::Json& element, std::string_view code,
                  const std::function<bool(double)>& keep) {
  const fhir::Json* q = element.Find("valueQuantity");
  if (!HasCoding(element.Find("code"), "http://loinc.org", code) || q == nullptr) return false;
  const fhir::Json* value = q->Find("value");
  return value != nullptr && keep(std::stod(value->text()));
}

TEST_F(SyntheaSearchTest, CompositeComponentCodeValueQuantityMatchesWithinOneComponent) {
  // Blood pressure panels: systolic (8480-6) and diastolic (8462-4) are two
  // components of one Observation; the composite pairs code and value of the
  // SAME component.
  auto with_component = [](std::string_view code, std::function<bool(double)> keep) {
    return [=](const fhir::Json& r) {
      const fhir::Json* components = r.Find("component");
      if (components == nullptr) return false;
      for (const fhir::Json& c : components->items()) {
        if (CodeAndValue(c, code, keep)) return true;
      }
      return false;
    };
  };
  auto systolic_over_130 =
      Expected("Observation", with_component("8480-6", [](double v) { return v > 130; }));
  EXPECT_FALSE(systolic_over_130.empty());
  EXPECT_EQ(SearchIds("Observation", "component-code-value-quantity=http://loinc.org|8480-6$gt130"),
            systolic_over_130);
  EXPECT_EQ(SearchIds("Observation", "combo-code-value-quantity=http://loinc.org|8480-6$gt130"),
            systolic_over_130);
  auto diastolic_from_80 =
      Expected("Observation", with_component("8462-4", [](double v) { return v >= 80; }));
  EXPECT_FALSE(diastolic_from_80.empty());
  EXPECT_EQ(SearchIds("Observation", "component-code-value-quantity=8462-4$ge80"),
            diastolic_from_80);
  // No diastolic value is above 130: pairing values across components would
  // find every panel with a systolic above 130.
  EXPECT_TRUE(
      Expected("Observation", with_component("8462-4", [](double v) { return v > 130; })).empty());
  EXPECT_TRUE(
      SearchIds("Observation", "component-code-value-quantity=http://loinc.org|8462-4$gt130")
          .empty());
}

// combo-code has no index rows of its own (it is code | component.code, see
// search::ParamDef::union_of): the search reads the rows of both.
TEST_F(SyntheaSearchTest, ComboCodeFindsTheCodesOfObservationsAndOfTheirComponents) {
  auto has_code = [](std::string_view code) {
    return [=](const fhir::Json& r) {
      if (HasCoding(r.Find("code"), "http://loinc.org", code)) return true;
      const fhir::Json* components = r.Find("component");
      if (components == nullptr) return false;
      for (const fhir::Json& c : components->items()) {
        if (HasCoding(c.Find("code"), "http://loinc.org", code)) return true;
      }
      return false;
    };
  };
  auto systolic = Expected("Observation", has_code("8480-6"));  // a component's code
  auto weight = Expected("Observation", has_code("29463-7"));   // the Observation's code
  EXPECT_FALSE(systolic.empty());
  EXPECT_FALSE(weight.empty());
  EXPECT_EQ(SearchIds("Observation", "combo-code=http://loinc.org|8480-6"), systolic);
  EXPECT_EQ(SearchIds("Observation", "combo-code=http://loinc.org|29463-7"), weight);
  auto either = Expected("Observation", [&](const fhir::Json& r) {
    return has_code("8480-6")(r) || has_code("29463-7")(r);
  });
  EXPECT_EQ(SearchIds("Observation", "combo-code=8480-6,29463-7"), either);
  auto no_weight =
      Expected("Observation", [&](const fhir::Json& r) { return !has_code("29463-7")(r); });
  EXPECT_EQ(SearchIds("Observation", "combo-code:not=http://loinc.org|29463-7"), no_weight);
}

TEST_F(SyntheaSearchTest, CompositeCodeValueQuantity) {
  auto weight = [](std::function<bool(double)> keep) {
    return [=](const fhir::Json& r) { return CodeAndValue(r, "29463-7", keep); };
  };
  auto over90 = Expected("Observation", weight([](double v) { return v > 90; }));
  EXPECT_FALSE(over90.empty());
  EXPECT_EQ(SearchIds("Observation", "code-value-quantity=http://loinc.org|29463-7$gt90"), over90);
  EXPECT_EQ(
      SearchIds("Observation", "code-value-quantity=29463-7$le60|http://unitsofmeasure.org|kg"),
      Expected("Observation", weight([](double v) { return v <= 60; })));
  EXPECT_TRUE(
      SearchIds("Observation", "code-value-quantity=http://loinc.org|8302-2$gt1000").empty());
}

TEST_F(SyntheaSearchTest, IncludeEveryReferenceParam) {
  std::string patient = *Expected("Patient", [](const fhir::Json&) { return true; }).begin();
  std::string id = patient.substr(patient.find('/') + 1);
  std::set<std::string> referenced = {patient};
  for (const fhir::Json& r : fixture->resources) {
    if (Str(r, "resourceType") == "Observation" && RefId(r, "subject") == id &&
        HasCoding(r.Find("code"), "", "8302-2")) {
      referenced.insert("Encounter/" + RefId(r, "encounter"));
    }
  }
  for (const char* include : {"*", "Observation:*"}) {
    std::set<std::string> found =
        SearchIds("Observation", "subject=" + patient + "&code=8302-2&_include=" + include);
    std::erase_if(found, [](const std::string& k) { return k.starts_with("Observation/"); });
    EXPECT_EQ(found, referenced) << include;
  }
}

TEST_F(SyntheaSearchTest, TokenInAndNotInAValueSet) {
  auto all = Expected("Patient", [](const fhir::Json& r) { return !Str(r, "gender").empty(); });
  EXPECT_EQ(SearchIds("Patient", "gender:in=http://hl7.org/fhir/ValueSet/administrative-gender"),
            all);
  EXPECT_TRUE(
      SearchIds("Patient", "gender:not-in=http://hl7.org/fhir/ValueSet/administrative-gender")
          .empty());
}

}  // namespace
}  // namespace vigil::server
