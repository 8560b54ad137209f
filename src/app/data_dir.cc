#include "app/data_dir.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "base/str.h"
#include "store/sqlite/sqlite_store.h"

namespace vigil::app {

std::string DefaultDataDir() {
  if (const char* dir = std::getenv("VIGIL_DATA"); dir != nullptr && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg) {
    return StrCat(xdg, "/vigil");
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home) {
    return StrCat(home, "/.local/share/vigil");
  }
  return "vigil-data";
}

absl::StatusOr<std::unique_ptr<store::Store>> OpenDataDir(const std::string& dir,
                                                          store::SqliteOptions options) {
  if (!options.notice) {
    options.notice = [dir](std::string_view what) {  // kept in the store's options
      std::fprintf(stderr, "vigil: %s: %.*s\n", dir.c_str(), static_cast<int>(what.size()),
                   what.data());
    };
  }
  absl::StatusOr<std::unique_ptr<store::Store>> store = store::OpenSqliteStore(dir, options);
  if (!store.ok()) {
    return absl::Status(store.status().code(),
                        StrCat("cannot open the data folder ", dir, ": ", Message(store.status())));
  }
  return store;
}

std::string DemoDataDir() {
  std::filesystem::path dir = std::filesystem::path(VIGIL_SOURCE_DIR) / ".." / "shared" / "data" /
                              "synthea-r4";
  std::error_code ec;
  return std::filesystem::is_directory(dir, ec) ? dir.lexically_normal().string() : "";
}

}  // namespace vigil::app
