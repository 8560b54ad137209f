// `vigil import [--data DIR] [--no-validate] FILE|FOLDER...`
#include <cstdio>
#include <filesystem>

#include "app/commands.h"
#include "app/data_dir.h"
#include "app/import_run.h"
#include "base/str.h"
#include "search/registry.h"

namespace vigil::app {

void RegisterImport(CLI::App& app, int& exit_code) {
  struct Args {
    std::string data;
    bool no_validate = false;
    std::vector<std::string> files;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "import", "Load FHIR resources from NDJSON files, Bundles or folders of them into the store");
  cmd->add_option("--data", args->data, "data folder (default: $VIGIL_DATA or ~/.local/share/vigil)");
  cmd->add_flag("--no-validate", args->no_validate,
                "skip validation against the R4 definitions (trusted bulk loads)");
  cmd->add_option("files", args->files, "NDJSON or Bundle files, or folders of them")->required();
  cmd->callback([args, &exit_code] {
    std::string dir = args->data.empty() ? DefaultDataDir() : args->data;
    store::SqliteOptions store_options;
    // Import transactions are large (ImportOptions::batch_size): their dirty
    // index pages must fit in the cache, or SQLite spills them to the WAL twice.
    store_options.writer_cache_mib = 1024;
    absl::StatusOr<std::unique_ptr<store::Store>> store = OpenDataDir(dir, store_options);
    if (!store.ok()) {
      std::fprintf(stderr, "vigil import: %s\n", std::string(Message(store.status())).c_str());
      exit_code = 1;
      return;
    }
    persist::WriteOptions options;
    options.validate = !args->no_validate;
    persist::ResourceWrites writes(search::Registry::Default(), options);
    std::string dead_letter = StrCat(dir, "/import-rejected.ndjson");
    absl::StatusOr<ingest::ImportStats> stats = RunImport(**store, writes, args->files, dead_letter);
    if (!stats.ok()) {
      std::fprintf(stderr, "vigil import: %s\n", std::string(Message(stats.status())).c_str());
      exit_code = 1;
      return;
    }
    // Rejected lines do not stop the load, but the exit status says they happened.
    exit_code = stats->errors > 0 ? 2 : 0;
  });
}

}  // namespace vigil::app
