// Bulk import of FHIR resources from files into a store: NDJSON (one resource
// per line, the Bulk Data format), Bundles (each entry's resource, with the
// Bundle's urn:uuid references rewritten to the stored ids) and single
// resources.
//
// Behaviour:
//   - Resources with an id keep it (a new version if it exists already);
//     resources without one get a new id.
//   - Bad lines/entries do not stop the load: each is reported (ImportError) and
//     written to the dead-letter file with its original text, so it can be fixed
//     and replayed with another import.
//   - Resumable: resources are committed in batches; each batch's transaction
//     also records how far into the file it got (keyed by path, size and
//     modification time). Importing the same unchanged file again continues after
//     the last committed batch, so a load killed half-way neither loses nor
//     duplicates what was acknowledged.
//
// Thread-safety: one Importer per thread; the store may be shared.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "persist/resource_writes.h"
#include "store/store.h"

namespace vigil::ingest {

struct ImportProgress {
  std::string file;
  int64_t bytes_done = 0;
  int64_t bytes_total = 0;
  int64_t resources = 0;  // written so far, all files
  int64_t errors = 0;
};

struct ImportError {
  std::string file;
  int64_t line = 0;  // 1-based line (NDJSON) or entry index + 1 (Bundle)
  std::string message;
};

struct ImportOptions {
  // Resources per transaction. Large transactions are what makes a bulk load
  // fast: the random-keyed index b-trees ((type, id), reference targets,
  // identifiers) dirty about one page per insert, and a page that many inserts
  // of one transaction share is written to the WAL once (at 500k resources, 5,000
  // per batch wrote 3.5 WAL pages per resource, 50,000 per batch 1.6). The first
  // batches of a file ramp up from first_batch_size, doubling, so that the writer
  // is not idle while the first (large) batch is parsed. A batch also ends after
  // batch_bytes of input.
  size_t batch_size = 50000;
  size_t first_batch_size = 2000;
  size_t batch_bytes = 64u << 20;
  // Where rejected input goes (JSON lines: file, line, error, text); empty: nowhere.
  std::string dead_letter_path;
  // Called after every committed batch and at the end of each file.
  std::function<void(const ImportProgress&)> on_progress;
  // Called for every rejected line or entry.
  std::function<void(const ImportError&)> on_error;
};

struct ImportStats {
  int64_t files = 0;
  int64_t resources = 0;
  int64_t errors = 0;
  int64_t skipped_lines = 0;  // already imported by an earlier, interrupted run
  int64_t bytes = 0;
};

class Importer {
 public:
  Importer(store::Store& store, const persist::ResourceWrites& writes, ImportOptions options);

  // Imports one file. Errors: the file cannot be read, or the store fails (bad
  // content is not an error: it is counted, reported and dead-lettered).
  absl::Status ImportFile(const std::string& path);

  const ImportStats& stats() const { return stats_; }

 private:
  absl::Status ImportNdjson(const std::string& path, const std::string& text);
  absl::Status ImportBundle(const std::string& path, const std::string& text, fhir::Json bundle);
  void Reject(const std::string& path, int64_t line, std::string_view message,
              std::string_view text);

  store::Store& store_;
  const persist::ResourceWrites& writes_;
  ImportOptions options_;
  ImportStats stats_;
};

}  // namespace vigil::ingest
