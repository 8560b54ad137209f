#include "app/import_run.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "base/status.h"
#include "base/str.h"

namespace vigil::app {
namespace {

using Clock = std::chrono::steady_clock;

absl::StatusOr<std::vector<std::string>> ExpandPaths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        std::string ext = entry.path().extension().string();
        if (entry.is_regular_file() && (ext == ".json" || ext == ".ndjson")) {
          found.push_back(entry.path().string());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::is_regular_file(path, ec)) {
      files.push_back(std::filesystem::absolute(path).lexically_normal().string());
    } else {
      return absl::NotFoundError(StrCat("no such file or folder: ", path));
    }
  }
  return files;
}

}  // namespace

absl::StatusOr<ingest::ImportStats> RunImport(store::Store& store,
                                              const persist::ResourceWrites& writes,
                                              const std::vector<std::string>& paths,
                                              const std::string& dead_letter_path) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandPaths(paths));
  const bool tty = isatty(STDERR_FILENO);
  const Clock::time_point start = Clock::now();
  Clock::time_point last_print = start;
  size_t file_index = 0;
  auto rate = [&](int64_t n) {
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return seconds > 0 ? static_cast<int64_t>(n / seconds) : 0;
  };
  ingest::ImportOptions options;
  options.dead_letter_path = dead_letter_path;
  options.on_error = [](const ingest::ImportError& e) {
    std::fprintf(stderr, "%s%s:%lld: %s\n", isatty(STDERR_FILENO) ? "\r\033[K" : "",
                 e.file.c_str(), static_cast<long long>(e.line), e.message.c_str());
  };
  options.on_progress = [&](const ingest::ImportProgress& p) {
    Clock::time_point now = Clock::now();
    if (now - last_print < (tty ? std::chrono::milliseconds(200) : std::chrono::seconds(5))) return;
    last_print = now;
    std::fprintf(stderr, "%sfile %zu/%zu  %lld resources (%lld/s)  %lld errors  %s %d%%%s",
                 tty ? "\r\033[K" : "", file_index + 1, files.size(),
                 static_cast<long long>(p.resources), static_cast<long long>(rate(p.resources)),
                 static_cast<long long>(p.errors),
                 std::filesystem::path(p.file).filename().c_str(),
                 p.bytes_total ? static_cast<int>(100 * p.bytes_done / p.bytes_total) : 100,
                 tty ? "" : "\n");
  };
  ingest::Importer importer(store, writes, options);
  for (file_index = 0; file_index < files.size(); ++file_index) {
    VIGIL_RETURN_IF_ERROR(importer.ImportFile(files[file_index]));
  }
  const ingest::ImportStats& stats = importer.stats();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::fprintf(stderr, "%simported %lld resources from %lld files in %.1f s (%lld/s), %lld errors%s\n",
               tty ? "\r\033[K" : "", static_cast<long long>(stats.resources),
               static_cast<long long>(stats.files), seconds,
               static_cast<long long>(rate(stats.resources)), static_cast<long long>(stats.errors),
               stats.errors && !dead_letter_path.empty()
                   ? StrCat("; rejected input kept in ", dead_letter_path).c_str()
                   : "");
  return stats;
}

}  // namespace vigil::app
