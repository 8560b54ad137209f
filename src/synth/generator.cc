#include "synth/generator.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "base/calendar.h"
#include "base/status.h"
#include "base/str.h"
#include "synth/patient_model.h"
#include "synth/site.h"
#include "synth/writer.h"

namespace vigil::synth {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxChunksInFlight = 8;  // bounds memory: each chunk holds its stays' text

enum File { kPatient, kEncounter, kCondition, kObservation, kTruth, kFileCount };
constexpr std::array<const char*, kFileCount> kFileNames = {
    "Patient.ndjson", "Encounter.ndjson", "Condition.ndjson", "Observation.ndjson", "truth.json"};

// The generated text of a run of consecutive stays.
struct Chunk {
  std::array<std::string, kFileCount> text;  // truth: entries joined by ",\n"
  absl::Status status;                       // a PSV file that could not be written
};

absl::Status WriteWhole(const fs::path& path, std::string_view text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return absl::InvalidArgumentError(
        StrCat("cannot write '", path.string(), "': ", std::strerror(errno)));
  }
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) return absl::DataLossError(StrCat("write to '", path.string(), "' failed"));
  return absl::OkStatus();
}

Chunk MakeChunk(const StayGenerator& gen, int64_t first, int64_t last,
                const SynthOptions& options) {
  Chunk chunk;
  fs::path psv_dir = fs::path(options.out_dir) / "psv";
  for (int64_t i = first; i < last; ++i) {
    Stay stay = gen.Generate(i);
    if (i >= options.patients - options.admitted) gen.MakeStillAdmitted(stay);
    AppendPatient(stay, chunk.text[kPatient]);
    AppendEncounter(stay, chunk.text[kEncounter]);
    AppendConditions(stay, chunk.text[kCondition]);
    AppendObservations(stay, gen.preset(), chunk.text[kObservation]);
    if (i > first) chunk.text[kTruth] += ",\n";
    AppendTruthEntry(stay, chunk.text[kTruth]);
    if (options.psv && chunk.status.ok()) {
      chunk.status = WriteWhole(psv_dir / (stay.patient_id + ".psv"), PsvTable(stay, gen.preset()));
    }
  }
  return chunk;
}

class OutputFiles {
 public:
  ~OutputFiles() {
    for (std::FILE* f : files_) {
      if (f != nullptr) std::fclose(f);
    }
  }

  absl::Status Open(const fs::path& dir) {
    for (int i = 0; i < kFileCount; ++i) {
      fs::path path = dir / kFileNames[i];
      files_[i] = std::fopen(path.c_str(), "wb");
      if (files_[i] == nullptr) {
        return absl::InvalidArgumentError(
            StrCat("cannot write '", path.string(), "': ", std::strerror(errno)));
      }
      paths_[i] = path.string();
    }
    return absl::OkStatus();
  }

  absl::Status Write(File file, std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), files_[file]) != text.size()) {
      return absl::DataLossError(StrCat("write to '", paths_[file], "' failed"));
    }
    return absl::OkStatus();
  }

  absl::Status Close() {
    absl::Status status;
    for (int i = 0; i < kFileCount; ++i) {
      if (std::fclose(files_[i]) != 0 && status.ok()) {
        status = absl::DataLossError(StrCat("write to '", paths_[i], "' failed"));
      }
      files_[i] = nullptr;
    }
    return status;
  }

 private:
  std::array<std::FILE*, kFileCount> files_{};
  std::array<std::string, kFileCount> paths_;
};

// Workers take chunk numbers in order and park results; the caller writes
// them in order. At most kMaxChunksInFlight chunks are ahead of the writer.
class Pipeline {
 public:
  Pipeline(const StayGenerator& gen, const SynthOptions& options)
      : gen_(gen),
        options_(options),
        chunk_count_((options.patients + options.chunk_size - 1) / options.chunk_size) {}

  absl::Status Run(OutputFiles& files, const ProgressFn& progress) {
    std::vector<std::thread> workers;
    for (int i = 0; i < std::max(1, options_.threads); ++i)
      workers.emplace_back([this] { Work(); });
    absl::Status status;
    for (int64_t c = 0; c < chunk_count_ && status.ok(); ++c) {
      Chunk chunk = Take(c);
      status = chunk.status.ok() ? WriteChunk(files, chunk, c == 0) : chunk.status;
      {
        std::lock_guard<std::mutex> lock(mu_);
        written_ = c + 1;
        if (!status.ok()) abort_ = true;
      }
      cv_.notify_all();
      if (status.ok() && progress) {
        progress(std::min(options_.patients, (c + 1) * options_.chunk_size), options_.patients);
      }
    }
    for (std::thread& t : workers) t.join();
    return status;
  }

 private:
  void Work() {
    for (;;) {
      int64_t c;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] {
          return abort_ || next_ >= chunk_count_ || next_ < written_ + kMaxChunksInFlight;
        });
        if (abort_ || next_ >= chunk_count_) return;
        c = next_++;
      }
      int64_t first = c * options_.chunk_size;
      int64_t last = std::min(options_.patients, first + options_.chunk_size);
      Chunk chunk = MakeChunk(gen_, first, last, options_);
      {
        std::lock_guard<std::mutex> lock(mu_);
        ready_.emplace(c, std::move(chunk));
      }
      cv_.notify_all();
    }
  }

  Chunk Take(int64_t c) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this, c] { return ready_.count(c) > 0; });
    Chunk chunk = std::move(ready_[c]);
    ready_.erase(c);
    return chunk;
  }

  static absl::Status WriteChunk(OutputFiles& files, const Chunk& chunk, bool first) {
    for (int i = 0; i < kFileCount; ++i) {
      if (i == kTruth && !first) VIGIL_RETURN_IF_ERROR(files.Write(kTruth, ",\n"));
      VIGIL_RETURN_IF_ERROR(files.Write(static_cast<File>(i), chunk.text[i]));
    }
    return absl::OkStatus();
  }

  const StayGenerator& gen_;
  const SynthOptions& options_;
  const int64_t chunk_count_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int64_t, Chunk> ready_;  // guarded by mu_
  int64_t next_ = 0;                // guarded by mu_
  int64_t written_ = 0;             // guarded by mu_
  bool abort_ = false;              // guarded by mu_
};

absl::Status MakeFolders(const SynthOptions& options) {
  std::error_code ec;
  fs::path dir(options.out_dir);
  if (options.psv) dir /= "psv";
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        StrCat("cannot create output folder '", dir.string(), "': ", ec.message()));
  }
  return absl::OkStatus();
}

absl::Status CheckOptions(const SynthOptions& options) {
  if (options.patients < 1) {
    return absl::InvalidArgumentError(
        StrCat("--patients must be at least 1 (got ", options.patients, ")"));
  }
  if (!SitePresetByName(options.site)) {
    return absl::InvalidArgumentError(
        StrCat("unknown site '", options.site, "' (known: community, academic)"));
  }
  if (options.admitted < 0 || options.admitted > options.patients) {
    return absl::InvalidArgumentError(
        StrCat("--admitted must be between 0 and --patients (got ", options.admitted, ")"));
  }
  if (options.out_dir.empty()) return absl::InvalidArgumentError("--out is required");
  if (options.chunk_size < 1) return absl::InvalidArgumentError("chunk_size must be at least 1");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> ParseStartDate(std::string_view text) {
  auto bad = [&text] {
    return absl::InvalidArgumentError(
        StrCat("--start: expected a date YYYY-MM-DD, got '", text, "'"));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  auto number = [&text](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return bad();
  }
  return EpochMs(year, month, day, 0, 0, 0, 0);
}

absl::Status Generate(const SynthOptions& options, const ProgressFn& progress) {
  VIGIL_RETURN_IF_ERROR(CheckOptions(options));
  VIGIL_ASSIGN_OR_RETURN(int64_t start_ms, ParseStartDate(options.start));
  VIGIL_RETURN_IF_ERROR(MakeFolders(options));
  OutputFiles files;
  VIGIL_RETURN_IF_ERROR(files.Open(options.out_dir));
  StayGenerator gen(*SitePresetByName(options.site), options.seed, start_ms);
  VIGIL_RETURN_IF_ERROR(
      files.Write(kTruth, TruthHeader(options.seed, options.site, options.start)));
  VIGIL_RETURN_IF_ERROR(Pipeline(gen, options).Run(files, progress));
  VIGIL_RETURN_IF_ERROR(files.Write(kTruth, kTruthFooter));
  return files.Close();
}

}  // namespace vigil::synth
