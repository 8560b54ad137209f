// Running an import with a progress display on stderr; shared by `vigil import`
// and the demo load of `vigil serve`.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ingest/bulk/importer.h"
#include "persist/resource_writes.h"
#include "store/store.h"

namespace vigil::app {

// Imports files (folders: their *.json and *.ndjson files, sorted) and prints
// progress (a self-updating line on a terminal, a line every few seconds
// otherwise), each rejected line, and a summary. Rejected input is appended to
// dead_letter_path. Fails only when a file cannot be read or the store fails.
absl::StatusOr<ingest::ImportStats> RunImport(store::Store& store,
                                              const persist::ResourceWrites& writes,
                                              const std::vector<std::string>& paths,
                                              const std::string& dead_letter_path);

}  // namespace vigil::app
