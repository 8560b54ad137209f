// Runs the official FHIRPath R4 test suite (../shared/conformance/fhirpath-r4/
// tests-fhir-r4.xml) unchanged. Inputs are the JSON versions of the suite's XML
// inputs (fhirpath.js-json-inputs/). Every test must pass unless it is listed,
// with its reason, in docs/CONFORMANCE.md; a listed test that starts passing is
// reported too, so the list stays honest.
#include <gtest/gtest.h>
#include <tinyxml2.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "base/str.h"
#include "fhirpath/fhirpath.h"

namespace vigil::fhirpath {
namespace {

namespace fs = std::filesystem;

const fs::path kSuiteDir = fs::path(VIGIL_SHARED_DIR) / "conformance" / "fhirpath-r4";

struct Case {
  std::string name;
  std::string group;
  std::string input_file;
  std::string expression;
  bool invalid = false;
  bool predicate = false;
  std::vector<std::pair<std::string, std::string>> outputs;  // (type, text)
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<Case> LoadSuite() {
  tinyxml2::XMLDocument doc;
  std::vector<Case> cases;
  if (doc.LoadFile((kSuiteDir / "tests-fhir-r4.xml").c_str()) != tinyxml2::XML_SUCCESS)
    return cases;
  for (auto* group = doc.RootElement()->FirstChildElement("group"); group;
       group = group->NextSiblingElement("group")) {
    for (auto* test = group->FirstChildElement("test"); test;
         test = test->NextSiblingElement("test")) {
      Case c;
      c.group = group->Attribute("name") ? group->Attribute("name") : "";
      c.name = test->Attribute("name") ? test->Attribute("name") : "";
      c.input_file = test->Attribute("inputfile") ? test->Attribute("inputfile") : "";
      c.predicate = test->BoolAttribute("predicate", false);
      auto* expr = test->FirstChildElement("expression");
      if (expr == nullptr) continue;
      c.expression = expr->GetText() ? expr->GetText() : "";
      c.invalid = expr->Attribute("invalid") != nullptr;
      for (auto* out = test->FirstChildElement("output"); out;
           out = out->NextSiblingElement("output")) {
        c.outputs.emplace_back(out->Attribute("type") ? out->Attribute("type") : "",
                               out->GetText() ? out->GetText() : "");
      }
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

// Rows "| name | reason |" of docs/CONFORMANCE.md's FHIRPath known-failure table.
std::map<std::string, std::string> KnownFailures() {
  std::map<std::string, std::string> known;
  std::istringstream doc(ReadFile(fs::path(VIGIL_SOURCE_DIR) / "docs" / "CONFORMANCE.md"));
  std::string line;
  bool in_section = false;
  while (std::getline(doc, line)) {
    if (line.starts_with("## ")) in_section = line.find("FHIRPath") != std::string::npos;
    if (!in_section || !line.starts_with("| `")) continue;
    size_t start = 3, end = line.find('`', start);
    if (end == std::string::npos) continue;
    known[line.substr(start, end - start)] = line.substr(end + 1);
  }
  return known;
}

// The expected value's text in the form our results print as.
std::string Canonical(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kBoolean: return v.boolean() ? "true" : "false";
    case ValueKind::kInteger: return std::to_string(v.integer());
    case ValueKind::kDecimal: return v.decimal().ToString();
    case ValueKind::kString: return std::string(v.string());
    case ValueKind::kDate:
    case ValueKind::kDateTime: return "@" + v.temporal().ToString();
    case ValueKind::kTime: return "@T" + v.temporal().ToString();
    case ValueKind::kQuantity: return v.quantity().ToString();
    case ValueKind::kNode: return fhir::WriteJson(*v.node().json);
  }
  return "";
}

bool OutputMatches(const std::string& type, const std::string& expected, const Value& actual) {
  auto v = actual.AsSystem();
  if (!v) return false;
  std::string got = Canonical(*v);
  if (got == expected) return true;
  // Typed numbers compare numerically ("1" vs "1.0": the suite is loose about scale
  // there); untyped outputs such as 1.58650000 must match their text, scale included.
  bool typed_number = type == "decimal" || type == "integer";
  if (typed_number && (v->kind() == ValueKind::kDecimal || v->kind() == ValueKind::kInteger)) {
    auto e = Decimal::Parse(expected);
    auto g = Decimal::Parse(got);
    return e && g && e->Compare(*g) == 0;
  }
  return false;
}

struct Outcome {
  bool passed = false;
  std::string detail;
};

Outcome RunCase(const Case& c, const std::map<std::string, fhir::Json>& inputs) {
  const fhir::Json* resource = nullptr;
  static const fhir::Json kEmpty = fhir::Json::Object();
  CompileOptions options;
  if (!c.input_file.empty()) {
    auto it = inputs.find(c.input_file);
    if (it == inputs.end()) return {false, "input file missing: " + c.input_file};
    resource = &it->second;
    options.root_type = resource->Find("resourceType")->text();
  }
  auto expr = Expression::Compile(c.expression, options);
  if (!expr.ok()) {
    return {c.invalid, StrCat("compile error: ", Message(expr.status()))};
  }
  auto result = resource ? expr->Evaluate(*resource) : expr->Evaluate(Collection{}, kEmpty);
  if (!result.ok()) return {c.invalid, StrCat("evaluation error: ", Message(result.status()))};
  if (c.invalid) return {false, "expected an error, got " + fhir::WriteJson(ToJson(*result))};
  Collection values = *result;
  if (c.predicate) values = Collection{Value::Boolean(!values.empty())};
  std::string got = fhir::WriteJson(ToJson(values));
  if (values.size() != c.outputs.size()) {
    return {false, StrCat("expected ", c.outputs.size(), " items, got ", got)};
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (!OutputMatches(c.outputs[i].first, c.outputs[i].second, values[i])) {
      return {false, StrCat("item ", i, ": expected ", c.outputs[i].second, ", got ", got)};
    }
  }
  return {true, ""};
}

std::map<std::string, fhir::Json> LoadInputs(const std::vector<Case>& cases) {
  std::map<std::string, fhir::Json> inputs;
  for (const Case& c : cases) {
    if (c.input_file.empty() || inputs.count(c.input_file)) continue;
    std::string json_name = c.input_file;
    if (json_name.ends_with(".xml"))
      json_name = json_name.substr(0, json_name.size() - 4) + ".json";
    auto parsed = fhir::ParseJson(ReadFile(kSuiteDir / "fhirpath.js-json-inputs" / json_name));
    if (parsed.ok()) inputs.emplace(c.input_file, std::move(*parsed));
  }
  return inputs;
}

TEST(FhirpathConformance, OfficialR4SuitePassesExceptDocumentedFailures) {
  if (!fs::exists(kSuiteDir / "tests-fhir-r4.xml")) {
    GTEST_SKIP() << "../shared not found: " << kSuiteDir << " (the FHIRPath R4 suite lives there)";
  }
  std::vector<Case> cases = LoadSuite();
  ASSERT_GE(cases.size(), 935u);
  auto inputs = LoadInputs(cases);
  auto known = KnownFailures();
  int passed = 0;
  std::set<std::string> names;
  std::ostringstream report;
  for (const Case& c : cases) {
    names.insert(c.name);
    Outcome o = RunCase(c, inputs);
    if (o.passed) ++passed;
    bool listed = known.count(c.name) > 0;
    if (!o.passed && !listed) {
      ADD_FAILURE() << c.name << " [" << c.group << "] " << c.expression << "\n    " << o.detail;
    }
    if (o.passed && listed) {
      ADD_FAILURE() << c.name << " now passes: remove it from docs/CONFORMANCE.md";
    }
    if (!o.passed) report << c.name << "\t" << c.expression << "\t" << o.detail << "\n";
  }
  for (const auto& [name, reason] : known) {
    EXPECT_TRUE(names.count(name)) << "docs/CONFORMANCE.md lists unknown test " << name;
  }
  double rate = 100.0 * passed / static_cast<double>(cases.size());
  std::cout << "FHIRPath R4 conformance: " << passed << " of " << cases.size() << " passed ("
            << rate << "%)\n";
  if (const char* out = std::getenv("VIGIL_CONFORMANCE_REPORT")) {
    std::ofstream(out) << report.str();
  }
  EXPECT_GE(rate, 95.0);
}

}  // namespace
}  // namespace vigil::fhirpath
