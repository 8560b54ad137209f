#include "ingest/bulk/importer.h"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <thread>

#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "fhir/resource.h"
#include "persist/references.h"

namespace vigil::ingest {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot open ", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::DataLossError(StrCat("cannot read ", path));
  return buffer.str();
}

// Identifies a file's content for resuming: same path, size and mtime.
std::string FileIdentity(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return "";
  return StrCat(st.st_size, ":", st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec);
}

std::string CheckpointKey(const std::string& path) { return StrCat("import:", path); }

// "identity offset": bytes of the file already committed.
int64_t ResumeOffset(store::Store& store, const std::string& path, const std::string& identity) {
  absl::StatusOr<std::optional<std::string>> saved = store.GetMeta(CheckpointKey(path));
  if (!saved.ok() || !*saved) return 0;
  std::string_view value = **saved;
  size_t space = value.rfind(' ');
  if (space == std::string_view::npos || value.substr(0, space) != identity) return 0;
  int64_t offset = 0;  // a malformed checkpoint restarts the file from the top
  std::string_view digits = value.substr(space + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
  return ec == std::errc() && end == digits.data() + digits.size() ? offset : 0;
}

std::string TypeOf(const fhir::Json& resource) { return resource.Find("resourceType")->text(); }

}  // namespace

Importer::Importer(store::Store& store, const persist::ResourceWrites& writes,
                   ImportOptions options)
    : store_(store), writes_(writes), options_(std::move(options)) {}

void Importer::Reject(const std::string& path, int64_t line, std::string_view message,
                      std::string_view text) {
  ++stats_.errors;
  if (options_.on_error) options_.on_error({path, line, std::string(message)});
  if (options_.dead_letter_path.empty()) return;
  std::string record = "{\"file\":";
  fhir::AppendJsonString(path, &record);
  record += StrCat(",\"line\":", line, ",\"error\":");
  fhir::AppendJsonString(message, &record);
  record += ",\"text\":";
  fhir::AppendJsonString(text, &record);
  record += "}\n";
  std::ofstream out(options_.dead_letter_path, std::ios::app | std::ios::binary);
  out << record;
}

absl::Status Importer::ImportFile(const std::string& path) {
  VIGIL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ++stats_.files;
  stats_.bytes += static_cast<int64_t>(text.size());
  if (!text.empty() &&
      ResumeOffset(store_, path, FileIdentity(path)) >= static_cast<int64_t>(text.size())) {
    return absl::OkStatus();  // imported completely by an earlier run
  }
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    // A whole-file JSON object is a Bundle or one resource; otherwise NDJSON.
    absl::StatusOr<fhir::Json> whole = fhir::ParseJson(text);
    if (whole.ok() && whole->is_object()) {
      const fhir::Json* type = whole->Find("resourceType");
      if (type != nullptr && type->is_string() && type->text() == "Bundle") {
        return ImportBundle(path, text, *std::move(whole));
      }
    }
  }
  return ImportNdjson(path, text);
}

namespace {

struct Line {
  int64_t number = 0;
  std::string_view text;
};

struct Batch {
  std::vector<Line> lines;
  size_t end = 0;  // file offset just after the batch's last line
};

struct PreparedLine {
  Line line;
  absl::StatusOr<persist::PreparedWrite> write;
};

// The next batch of up to `size` non-blank lines, and about `bytes` bytes,
// starting at *pos.
Batch NextBatch(const std::string& text, size_t size, size_t bytes, size_t* pos,
                int64_t* line_no) {
  Batch batch;
  const size_t start = *pos;
  while (*pos < text.size() && batch.lines.size() < size && *pos - start < bytes) {
    size_t end = text.find('\n', *pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + *pos, end - *pos);
    *pos = std::min(end + 1, text.size());
    ++*line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    batch.lines.push_back({*line_no, line});
  }
  batch.end = *pos;
  return batch;
}

// Parses, checks, indexes and serializes a batch on `threads` threads.
std::vector<PreparedLine> PrepareBatch(const Batch& batch, const persist::ResourceWrites& writes,
                                       unsigned threads) {
  std::vector<PreparedLine> out;
  out.reserve(batch.lines.size());
  for (const Line& line : batch.lines) {
    out.push_back({line, absl::UnknownError("not prepared")});
  }
  auto work = [&](unsigned first) {
    for (size_t i = first; i < out.size(); i += threads) {
      absl::StatusOr<fhir::Json> resource = writes.ParseBody(out[i].line.text);
      out[i].write = resource.ok() ? writes.Prepare(*std::move(resource))
                                   : absl::StatusOr<persist::PreparedWrite>(resource.status());
    }
  };
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < threads; ++t) workers.emplace_back(work, t);
  work(0);
  for (std::thread& worker : workers) worker.join();
  return out;
}

}  // namespace

// A two-stage pipeline: while the writer puts batch k into the store (SQLite
// work, one thread), batch k + 1 is parsed, validated and indexed on the other
// cores. Each batch is one transaction that also records the file offset it
// reached, so a killed import resumes after its last committed batch.
absl::Status Importer::ImportNdjson(const std::string& path, const std::string& text) {
  std::string identity = FileIdentity(path);
  size_t pos = static_cast<size_t>(ResumeOffset(store_, path, identity));
  int64_t line_no = 0;
  // Count the lines skipped on resume so error line numbers stay true.
  for (size_t i = 0; i < pos && i < text.size(); ++i) line_no += text[i] == '\n';
  stats_.skipped_lines += line_no;
  unsigned cores = std::max(2u, std::thread::hardware_concurrency());
  unsigned prepare_threads = std::max(1u, cores - 1);

  auto prepare = [&](Batch batch) {
    return std::async(std::launch::async, [this, prepare_threads, batch = std::move(batch)] {
      return std::make_pair(PrepareBatch(batch, writes_, prepare_threads), batch.end);
    });
  };
  size_t batch_size = std::min(options_.first_batch_size, options_.batch_size);
  auto next_batch = [&] {
    Batch batch = NextBatch(text, batch_size, options_.batch_bytes, &pos, &line_no);
    batch_size = std::min(batch_size * 2, options_.batch_size);
    return batch;
  };
  auto pending = prepare(next_batch());
  while (true) {
    auto [prepared, end] = pending.get();
    bool more = pos < text.size();
    if (more) pending = prepare(next_batch());
    VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, store_.BeginWrite());
    for (PreparedLine& p : prepared) {
      absl::Status status = p.write.status();
      if (status.ok()) {
        absl::StatusOr<persist::WriteResult> written =
            writes_.CommitPrepared(*txn, *std::move(p.write));
        status = written.status();
        if (!status.ok() && !HasHttpStatus(status)) return status;  // the store failed
      }
      if (!status.ok()) {
        Reject(path, p.line.number, Message(status), p.line.text);
        continue;
      }
      ++stats_.resources;
    }
    VIGIL_RETURN_IF_ERROR(txn->PutMeta(CheckpointKey(path), StrCat(identity, " ", end)));
    VIGIL_RETURN_IF_ERROR(txn->Commit());
    if (options_.on_progress) {
      options_.on_progress({path, static_cast<int64_t>(end), static_cast<int64_t>(text.size()),
                            stats_.resources, stats_.errors});
    }
    if (!more) return absl::OkStatus();
  }
}

absl::Status Importer::ImportBundle(const std::string& path, const std::string& text,
                                    fhir::Json bundle) {
  fhir::Json* entries = bundle.Find("entry");
  if (entries == nullptr || !entries->is_array()) return absl::OkStatus();
  // First pass: the id each entry will have, so references between entries
  // (urn:uuid:... fullUrls) can be rewritten to "Type/id".
  std::map<std::string, std::string, std::less<>> ids;
  for (fhir::Json& entry : entries->items()) {
    fhir::Json* resource = entry.Find("resource");
    const fhir::Json* full_url = entry.Find("fullUrl");
    if (resource == nullptr || !resource->is_object()) continue;
    fhir::Json* id = resource->Find("id");
    const fhir::Json* type = resource->Find("resourceType");
    if (type == nullptr || !type->is_string()) continue;
    if (id == nullptr || !id->is_string() || !persist::IsValidId(id->text())) {
      resource->Set("id", fhir::Json::String(writes_.NewId()));
    }
    if (full_url != nullptr && full_url->is_string()) {
      ids[full_url->text()] = StrCat(type->text(), "/", resource->Find("id")->text());
    }
  }
  auto map = [&](std::string_view ref) -> absl::StatusOr<std::optional<std::string>> {
    if (auto it = ids.find(ref); it != ids.end()) return it->second;
    return std::nullopt;
  };
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, store_.BeginWrite());
  for (size_t i = 0; i < entries->items().size(); ++i) {
    fhir::Json* resource = entries->items()[i].Find("resource");
    if (resource == nullptr) continue;
    std::string original = fhir::WriteJson(*resource);
    absl::Status checked = writes_.Check(*resource);
    if (checked.ok()) checked = persist::RewriteReferences(*resource, map);
    if (!checked.ok()) {
      Reject(path, static_cast<int64_t>(i) + 1, Message(checked), original);
      continue;
    }
    std::string type = TypeOf(*resource), id = resource->Find("id")->text();
    absl::StatusOr<persist::WriteResult> written =
        writes_.Update(*txn, type, id, std::move(*resource), std::nullopt);
    if (!written.ok()) {
      if (!HasHttpStatus(written.status())) return written.status();
      Reject(path, static_cast<int64_t>(i) + 1, Message(written.status()), original);
      continue;
    }
    ++stats_.resources;
  }
  VIGIL_RETURN_IF_ERROR(
      txn->PutMeta(CheckpointKey(path), StrCat(FileIdentity(path), " ", text.size())));
  VIGIL_RETURN_IF_ERROR(txn->Commit());
  if (options_.on_progress) {
    options_.on_progress({path, static_cast<int64_t>(text.size()),
                          static_cast<int64_t>(text.size()), stats_.resources, stats_.errors});
  }
  return absl::OkStatus();
}

}  // namespace vigil::ingest
