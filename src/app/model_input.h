// Where `vigil train`, `vigil evaluate` and `vigil score` read stays from:
// NDJSON / Bundle files and folders (as `vigil view` reads them), a data
// folder's store (current Patient, Encounter and Observation resources), or a
// folder of PhysioNet 2019 PSV files (which carry their own labels).
// Every stay is built by ai::TimelineBuilder; what it skipped is reported on
// stderr so that nothing is dropped silently.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "ai/labels.h"
#include "ai/timeline.h"
#include "fhir/json.h"

namespace vigil::app {

struct StaySource {
  std::vector<std::string> paths;  // files or folders; or
  std::string store_dir;           // a data folder; or
  std::string psv_dir;             // PhysioNet 2019 *.psv files
};

// With a PSV source, the labels in the files are added to *psv_labels when given.
absl::StatusOr<std::vector<ai::Stay>> LoadStays(const StaySource& source, std::string_view command,
                                                ai::LabelMap* psv_labels = nullptr);

// Adds --input, --data and --psv to a subcommand.
void AddSourceOptions(CLI::App& cmd, StaySource& source);

// Whether exactly one kind of source is set.
bool OneSource(const StaySource& source);

// Reads and parses a JSON file (a config, a label file).
absl::StatusOr<fhir::Json> ReadJsonFile(const std::string& path);
absl::StatusOr<ai::LabelMap> LoadLabels(const std::string& path);

}  // namespace vigil::app
