// Bulk Data $export: kick-off, status, cancel and files (the HTTP side), and
// the worker that writes the NDJSON files.
#include "server/rest/export.h"

#include <atomic>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "fhir/json.h"
#include "fhir/model.h"
#include "search/compartments.h"
#include "search/values.h"
#include "server/http/url.h"
#include "server/rest/fhir_api.h"
#include "server/rest/outcome.h"
#include "server/rest/response.h"

namespace vigil::server {

namespace fs = std::filesystem;

struct ExportManager::Job {
  enum class Level : uint8_t { kSystem, kPatient, kGroup };
  enum class State : uint8_t { kQueued, kRunning, kDone, kFailed };

  std::string id;
  Level level = Level::kSystem;
  std::vector<std::string> types;     // exported in this order
  std::vector<std::string> patients;  // group level: the members
  std::string patient;                // the confining patient ("" = none)
  std::map<std::string, TypeFilter> filters;  // types not exported whole
  std::optional<int64_t> since;
  std::string request_url;
  int64_t transaction_time = 0;
  std::atomic<bool> cancelled{false};  // DELETE or Stop

  // Guarded by ExportManager::mu_.
  State state = State::kQueued;
  std::string progress = "queued";
  std::string error;
  std::string manifest;

  // Worker only.
  std::vector<Output> outputs;
};

namespace {

constexpr std::string_view kNdjson = "application/fhir+ndjson";
constexpr size_t kGroupChunk = 50;  // patients per compartment query

bool IsJobId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// "Observation-12.ndjson"
bool IsFileName(std::string_view name) {
  size_t dash = name.find('-');
  if (dash == 0 || dash == std::string_view::npos || !name.ends_with(".ndjson")) return false;
  for (size_t i = 0; i < dash; ++i) {
    if (!std::isalpha(static_cast<unsigned char>(name[i]))) return false;
  }
  std::string_view number = name.substr(dash + 1, name.size() - dash - 1 - 7);
  if (number.empty()) return false;
  for (char c : number) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string NewJobId() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock(mu);
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

HttpResponse Response(int status, std::string content_type, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

HttpResponse Informational(int status, std::string message) {
  return FhirResponse(status, OperationOutcome({{"information", "informational", std::move(message), ""}}),
                      false);
}

// The value of a Parameters.parameter as text (valueString, valueInstant, ...).
std::optional<std::string> ParameterValue(const fhir::Json& parameter) {
  for (const auto& [name, value] : parameter.members()) {
    if (!name.starts_with("value")) continue;
    if (value.is_string()) return value.text();
    if (const fhir::Json* reference = value.Find("reference"); reference && reference->is_string()) {
      return reference->text();
    }
  }
  return std::nullopt;
}

// The kick-off's parameters: the query, plus (POST) a Parameters body.
absl::StatusOr<Params> KickOffParams(const FhirRequest& request) {
  Params params = request.params;
  if (request.method != "POST" || request.body.empty()) return params;
  absl::StatusOr<fhir::Json> body = fhir::ParseJson(request.body);
  if (!body.ok()) return HttpError(400, "invalid", StrCat("the body is not JSON: ", Message(body.status())));
  const fhir::Json* type = body->Find("resourceType");
  if (type == nullptr || !type->is_string() || type->text() != "Parameters") {
    return HttpError(400, "invalid", "a POST $export needs a Parameters resource as its body");
  }
  if (const fhir::Json* list = body->Find("parameter"); list != nullptr && list->is_array()) {
    for (const fhir::Json& parameter : list->items()) {
      const fhir::Json* name = parameter.Find("name");
      std::optional<std::string> value = ParameterValue(parameter);
      if (name == nullptr || !name->is_string() || !value) {
        return HttpError(400, "invalid", "each Parameters.parameter needs a name and a value[x]");
      }
      params.emplace_back(name->text(), *value);
    }
  }
  return params;
}

// Writes one resource type's NDJSON files, starting a new one after
// max_resources or about max_bytes.
class NdjsonWriter {
 public:
  NdjsonWriter(fs::path dir, std::string type, const ExportOptions& options,
               std::vector<std::pair<std::string, int64_t>>* files)
      : dir_(std::move(dir)), type_(std::move(type)), options_(options), files_(files) {}

  absl::Status Add(std::string_view json) {
    std::string compact;
    if (json.find('\n') != std::string_view::npos) {  // NDJSON: one line per resource
      absl::StatusOr<fhir::Json> parsed = fhir::ParseJson(json);
      if (!parsed.ok()) return parsed.status();
      compact = fhir::WriteJson(*parsed);
      json = compact;
    }
    if (!out_.is_open() || count_ >= options_.max_resources_per_file ||
        bytes_ >= options_.max_file_bytes) {
      VIGIL_RETURN_IF_ERROR(Open());
    }
    out_ << json << '\n';
    ++count_;
    ++files_->back().second;
    bytes_ += json.size() + 1;
    if (!out_) return absl::InternalError(StrCat("writing ", name_, " failed"));
    return absl::OkStatus();
  }

  absl::Status Close() {
    if (!out_.is_open()) return absl::OkStatus();
    out_.close();
    if (!out_) return absl::InternalError(StrCat("closing ", name_, " failed"));
    return absl::OkStatus();
  }

 private:
  absl::Status Open() {
    VIGIL_RETURN_IF_ERROR(Close());
    name_ = StrCat(type_, "-", ++file_number_, ".ndjson");
    out_.open(dir_ / name_, std::ios::binary | std::ios::trunc);
    if (!out_) return absl::InternalError(StrCat("cannot create ", (dir_ / name_).string()));
    files_->emplace_back(name_, 0);
    count_ = 0;
    bytes_ = 0;
    return absl::OkStatus();
  }

  fs::path dir_;
  std::string type_;
  const ExportOptions& options_;
  std::vector<std::pair<std::string, int64_t>>* files_;
  std::ofstream out_;
  std::string name_;
  int file_number_ = 0;
  size_t count_ = 0;
  size_t bytes_ = 0;
};

}  // namespace

ExportManager::ExportManager(store::Store& store, ExportOptions options)
    : store_(store), options_(std::move(options)) {}

ExportManager::~ExportManager() { Stop(); }

int64_t ExportManager::Now() const { return options_.now_ms ? options_.now_ms() : NowMs(); }

std::string ExportManager::JobDir(const std::string& job_id) const {
  return (fs::path(options_.dir) / job_id).string();
}

bool ExportManager::Handles(const std::vector<std::string>& s) {
  if (s.empty()) return false;
  if (s.size() == 1 && s[0] == "$export") return true;
  if (s.size() == 2 && s[0] == "Patient" && s[1] == "$export") return true;
  if (s.size() == 3 && s[0] == "Group" && s[2] == "$export") return true;
  return s[0] == "$export-status" || s[0] == "$export-file";
}

absl::StatusOr<HttpResponse> ExportManager::Handle(const FhirRequest& request,
                                                   const ExportAccess& access) {
  const std::vector<std::string>& s = request.segments;
  const std::string& method = request.method;
  bool job_route = s[0] == "$export-status" || s[0] == "$export-file";
  if (job_route && s.size() >= 2 && !access.patient.empty() &&
      JobPatient(s[1]) != access.patient) {
    return HttpError(404, "not-found", StrCat("no export job '", s[1], "'"));
  }
  if (s[0] == "$export-status") {
    if (s.size() != 2) return HttpError(404, "not-found", "no such export job");
    if (method == "GET") return JobStatus(s[1]);
    if (method == "DELETE") return Cancel(s[1]);
    return HttpError(405, "not-supported", StrCat(method, " is not supported on an export status"));
  }
  if (s[0] == "$export-file") {
    if (s.size() != 3) return HttpError(404, "not-found", "no such export file");
    if (method != "GET") return HttpError(405, "not-supported", StrCat(method, " is not supported on an export file"));
    return File(s[1], s[2]);
  }
  if (method != "GET" && method != "POST") {
    return HttpError(405, "not-supported", StrCat(method, " is not supported on $export"));
  }
  return KickOff(request, access);
}

std::optional<std::string> ExportManager::JobPatient(const std::string& job_id) {
  {
    std::lock_guard lock(mu_);
    if (auto it = jobs_.find(job_id); it != jobs_.end()) return it->second->patient;
  }
  if (!IsJobId(job_id) || !fs::exists(fs::path(JobDir(job_id)) / "job.json")) return std::nullopt;
  return ReadFile(fs::path(JobDir(job_id)) / "patient").value_or("");
}

void ExportManager::ConfineJob(const ExportAccess& access, Job& job) {
  job.patient = access.patient;
  if (!job.patient.empty()) {
    if (job.level == Job::Level::kPatient) job.patients = {job.patient};
    std::erase_if(job.patients, [&](const std::string& id) { return id != job.patient; });
    job.level = Job::Level::kGroup;  // the members' compartments: the patient's
  }
  if (!access.filter) return;
  std::vector<std::string> readable;
  for (const std::string& type : job.types) {
    absl::StatusOr<TypeFilter> filter = access.filter->For(auth::Interaction::kRead, type);
    if (!filter.ok()) continue;  // the token may not read it: not exported
    if (!filter->unrestricted()) job.filters.emplace(type, *filter);
    readable.push_back(type);
  }
  job.types = std::move(readable);
}

absl::StatusOr<HttpResponse> ExportManager::KickOff(const FhirRequest& request,
                                                    const ExportAccess& access) {
  if (request.segments.size() == 1 && !access.patient.empty()) {
    return HttpError(403, "forbidden",
                     "a patient-context token cannot export the whole server; use "
                     "Patient/$export for its patient's data");
  }
  if (!request.prefer_async) {
    return HttpError(400, "invalid", "$export needs the header 'Prefer: respond-async'");
  }
  auto job = std::make_shared<Job>();
  const std::vector<std::string>& s = request.segments;
  job->level = s.size() == 1 ? Job::Level::kSystem
               : s[0] == "Patient" ? Job::Level::kPatient
                                   : Job::Level::kGroup;
  VIGIL_ASSIGN_OR_RETURN(Params params, KickOffParams(request));
  std::vector<std::string> requested;
  for (const auto& [name, value] : params) {
    if (name == "_outputFormat") {
      if (value != "application/fhir+ndjson" && value != "application/fhir ndjson" &&
          value != "application/ndjson" && value != "ndjson") {
        return HttpError(400, "not-supported",
                         StrCat("_outputFormat '", value, "' is not supported; use application/fhir+ndjson"));
      }
    } else if (name == "_type") {
      VIGIL_ASSIGN_OR_RETURN(std::vector<std::string> types, ParseTypeList(value));
      requested.insert(requested.end(), types.begin(), types.end());
    } else if (name == "_since") {
      std::optional<search::TimeRange> since = search::ParseDateRange(value);
      if (!since || value.size() < 10) {
        return HttpError(400, "invalid", StrCat("_since must be a FHIR instant, not '", value, "'"));
      }
      job->since = since->low;
    } else if (name == "_typeFilter" || name == "_elements" || name == "patient" ||
               name == "includeAssociatedData") {
      return HttpError(400, "not-supported", StrCat("$export parameter '", name, "' is not supported"));
    } else if (request.prefer_strict) {
      return HttpError(400, "not-supported", StrCat("unknown $export parameter '", name, "'"));
    }
  }

  // The types, in export order.
  std::set<std::string> wanted(requested.begin(), requested.end());
  auto want = [&](std::string_view type) { return wanted.empty() || wanted.contains(std::string(type)); };
  if (job->level == Job::Level::kSystem) {
    for (const fhir::TypeInfo& type : fhir::AllTypes()) {
      if (IsResourceType(type.name) && want(type.name)) job->types.emplace_back(type.name);
    }
  } else {
    if (want("Patient")) job->types.emplace_back("Patient");
    for (std::string_view type : search::CompartmentResourceTypes("Patient")) {
      if (type != "Patient" && want(type)) job->types.emplace_back(type);
    }
  }

  if (job->level == Job::Level::kGroup) {
    VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> group, store_.Read("Group", s[1]));
    if (!group || group->deleted ||
        (access.filter && !access.filter->Sees(auth::Interaction::kRead, *group))) {
      return HttpError(404, "not-found", StrCat("Group/", s[1], " is not known"));
    }
    VIGIL_ASSIGN_OR_RETURN(fhir::Json json, fhir::ParseJson(group->json));
    std::set<std::string> seen;
    if (const fhir::Json* members = json.Find("member"); members != nullptr && members->is_array()) {
      for (const fhir::Json& member : members->items()) {
        const fhir::Json* entity = member.Find("entity");
        const fhir::Json* ref = entity ? entity->Find("reference") : nullptr;
        if (ref == nullptr || !ref->is_string()) continue;
        std::string_view text = ref->text();
        size_t slash = text.rfind('/');
        if (slash == std::string_view::npos || slash == 0) continue;
        std::string_view type = text.substr(0, slash);
        if (size_t prev = type.rfind('/'); prev != std::string_view::npos) type = type.substr(prev + 1);
        std::string id(text.substr(slash + 1));
        if (type == "Patient" && seen.insert(id).second) job->patients.push_back(std::move(id));
      }
    }
  }

  ConfineJob(access, *job);

  std::string url = options_.base_url;
  for (const std::string& segment : s) {
    std::string encoded = PercentEncode(segment);
    if (encoded.starts_with("%24")) encoded.replace(0, 3, "$");  // "$export" as sent
    url += "/" + encoded;
  }
  if (request.method == "GET" && !request.params.empty()) {
    char separator = '?';
    for (const auto& [name, value] : request.params) {
      url += StrCat(std::string(1, separator), PercentEncode(name), "=", PercentEncode(value));
      separator = '&';
    }
  }
  job->request_url = std::move(url);
  job->transaction_time = Now();
  job->id = NewJobId();

  {
    std::lock_guard lock(mu_);
    if (stopping_) return HttpError(503, "transient", "the server is shutting down");
    jobs_[job->id] = job;
    queue_.push_back(job);
    if (!worker_.joinable()) worker_ = std::thread([this] { WorkerLoop(); });
  }
  changed_.notify_all();
  HttpResponse response = Informational(202, StrCat("export job ", job->id, " accepted"));
  response.headers.emplace_back("Content-Location",
                                StrCat(options_.base_url, "/$export-status/", job->id));
  return response;
}

absl::StatusOr<HttpResponse> ExportManager::JobStatus(const std::string& job_id) {
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(job_id);
    if (it != jobs_.end()) {
      const Job& job = *it->second;
      switch (job.state) {
        case Job::State::kQueued:
        case Job::State::kRunning: {
          HttpResponse r = Informational(202, job.progress);
          r.headers.emplace_back("X-Progress", job.progress);
          r.headers.emplace_back("Retry-After", "1");
          return r;
        }
        case Job::State::kDone: return Response(200, "application/json", job.manifest);
        case Job::State::kFailed: {
          HttpResponse r = ErrorResponse(HttpError(500, "exception", StrCat("the export failed: ", job.error)));
          r.status = 500;
          return r;
        }
      }
    }
  }
  // A job finished before a restart: its manifest is on disk.
  if (IsJobId(job_id)) {
    if (std::optional<std::string> manifest = ReadFile(fs::path(JobDir(job_id)) / "job.json")) {
      return Response(200, "application/json", *std::move(manifest));
    }
  }
  return HttpError(404, "not-found", StrCat("no export job '", job_id, "'"));
}

absl::StatusOr<HttpResponse> ExportManager::Cancel(const std::string& job_id) {
  bool remove_files = false;
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(job_id);
    if (it != jobs_.end()) {
      std::shared_ptr<Job> job = it->second;
      jobs_.erase(it);
      job->cancelled = true;
      std::erase(queue_, job);
      // A running job's folder is removed by the worker when it notices.
      remove_files = job->state != Job::State::kRunning;
    } else if (IsJobId(job_id) && fs::exists(fs::path(JobDir(job_id)) / "job.json")) {
      remove_files = true;
    } else {
      return HttpError(404, "not-found", StrCat("no export job '", job_id, "'"));
    }
  }
  if (remove_files) {
    std::error_code ec;
    fs::remove_all(JobDir(job_id), ec);
  }
  return Informational(202, StrCat("export job ", job_id, " cancelled"));
}

absl::StatusOr<HttpResponse> ExportManager::File(const std::string& job_id, const std::string& name) {
  if (!IsJobId(job_id) || !IsFileName(name)) return HttpError(404, "not-found", "no such export file");
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(job_id);
    if (it != jobs_.end() && it->second->state != Job::State::kDone) {
      return HttpError(404, "not-found", "the export job has no files yet");
    }
  }
  fs::path dir = JobDir(job_id);
  if (!fs::exists(dir / "job.json")) return HttpError(404, "not-found", "no such export file");
  std::optional<std::string> body = ReadFile(dir / name);
  if (!body) return HttpError(404, "not-found", "no such export file");
  return Response(200, std::string(kNdjson), *std::move(body));
}

void ExportManager::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (running_) running_->cancelled = true;
    for (auto& job : queue_) jobs_.erase(job->id);
    queue_.clear();
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void ExportManager::WaitIdle() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return queue_.empty() && running_ == nullptr; });
}

void ExportManager::WorkerLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::shared_ptr<Job> job = queue_.front();
    queue_.pop_front();
    running_ = job;
    job->state = Job::State::kRunning;
    job->progress = "starting";
    lock.unlock();

    absl::Status status = RunJob(*job);
    std::string manifest;
    if (status.ok() && !job->cancelled) {
      manifest = Manifest(*job);
      std::ofstream out(fs::path(JobDir(job->id)) / "job.json", std::ios::binary | std::ios::trunc);
      out << manifest;
      out.close();
      if (!out) status = absl::InternalError("cannot write job.json");
    }
    if (!status.ok() || job->cancelled) {
      std::error_code ec;
      fs::remove_all(JobDir(job->id), ec);
      if (!status.ok() && !job->cancelled) {
        std::fprintf(stderr, "vigil: export job %s failed: %s\n", job->id.c_str(),
                     std::string(Message(status)).c_str());
      }
    }

    lock.lock();
    if (job->cancelled && status.ok()) {
      // Cancelled after RunJob finished: Cancel saw it running and left the
      // files to us.
      lock.unlock();
      std::error_code ec;
      fs::remove_all(JobDir(job->id), ec);
      lock.lock();
    }
    if (status.ok()) {
      job->state = Job::State::kDone;
      job->manifest = std::move(manifest);
    } else {
      job->state = Job::State::kFailed;
      job->error = Message(status);
    }
    running_.reset();
    changed_.notify_all();
  }
}

absl::Status ExportManager::RunJob(Job& job) {
  fs::path dir = JobDir(job.id);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::InternalError(StrCat("cannot create ", dir.string(), ": ", ec.message()));
  if (!job.patient.empty()) {  // whose job it is, for JobPatient after a restart
    std::ofstream owner(dir / "patient", std::ios::binary | std::ios::trunc);
    owner << job.patient;
    owner.close();
    if (!owner) return absl::InternalError("cannot write the job's owner");
  }
  int64_t total = 0;
  for (size_t t = 0; t < job.types.size(); ++t) {
    const std::string& type = job.types[t];
    std::vector<std::pair<std::string, int64_t>> files;
    NdjsonWriter out(dir, type, options_, &files);
    int64_t written = 0;
    auto progress = [&] {
      std::lock_guard lock(mu_);
      job.progress = StrCat(type, " (type ", t + 1, " of ", job.types.size(), "): ",
                            total + written, " resources written");
    };
    auto type_filter = job.filters.find(type);
    auto emit = [&](const store::StoredResource& r) -> absl::Status {
      if (job.since && r.last_updated < *job.since) return absl::OkStatus();
      if (type_filter != job.filters.end() && !type_filter->second.Admits(r)) {
        return absl::OkStatus();
      }
      ++written;
      return out.Add(r.json);
    };
    auto cancelled = [&] { return job.cancelled.load(); };
    progress();
    std::vector<std::string> params = search::CompartmentParamList("Patient", type);

    if (job.level == Job::Level::kGroup) {
      if (type == "Patient") {
        for (const std::string& id : job.patients) {
          if (cancelled()) return absl::CancelledError("cancelled");
          VIGIL_ASSIGN_OR_RETURN(auto patient, store_.Read("Patient", id));
          if (patient && !patient->deleted) VIGIL_RETURN_IF_ERROR(emit(*patient));
        }
      } else if (!params.empty()) {
        std::set<std::string> seen;  // a resource in two members' compartments
        for (size_t first = 0; first < job.patients.size(); first += kGroupChunk) {
          store::Clause clause;
          clause.param = "_compartment";
          clause.kind = store::RowKind::kReference;
          for (size_t i = first; i < std::min(first + kGroupChunk, job.patients.size()); ++i) {
            clause.any_of.push_back(store::CompartmentMatch{params, "Patient", job.patients[i]});
          }
          store::Query query;
          query.type = type;
          query.all_of.push_back(std::move(clause));
          query.count = options_.page_size;
          query.total = store::TotalMode::kNone;
          for (;; query.offset += query.count) {
            if (cancelled()) return absl::CancelledError("cancelled");
            VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, store_.Search(query));
            for (const store::StoredResource& r : page.resources) {
              if (seen.insert(r.id).second) VIGIL_RETURN_IF_ERROR(emit(r));
            }
            progress();
            if (page.resources.size() < query.count) break;
          }
        }
      }
    } else if (job.level == Job::Level::kSystem || type == "Patient" || !params.empty()) {
      // Patient level keeps, of each page, the resources in some Patient's
      // compartment (one query driven by the page's ids).
      bool filter = job.level == Job::Level::kPatient && type != "Patient";
      store::ScanQuery scan;
      scan.type = type;
      scan.since = job.since;
      scan.count = options_.page_size;
      while (true) {
        if (cancelled()) return absl::CancelledError("cancelled");
        VIGIL_ASSIGN_OR_RETURN(std::vector<store::StoredResource> page, store_.Scan(scan));
        if (page.empty()) break;
        scan.after_id = page.back().id;
        bool last = page.size() < scan.count;
        if (filter) {
          store::Clause ids;
          ids.param = "_id";
          ids.kind = store::RowKind::kId;
          for (const store::StoredResource& r : page) ids.any_of.push_back(store::IdMatch{r.id});
          store::Clause member;
          member.param = "_compartment";
          member.kind = store::RowKind::kReference;
          member.any_of.push_back(store::CompartmentMatch{params, "Patient", ""});
          store::Query query;
          query.type = type;
          query.all_of = {std::move(ids), std::move(member)};
          query.count = page.size();
          query.total = store::TotalMode::kNone;
          query.sort.push_back({"_id", store::RowKind::kId, false});
          VIGIL_ASSIGN_OR_RETURN(store::SearchPage kept, store_.Search(query));
          page = std::move(kept.resources);
        }
        for (const store::StoredResource& r : page) VIGIL_RETURN_IF_ERROR(emit(r));
        progress();
        if (last) break;
      }
    }
    VIGIL_RETURN_IF_ERROR(out.Close());
    for (auto& [name, count] : files) job.outputs.push_back({type, name, count});
    total += written;
  }
  return absl::OkStatus();
}

std::string ExportManager::Manifest(const Job& job) const {
  fhir::Json manifest = fhir::Json::Object();
  manifest.Set("transactionTime", fhir::Json::String(FormatInstant(job.transaction_time)));
  manifest.Set("request", fhir::Json::String(job.request_url));
  manifest.Set("requiresAccessToken", fhir::Json::Bool(false));
  fhir::Json output = fhir::Json::Array();
  for (const Output& o : job.outputs) {
    fhir::Json item = fhir::Json::Object();
    item.Set("type", fhir::Json::String(o.type));
    item.Set("url", fhir::Json::String(StrCat(options_.base_url, "/$export-file/", job.id, "/", o.name)));
    item.Set("count", fhir::Json::Number(std::to_string(o.count)));
    output.Push(std::move(item));
  }
  manifest.Set("output", std::move(output));
  manifest.Set("error", fhir::Json::Array());
  return fhir::WriteJson(manifest, true);
}

}  // namespace vigil::server
