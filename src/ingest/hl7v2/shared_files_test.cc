// Every file under ../shared/data/hl7v2/ (samples from four open-source HL7
// v2 projects): each parses, or is listed below with the reason it is not a
// message; each supported message maps to a Bundle our validator accepts,
// or is listed with the reason its data cannot be mapped.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/str.h"
#include "fhir/validate.h"
#include "ingest/hl7v2/parser.h"
#include "ingest/hl7v2/to_fhir.h"

namespace vigil::hl7v2 {
namespace {

namespace fs = std::filesystem;

// Files that are not HL7 v2 messages, and the parser error they give.
const std::map<std::string, std::string> kNotMessages = {
    {"linuxforhealth-hl7v2-fhir-converter/LICENSE", "the Apache license text, not a message"},
    {"microsoft-fhir-converter/LICENSE", "the MIT license text, not a message"},
    // MSH-2 is "^~\\&": the escape character written twice, as in a Java string
    // literal; two equal encoding characters make the delimiters ambiguous.
    {"linuxforhealth-hl7v2-fhir-converter/sample_unix.hl7", "MSH-2 repeats the escape character"},
    {"linuxforhealth-hl7v2-fhir-converter/sample_win.hl7", "MSH-2 repeats the escape character"},
};

// Messages whose data is invalid, with the error the mapping must report.
const std::map<std::string, std::string> kUnmappable = {
    {"python-hl7/sample_hl7_ORU_R01.hl7", "PID-7: invalid date '196203520'"},
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string ErrorList(const MapResult& r) {
  std::string out;
  for (const Issue& i : r.issues) out += i.ToString() + "; ";
  return out;
}

TEST(Hl7SharedFilesTest, EveryFileParsesAndSupportedMessagesMapToValidBundles) {
  const fs::path root = fs::path(VIGIL_SHARED_DIR) / "data" / "hl7v2";
  if (!fs::is_directory(root))
    GTEST_SKIP() << root << " is missing: the shared HL7 v2 samples are not here";
  int files = 0, parsed = 0, messages = 0, mapped = 0, unmappable = 0;
  for (const auto& item : fs::recursive_directory_iterator(root)) {
    if (!item.is_regular_file()) continue;
    ++files;
    const std::string name = fs::relative(item.path(), root).generic_string();
    absl::StatusOr<Batch> batch = ParseBatch(ReadFile(item.path()));
    absl::Status status = batch.status();
    for (size_t i = 0; status.ok() && i < batch->messages.size(); ++i) {
      status = batch->messages[i].status();
    }
    if (kNotMessages.count(name)) {
      EXPECT_FALSE(status.ok()) << name << " is listed as not a message but parses";
      continue;
    }
    ASSERT_TRUE(status.ok()) << name << ": " << status;
    ASSERT_FALSE(batch->messages.empty()) << name;
    ++parsed;
    for (const absl::StatusOr<Message>& m : batch->messages) {
      ++messages;
      if (!IsSupported(m->MessageCode(), m->TriggerEvent())) continue;
      MapResult r = MapToFhir(*m);
      if (auto it = kUnmappable.find(name); it != kUnmappable.end()) {
        EXPECT_FALSE(r.ok()) << name << " is listed as unmappable but maps";
        EXPECT_NE(ErrorList(r).find(it->second), std::string::npos) << name << ": " << ErrorList(r);
        ++unmappable;
        continue;
      }
      ASSERT_TRUE(r.ok()) << name << ": " << ErrorList(r);
      for (const auto& issue : fhir::ValidateResource(r.bundle)) {
        ADD_FAILURE() << name << ": " << issue.expression << ": " << issue.message;
      }
      ++mapped;
    }
  }
  std::cout << files << " files: " << parsed << " parsed (" << messages << " messages), "
            << kNotMessages.size() << " not messages; " << mapped << " supported messages mapped "
            << "to valid Bundles, " << unmappable << " rejected for bad data\n";
  EXPECT_EQ(files, parsed + static_cast<int>(kNotMessages.size()));
  EXPECT_GE(mapped, 25);  // the ADT A01-A13 and ORU R01 samples
}

}  // namespace
}  // namespace vigil::hl7v2
