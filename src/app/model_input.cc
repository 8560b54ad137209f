#include "app/model_input.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "ai/psv.h"
#include "app/data_dir.h"
#include "app/view_input.h"
#include "base/file.h"
#include "base/status.h"
#include "base/str.h"

namespace vigil::app {
namespace {

// Prints "<command>: read N resources" at most once a second.
class Progress {
 public:
  explicit Progress(std::string_view command) : command_(command) {}
  void Tick() {
    ++count_;
    if (count_ % 4096 != 0) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    std::cerr << command_ << ": read " << count_ << " resources\n";
  }
  size_t count() const { return count_; }

 private:
  std::string command_;
  size_t count_ = 0;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

absl::Status ReadStore(const std::string& dir, ai::TimelineBuilder& builder, Progress& progress) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return absl::NotFoundError(StrCat("no data folder at ", dir));
  VIGIL_ASSIGN_OR_RETURN(auto store, OpenDataDir(dir));
  for (const char* type : {"Patient", "Encounter", "Observation"}) {
    store::ScanQuery q;
    q.type = type;
    q.count = 5000;
    while (true) {
      VIGIL_ASSIGN_OR_RETURN(std::vector<store::StoredResource> page, store->Scan(q));
      if (page.empty()) break;
      for (const store::StoredResource& r : page) {
        VIGIL_ASSIGN_OR_RETURN(fhir::Json json, fhir::ParseJson(r.json));
        builder.Add(json);
        progress.Tick();
      }
      q.after_id = page.back().id;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ai::Stay>> ReadPsvFolder(const std::string& dir, std::string_view command,
                                                    ai::LabelMap* labels) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return absl::NotFoundError(StrCat("no PSV folder at ", dir));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".psv") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<ai::Stay> stays;
  for (const auto& file : files) {
    VIGIL_ASSIGN_OR_RETURN(std::string text, ReadFile(file.string()));
    VIGIL_ASSIGN_OR_RETURN(ai::PsvStay psv, ai::ParsePsv(text, file.stem().string()));
    if (labels != nullptr) (*labels)[psv.stay.encounter_id] = psv.outcome;
    stays.push_back(std::move(psv.stay));
  }
  std::cerr << command << ": " << stays.size() << " PSV stays from " << dir << "\n";
  return stays;
}

}  // namespace

absl::StatusOr<std::vector<ai::Stay>> LoadStays(const StaySource& source, std::string_view command,
                                                ai::LabelMap* psv_labels) {
  if (!source.psv_dir.empty()) return ReadPsvFolder(source.psv_dir, command, psv_labels);
  ai::TimelineBuilder builder;
  Progress progress(command);
  if (!source.store_dir.empty()) {
    VIGIL_RETURN_IF_ERROR(ReadStore(source.store_dir, builder, progress));
  } else {
    VIGIL_ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandInputs(source.paths));
    for (const std::string& file : files) {
      VIGIL_RETURN_IF_ERROR(ForEachResource(file, /*flatten_bundles=*/true,
                                            [&](const fhir::Json& r, std::string_view) {
                                              builder.Add(r);
                                              progress.Tick();
                                              return absl::OkStatus();
                                            }));
    }
  }
  std::vector<ai::Stay> stays = builder.Finish();
  std::cerr << command << ": " << progress.count() << " resources, " << stays.size() << " stays, "
            << builder.stats().observations_used << " measurements\n";
  for (const auto& [reason, count] : builder.stats().skipped) {
    std::cerr << command << ":   skipped " << count << " (" << reason << ")\n";
  }
  return stays;
}

void AddSourceOptions(CLI::App& cmd, StaySource& source) {
  cmd.add_option("--input", source.paths, "NDJSON/Bundle files or folders");
  cmd.add_option("--data", source.store_dir, "or a data folder (the store)");
  cmd.add_option("--psv", source.psv_dir, "or a folder of PhysioNet 2019 PSV files");
}

bool OneSource(const StaySource& source) {
  return (!source.paths.empty()) + (!source.store_dir.empty()) + (!source.psv_dir.empty()) == 1;
}

absl::StatusOr<fhir::Json> ReadJsonFile(const std::string& path) {
  VIGIL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(text);
  if (!json.ok()) return absl::InvalidArgumentError(StrCat(path, ": ", Message(json.status())));
  return json;
}

absl::StatusOr<ai::LabelMap> LoadLabels(const std::string& path) {
  VIGIL_ASSIGN_OR_RETURN(fhir::Json truth, ReadJsonFile(path));
  absl::StatusOr<ai::LabelMap> labels = ai::ParseLabels(truth);
  if (!labels.ok()) return absl::InvalidArgumentError(StrCat(path, ": ", Message(labels.status())));
  return labels;
}

}  // namespace vigil::app
