// Every official R4 JSON example must parse as a resource, round-trip through
// Json byte-for-byte (numbers keep their text, members their order), and use
// only elements the generated model knows: the proof that the model is complete.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "fhir/json.h"
#include "fhir/resource.h"
#include "gtest/gtest.h"

namespace vigil::fhir {
namespace {

namespace fs = std::filesystem;

constexpr size_t kExpectedExampleCount = 714;

// Examples that legitimately contain members outside the base R4 model, with the
// reason. Empty today: every R4 example uses base elements only. An entry here
// exempts the file from the UnknownElements check only.
const std::map<std::string, std::string>& UnknownElementExceptions() {
  static const auto* exceptions = new std::map<std::string, std::string>{};
  return *exceptions;
}

fs::path ExamplesDir() { return fs::path(VIGIL_SHARED_DIR) / "fhir-r4" / "examples"; }

std::vector<fs::path> ExampleFiles() {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(ExamplesDir())) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Checks one example; returns what is wrong with it, or "" when nothing is.
std::string CheckExample(const std::string& name, const std::string& text) {
  absl::StatusOr<Json> parsed = ParseResource(text);
  if (!parsed.ok()) return absl::StrCat("ParseResource: ", parsed.status().ToString());
  const std::string compact = WriteJson(*parsed);
  absl::StatusOr<Json> reparsed = ParseJson(compact);
  if (!reparsed.ok()) return absl::StrCat("re-parse: ", reparsed.status().ToString());
  if (!(*reparsed == *parsed)) return "re-parsed tree differs from the original";
  if (WriteJson(*reparsed) != compact) return "compact output is not a fixed point";
  absl::StatusOr<Json> from_pretty = ParseJson(WriteJson(*parsed, /*pretty=*/true));
  if (!from_pretty.ok() || !(*from_pretty == *parsed)) return "pretty output does not round-trip";
  if (UnknownElementExceptions().contains(name)) return "";
  std::vector<std::string> unknown = UnknownElements(*parsed);
  if (!unknown.empty()) return absl::StrCat("unknown elements: ", absl::StrJoin(unknown, ", "));
  return "";
}

class ExamplesTest : public testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(ExamplesDir())) {
      GTEST_SKIP() << "../shared not found: " << ExamplesDir()
                   << " is missing; the R4 examples cannot be checked";
    }
  }
};

TEST_F(ExamplesTest, AllExamplesArePresent) {
  EXPECT_EQ(ExampleFiles().size(), kExpectedExampleCount);
}

TEST_F(ExamplesTest, EveryExampleParsesRoundTripsAndUsesKnownElements) {
  size_t checked = 0;
  for (const fs::path& path : ExampleFiles()) {
    std::string name = path.filename().string();
    std::string problem = CheckExample(name, ReadFile(path));
    if (!problem.empty()) ADD_FAILURE() << name << ": " << problem;
    ++checked;
  }
  EXPECT_EQ(checked, kExpectedExampleCount);
}

TEST_F(ExamplesTest, ExceptionsNameExistingFiles) {
  for (const auto& [name, reason] : UnknownElementExceptions()) {
    EXPECT_TRUE(fs::exists(ExamplesDir() / name)) << name << " (" << reason << ")";
  }
}

}  // namespace
}  // namespace vigil::fhir
