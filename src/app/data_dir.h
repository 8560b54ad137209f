// Where `vigil serve` and `vigil import` keep their data, and opening it.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace vigil::app {

// The default data folder: $VIGIL_DATA, else $XDG_DATA_HOME/vigil, else
// ~/.local/share/vigil, else ./vigil-data.
std::string DefaultDataDir();

// Opens the SQLite store in dir (created if missing), with a message that names
// the folder when it cannot be opened; a long one-time upgrade of an older
// file is announced on stderr unless options.notice says otherwise.
absl::StatusOr<std::unique_ptr<store::Store>> OpenDataDir(const std::string& dir,
                                                          store::SqliteOptions options = {});

// The demo data shipped beside the source tree (the Synthea bundles in
// ../shared/data/synthea-r4), or "" when it is not there.
std::string DemoDataDir();

}  // namespace vigil::app
