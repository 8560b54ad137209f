// FHIR Bulk Data Access (v2) $export: asynchronous NDJSON exports of the store.
// https://hl7.org/fhir/uv/bulkdata/export.html
//
// Routes (under the FHIR base), all answered by Handle():
//   GET|POST $export, Patient/$export, Group/[id]/$export   kick-off (202 +
//       Content-Location); needs "Prefer: respond-async" (400 without);
//       parameters _outputFormat (ndjson only), _type, _since, from the query
//       or (POST) a Parameters body.
//   GET    $export-status/[job]   202 + X-Progress + Retry-After while queued or
//       running, 200 + the manifest when done, 500 + OperationOutcome when the
//       job failed, 404 when unknown or cancelled.
//   DELETE $export-status/[job]   cancels (202); the job and its files are gone.
//   GET    $export-file/[job]/[Type-n].ndjson   one output file
//       (application/fhir+ndjson).
//
// What is exported: system level, every current resource of every type (or of
// _type); Patient level, the Patients and the resources in any Patient's
// compartment (search/compartments.h); Group level, the Patients the Group's
// member.entity names and the resources in their compartments. _since keeps
// resources with meta.lastUpdated >= _since. Files hold at most
// max_resources_per_file resources and about max_file_bytes each.
//
// Authorization (ExportAccess, from FhirApi): a patient-context token's
// Patient- and Group-level kick-offs export only its patient's compartment
// (the Group must be visible to it, and only the patient is taken from its
// members); its system-level kick-offs are refused (403); it sees only the
// status and files of its own jobs (others: 404, as if unknown). For every
// token, a type is exported only when the token may read it, and only the
// resources its filter admits (granular scopes, access_filter.h).
//
// Jobs run one at a time on one worker thread, started with the first
// kick-off; more jobs queue. The worker reads through store::Store (Scan in id
// order, searches for compartment membership), checks for cancellation between
// pages, and writes DIR/[job]/[Type]-[n].ndjson, then DIR/[job]/job.json (the
// manifest), so a restarted server still serves finished jobs. A job that was
// queued or running when the server stopped is lost (its folder is removed).
// The export does not read one snapshot: resources written while it runs may or
// may not be in it.
//
// Thread-safety: Handle may be called from many threads at once. Stop (or the
// destructor) cancels the running job and joins the worker; the store must
// outlive both.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "server/http/http_server.h"
#include "server/rest/access_filter.h"
#include "server/rest/request.h"
#include "store/store.h"

namespace vigil::server {

// Who asks (FhirApi, from the request's token). Default: everything.
struct ExportAccess {
  std::string patient;  // the patient a patient-context token is confined to
  // The token's filter; null: every type, every resource.
  std::shared_ptr<const AccessFilter> filter;
};

struct ExportOptions {
  std::string dir;       // job folders go here (created when needed)
  std::string base_url;  // "http://127.0.0.1:8080/fhir"
  size_t max_resources_per_file = 100000;
  size_t max_file_bytes = size_t{256} << 20;
  size_t page_size = 1000;  // resources read per store call
  std::function<int64_t()> now_ms;  // empty = the system clock
};

class ExportManager {
 public:
  ExportManager(store::Store& store, ExportOptions options);
  ~ExportManager();  // Stop()

  ExportManager(const ExportManager&) = delete;
  ExportManager& operator=(const ExportManager&) = delete;

  // Whether segments name one of the routes above.
  static bool Handles(const std::vector<std::string>& segments);
  // Errors: HttpError statuses as listed above (400 bad parameters, 403
  // refused, 404 unknown job or Group, 405 wrong method, 503 after Stop).
  absl::StatusOr<HttpResponse> Handle(const FhirRequest& request,
                                      const ExportAccess& access = {});

  // Cancels the running job, drops queued ones, joins the worker. Idempotent.
  void Stop();
  // Blocks until no job is queued or running (tests).
  void WaitIdle();

 private:
  struct Job;
  struct Output {
    std::string type;
    std::string name;  // "Observation-1.ndjson"
    int64_t count = 0;
  };

  absl::StatusOr<HttpResponse> KickOff(const FhirRequest& request, const ExportAccess& access);
  // The job's types (the token may read) and their filters; the patients
  // of a confined Patient-level or Group-level job.
  void ConfineJob(const ExportAccess& access, Job& job);
  // The patient a job was confined to ("" = none); nullopt when unknown.
  std::optional<std::string> JobPatient(const std::string& job_id);
  absl::StatusOr<HttpResponse> JobStatus(const std::string& job_id);
  absl::StatusOr<HttpResponse> Cancel(const std::string& job_id);
  absl::StatusOr<HttpResponse> File(const std::string& job_id, const std::string& name);

  void WorkerLoop();
  absl::Status RunJob(Job& job);
  std::string Manifest(const Job& job) const;
  std::string JobDir(const std::string& job_id) const;
  int64_t Now() const;

  store::Store& store_;
  ExportOptions options_;

  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;  // guarded by mu_
  std::deque<std::shared_ptr<Job>> queue_;            // guarded by mu_
  std::shared_ptr<Job> running_;                      // guarded by mu_
  bool stopping_ = false;                             // guarded by mu_
  std::thread worker_;  // started by the first kick-off; joined by Stop
};

}  // namespace vigil::server
