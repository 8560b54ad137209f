// Every R4 search parameter's FHIRPath expression (../shared/fhir-r4/
// search-parameters.json) must compile against each of its base types and
// evaluate without error over every official example of those types. Search
// indexing (the next layer up) depends on exactly this.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/str.h"
#include "fhirpath/fhirpath.h"

namespace vigil::fhirpath {
namespace {

namespace fs = std::filesystem;

const fs::path kFhirDir = fs::path(VIGIL_SHARED_DIR) / "fhir-r4";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Examples by resource type.
std::map<std::string, std::vector<fhir::Json>> LoadExamples() {
  std::map<std::string, std::vector<fhir::Json>> by_type;
  for (const auto& entry : fs::directory_iterator(kFhirDir / "examples")) {
    auto json = fhir::ParseJson(ReadFile(entry.path()));
    if (!json.ok()) continue;
    const fhir::Json* rt = json->Find("resourceType");
    if (rt != nullptr) by_type[rt->text()].push_back(std::move(*json));
  }
  return by_type;
}

TEST(SearchParameters, AllR4ExpressionsCompileAndEvaluateOverExamples) {
  if (!fs::exists(kFhirDir / "search-parameters.json")) {
    GTEST_SKIP() << "../shared not found: " << kFhirDir;
  }
  auto bundle = fhir::ParseJson(ReadFile(kFhirDir / "search-parameters.json"));
  ASSERT_TRUE(bundle.ok());
  auto examples = LoadExamples();
  int parameters = 0, compiled = 0, evaluations = 0;
  for (const fhir::Json& entry : bundle->Find("entry")->items()) {
    const fhir::Json& param = *entry.Find("resource");
    const fhir::Json* expression = param.Find("expression");
    ++parameters;
    if (expression == nullptr) continue;  // _text, _content, _query, ... have none
    for (const fhir::Json& base : param.Find("base")->items()) {
      std::string type = base.text();
      if (type == "Resource" || type == "DomainResource") type = "";
      auto expr = Expression::Compile(expression->text(), CompileOptions{type});
      if (!expr.ok()) {
        ADD_FAILURE() << param.Find("id")->text() << " on " << base.text() << ": "
                      << Message(expr.status());
        continue;
      }
      ++compiled;
      for (const fhir::Json& example : examples[base.text()]) {
        auto r = expr->Evaluate(example);
        ++evaluations;
        EXPECT_TRUE(r.ok()) << param.Find("id")->text() << " over " << example.Find("id")->text()
                            << ": " << Message(r.status());
      }
    }
  }
  std::cout << parameters << " search parameters, " << compiled
            << " (parameter, base) pairs compiled, " << evaluations << " evaluations\n";
  EXPECT_EQ(parameters, 1375);
}

}  // namespace
}  // namespace vigil::fhirpath
