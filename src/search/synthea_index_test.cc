// Indexes every resource of the Synthea sample bundles (../shared/data/synthea-r4)
// and checks the rows against facts computed independently by walking the JSON.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "base/str.h"
#include "search/indexer.h"
#include "search/registry.h"
#include "search/rows.h"

namespace vigil::search {
namespace {

namespace fs = std::filesystem;

const fs::path kSyntheaDir = fs::path(VIGIL_SHARED_DIR) / "data" / "synthea-r4";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class SearchSyntheaIndex : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kSyntheaDir)) return;
    bundles_ = new std::vector<fhir::Json>();
    for (const auto& entry : fs::directory_iterator(kSyntheaDir)) {
      if (entry.path().extension() != ".json") continue;
      auto json = fhir::ParseJson(ReadFile(entry.path()));
      ASSERT_TRUE(json.ok()) << entry.path() << ": " << Message(json.status());
      bundles_->push_back(std::move(*json));
    }
    resources_ = new std::vector<const fhir::Json*>();
    for (const fhir::Json& bundle : *bundles_) {
      const fhir::Json* entries = bundle.Find("entry");
      if (entries == nullptr) continue;
      for (const fhir::Json& e : entries->items()) {
        if (const fhir::Json* r = e.Find("resource")) resources_->push_back(r);
      }
    }
  }
  void SetUp() override {
    if (resources_ == nullptr) GTEST_SKIP() << "Synthea bundles not found in " << kSyntheaDir;
  }

  static std::string_view TypeOf(const fhir::Json& r) { return r.Find("resourceType")->text(); }

  static std::vector<fhir::Json>* bundles_;
  static std::vector<const fhir::Json*>* resources_;
};
std::vector<fhir::Json>* SearchSyntheaIndex::bundles_ = nullptr;
std::vector<const fhir::Json*>* SearchSyntheaIndex::resources_ = nullptr;

template <typename Row>
size_t Count(const std::vector<Row>& rows, std::string_view param) {
  size_t n = 0;
  for (const Row& r : rows) n += r.param == param;
  return n;
}

TEST_F(SearchSyntheaIndex, EveryResourceIndexesWithoutIssues) {
  const Registry& registry = Registry::Default();
  size_t rows = 0, issues = 0;
  for (const fhir::Json* r : *resources_) {
    auto indexed = IndexResourceWithIssues(registry, *r);
    ASSERT_TRUE(indexed.ok()) << Message(indexed.status());
    const store::IndexEntries& e = indexed->entries;
    rows += e.tokens.size() + e.strings.size() + e.dates.size() + e.numbers.size() +
            e.quantities.size() + e.references.size() + e.uris.size();
    for (const IndexIssue& issue : indexed->issues) {
      ADD_FAILURE() << TypeOf(*r) << "/" << r->Find("id")->text() << " " << issue.param << ": "
                    << issue.message;
      ++issues;
    }
  }
  std::cout << resources_->size() << " Synthea resources, " << rows << " index rows, " << issues
            << " issues\n";
  EXPECT_GT(resources_->size(), 3000u);
}

// The number of Observation `code` rows for LOINC 8302-2 (body height) equals the
// number of that coding in Observation.code.coding, counted by walking the JSON.
TEST_F(SearchSyntheaIndex, ObservationCodeRowsMatchTheJson) {
  size_t expected = 0, actual = 0, quantities_expected = 0, quantities_actual = 0;
  for (const fhir::Json* r : *resources_) {
    if (TypeOf(*r) != "Observation") continue;
    for (const fhir::Json& coding : r->Find("code")->Find("coding")->items()) {
      const fhir::Json* code = coding.Find("code");
      expected += code != nullptr && code->text() == "8302-2";
    }
    const fhir::Json* vq = r->Find("valueQuantity");
    quantities_expected += vq != nullptr && vq->Find("value") != nullptr;
    auto e = IndexResource(Registry::Default(), *r);
    ASSERT_TRUE(e.ok());
    for (const store::TokenRow& t : e->tokens) {
      actual += t.param == "code" && t.code == "8302-2" && t.system == "http://loinc.org";
    }
    quantities_actual += Count(e->quantities, "value-quantity");
  }
  EXPECT_GT(expected, 0u);
  EXPECT_EQ(actual, expected);
  EXPECT_GT(quantities_expected, 0u);
  EXPECT_EQ(quantities_actual, quantities_expected);
}

TEST_F(SearchSyntheaIndex, PatientAndEncounterFactsMatchTheJson) {
  size_t patients = 0, birthdates = 0, genders = 0, names_expected = 0, names = 0;
  size_t encounters_with_period = 0, encounter_dates = 0;
  for (const fhir::Json* r : *resources_) {
    if (TypeOf(*r) == "Patient") {
      ++patients;
      auto e = IndexResource(Registry::Default(), *r);
      ASSERT_TRUE(e.ok());
      EXPECT_EQ(Count(e->dates, "birthdate"), r->Find("birthDate") != nullptr ? 1u : 0u);
      birthdates += Count(e->dates, "birthdate");
      genders += Count(e->tokens, "gender");
      for (const fhir::Json& name : r->Find("name")->items()) {
        names_expected += name.Find("family") != nullptr;
      }
      names += Count(e->strings, "family");
    } else if (TypeOf(*r) == "Encounter") {
      encounters_with_period += r->Find("period") != nullptr;
      auto e = IndexResource(Registry::Default(), *r);
      ASSERT_TRUE(e.ok());
      encounter_dates += Count(e->dates, "date");
    }
  }
  EXPECT_GT(patients, 0u);
  EXPECT_EQ(birthdates, patients);
  EXPECT_EQ(genders, patients);
  EXPECT_EQ(names, names_expected);
  EXPECT_GT(encounters_with_period, 0u);
  EXPECT_EQ(encounter_dates, encounters_with_period);
}

// Not an assertion: a figure for the import budget (< 100 us per resource).
TEST_F(SearchSyntheaIndex, IndexingTime) {
  const Registry& registry = Registry::Default();
  constexpr int kRounds = 3;
  auto run = [&](size_t first, size_t step) {
    size_t sink = 0;
    for (int round = 0; round < kRounds; ++round) {
      for (size_t i = first; i < resources_->size(); i += step) {
        auto e = IndexResource(registry, *(*resources_)[i]);
        sink += e.ok() ? e->tokens.size() : 0;
      }
    }
    return sink;
  };
  run(0, 1);  // warm up
  auto start = std::chrono::steady_clock::now();
  run(0, 1);
  double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      (kRounds * resources_->size());
  start = std::chrono::steady_clock::now();
  std::thread other([&] { run(1, 2); });
  run(0, 2);
  other.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "IndexResource: " << us
            << " us/resource on 1 thread; 2 threads: " << kRounds * resources_->size() / seconds
            << " resources/s\n";
}

// --- Derived (union) parameters -------------------------------------------------

std::string Describe(const store::CompositePart& part) {
  return std::visit(
      [](const auto& r) -> std::string {
        using R = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<R, store::TokenRow>) {
          return StrCat("token ", r.system, "|", r.code, "|", r.text);
        } else if constexpr (std::is_same_v<R, store::StringRow>) {
          return StrCat("string ", r.normalized, "|", r.exact);
        } else if constexpr (std::is_same_v<R, store::DateRow>) {
          return StrCat("date ", r.low, "|", r.high);
        } else if constexpr (std::is_same_v<R, store::NumberRow>) {
          return StrCat("number ", r.value, "|", r.low, "|", r.high);
        } else if constexpr (std::is_same_v<R, store::QuantityRow>) {
          return StrCat("quantity ", r.value, "|", r.low, "|", r.high, "|", r.system, "|", r.code,
                        "|", r.unit);
        } else if constexpr (std::is_same_v<R, store::ReferenceRow>) {
          return StrCat("reference ", r.target_type, "|", r.target_id, "|", r.url);
        } else {
          return StrCat("uri ", r.value);
        }
      },
      part);
}

// Every row of `params` in `ix`, described without its param name (composite
// rows as their parts), as a set.
std::set<std::string> RowsOf(const store::IndexEntries& ix, const std::set<std::string>& params) {
  std::set<std::string> out;
  auto add = [&](const auto& rows) {
    for (const auto& r : rows) {
      if (!params.contains(r.param)) continue;
      store::CompositePart part = r;
      out.insert(Describe(part));
    }
  };
  add(ix.tokens);
  add(ix.strings);
  add(ix.dates);
  add(ix.numbers);
  add(ix.quantities);
  add(ix.references);
  add(ix.uris);
  for (const store::CompositeRow& row : ix.composites) {
    if (!params.contains(row.param)) continue;
    std::string text = "composite";
    for (const store::CompositePart& part : row.parts) text += " [" + Describe(part) + "]";
    out.insert(text);
  }
  return out;
}

// What a search reads for composite `def` with component_params in `ix`: one
// composite row per combination of its component parameters' rows.
std::set<std::string> ComponentRowsOf(const store::IndexEntries& ix, const ParamDef& def) {
  std::vector<std::string> rows = {"composite"};
  for (const ParamDef* part : def.component_params) {
    std::vector<std::string> longer;
    for (const std::string& row : rows) {
      for (const std::string& value : RowsOf(ix, {std::string(part->code)})) {
        longer.push_back(row + " [" + value + "]");
      }
    }
    rows = std::move(longer);
  }
  return {rows.begin(), rows.end()};
}

// What the indexer would write for `def` itself, from its own expression.
store::IndexEntries OwnRows(const ParamDef& def, const fhir::Json& resource) {
  store::IndexEntries ix;
  const fhirpath::EvalOptions& options = IndexEvalOptions();
  if (def.type == ParamType::kComposite) {
    AppendCompositeRows(def, resource, options, &ix);
    return ix;
  }
  auto values = def.compiled->Evaluate(resource, options);
  EXPECT_TRUE(values.ok()) << def.code;
  if (values.ok()) {
    for (const fhirpath::Value& v : *values) AppendRows(def.type, def.code, v, &ix);
  }
  return ix;
}

// The indexer writes no rows for a parameter derived as the union of others
// (Observation's combo-*); searches read theirs. That is only right if its own
// expression would yield exactly their rows: checked on every Observation of the
// Synthea bundles and of the official R4 examples.
// Every resource of the Synthea bundles and every official R4 example (whose
// references are typed: "Patient/example", where Synthea's are urn:uuid).
std::vector<fhir::Json> SyntheaAndExamples() {
  std::vector<fhir::Json> resources;
  if (fs::exists(kSyntheaDir)) {
    for (const auto& entry : fs::directory_iterator(kSyntheaDir)) {
      if (entry.path().extension() != ".json") continue;
      auto bundle = fhir::ParseJson(ReadFile(entry.path()));
      if (!bundle.ok()) continue;
      if (const fhir::Json* entries = bundle->Find("entry")) {
        for (const fhir::Json& e : entries->items()) {
          if (const fhir::Json* r = e.Find("resource")) resources.push_back(*r);
        }
      }
    }
  }
  const fs::path examples = fs::path(VIGIL_SHARED_DIR) / "fhir-r4" / "examples";
  if (fs::exists(examples)) {
    for (const auto& entry : fs::directory_iterator(examples)) {
      if (entry.path().extension() != ".json") continue;
      auto r = fhir::ParseJson(ReadFile(entry.path()));
      const fhir::Json* type = r.ok() ? r->Find("resourceType") : nullptr;
      if (type != nullptr && type->is_string() && type->text() != "Bundle") {
        resources.push_back(std::move(*r));
      }
    }
  }
  return resources;
}

TEST(SearchUnionParameters, RowsOfTheSourcesAreTheRowsOfTheUnion) {
  std::vector<fhir::Json> resources = SyntheaAndExamples();
  if (resources.empty()) {
    GTEST_SKIP() << "neither " << kSyntheaDir << " nor the R4 examples were found";
  }
  const Registry& registry = Registry::Default();
  size_t compared = 0, nonempty = 0;
  for (const fhir::Json& resource : resources) {
    const fhir::Json* type = resource.Find("resourceType");
    if (type == nullptr || !type->is_string()) continue;
    std::span<const ParamDef* const> params = registry.ForType(type->text());
    bool any_union = false;
    for (const ParamDef* def : params) any_union = any_union || !def->union_of.empty();
    if (!any_union) continue;
    auto indexed = IndexResource(registry, resource);
    ASSERT_TRUE(indexed.ok());
    for (const ParamDef* def : params) {
      if (def->union_of.empty()) continue;
      std::set<std::string> sources, read;
      for (const ParamDef* source : def->union_sources) {
        if (source->component_params.empty()) {
          sources.insert(std::string(source->code));
        } else {  // read as its components' rows (the next test)
          read.merge(ComponentRowsOf(*indexed, *source));
        }
      }
      read.merge(RowsOf(*indexed, sources));
      std::set<std::string> own = RowsOf(OwnRows(*def, resource), {std::string(def->code)});
      EXPECT_TRUE(RowsOf(*indexed, {std::string(def->code)}).empty()) << def->code;
      EXPECT_EQ(read, own) << def->code << " of " << resource.Find("id")->text();
      ++compared;
      if (!own.empty()) ++nonempty;
    }
  }
  std::cout << compared << " (resource, derived parameter) pairs compared, " << nonempty
            << " with rows\n";
  EXPECT_GT(nonempty, 100u);
}

// The indexer writes no rows for a composite over the resource itself whose
// components read what other parameters read (Observation's code-value-quantity,
// -concept and -date; Registry: component_params); searches read the rows of
// those parameters.
// That is only right if its own expression would yield exactly their
// combinations: checked on the Synthea bundles and the R4 examples.
TEST(SearchComponentParameters, RowsOfTheComponentsAreTheRowsOfTheComposite) {
  std::vector<fhir::Json> resources = SyntheaAndExamples();
  if (resources.empty()) {
    GTEST_SKIP() << "neither " << kSyntheaDir << " nor the R4 examples were found";
  }
  const Registry& registry = Registry::Default();
  size_t compared = 0, nonempty = 0;
  for (const fhir::Json& resource : resources) {
    const fhir::Json* type = resource.Find("resourceType");
    if (type == nullptr || !type->is_string()) continue;
    auto indexed = IndexResource(registry, resource);
    ASSERT_TRUE(indexed.ok());
    for (const ParamDef* def : registry.ForType(type->text())) {
      if (def->component_params.empty()) continue;
      std::set<std::string> own = RowsOf(OwnRows(*def, resource), {std::string(def->code)});
      EXPECT_TRUE(RowsOf(*indexed, {std::string(def->code)}).empty()) << def->code;
      EXPECT_EQ(ComponentRowsOf(*indexed, *def), own)
          << def->code << " of " << resource.Find("id")->text();
      ++compared;
      if (!own.empty()) ++nonempty;
    }
  }
  std::cout << compared << " (resource, composite parameter) pairs compared, " << nonempty
            << " with rows\n";
  EXPECT_GT(nonempty, 100u);
}

// The same for parameters that narrow subject to one target type (patient):
// their reference rows are subject's rows that target that type plus the
// few the indexer still writes for them (never of that type). On the Synthea
// bundles and the R4 examples.
TEST(SearchNarrowingParameters, RowsAreTheirSubjectsRowsOfThatType) {
  std::vector<fhir::Json> all = SyntheaAndExamples();
  if (all.empty()) GTEST_SKIP() << "neither " << kSyntheaDir << " nor the R4 examples were found";
  auto TypeOf = [](const fhir::Json& r) { return r.Find("resourceType")->text(); };
  const Registry& registry = Registry::Default();
  size_t compared = 0, nonempty = 0;
  for (const fhir::Json& json : all) {
    const fhir::Json* resource = &json;
    auto indexed = IndexResource(registry, *resource);
    ASSERT_TRUE(indexed.ok());
    for (const ParamDef* def : registry.ForType(TypeOf(*resource))) {
      if (def->narrows.empty()) continue;
      std::set<std::string> own;
      for (const store::ReferenceRow& r : OwnRows(*def, *resource).references) {
        own.insert(Describe(store::CompositePart(r)));
      }
      std::set<std::string> narrowed;
      for (const store::ReferenceRow& r : indexed->references) {
        if (r.param == def->code) {
          EXPECT_NE(r.target_type, def->narrows_to) << def->base << "." << def->code;
          narrowed.insert(Describe(store::CompositePart(r)));
        }
        if (r.param == def->narrows && r.target_type == def->narrows_to) {
          narrowed.insert(Describe(store::CompositePart(r)));
        }
      }
      EXPECT_EQ(narrowed, own) << def->base << "." << def->code << " of "
                               << resource->Find("id")->text();
      ++compared;
      if (!own.empty()) ++nonempty;
    }
  }
  std::cout << compared << " (resource, narrowing parameter) pairs compared, " << nonempty
            << " with rows\n";
  EXPECT_GT(nonempty, 100u);
}

}  // namespace
}  // namespace vigil::search
