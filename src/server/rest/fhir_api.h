// The FHIR R4 REST API under one base path (default "/fhir"): the routes table,
// one handler per interaction, and the single place where an error becomes an
// OperationOutcome response.
//
// Every interaction is implemented once, as a function of a parsed request and
// (for writes) a store transaction, returning an InteractionResult. A plain HTTP
// request runs it in its own transaction; a transaction Bundle runs all of its
// entries in one; a batch Bundle runs each entry in its own. The HTTP status,
// headers and body are derived from the result in one place (ToHttpResponse,
// ToBundleEntry).
//
// Thread-safety: Handle may be called from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "audit/audit_event.h"
#include "auth/authorizer.h"
#include "auth/smart_configuration.h"
#include "auth/token_verifier.h"
#include "fhir/json.h"
#include "persist/resource_writes.h"
#include "search/registry.h"
#include "server/http/http_server.h"
#include "server/rest/access_filter.h"
#include "server/rest/match_rates.h"
#include "server/rest/request.h"
#include "server/rest/search_exec.h"
#include "store/store.h"

namespace vigil::server {

class ExportManager;

struct FhirApiOptions {
  std::string base_path = "/fhir";
  // Absolute base for fullUrl, Location and links, e.g. "http://127.0.0.1:8080/fhir".
  std::string base_url = "http://127.0.0.1:8080/fhir";
  persist::WriteOptions write;
  SearchSettings search;  // base_url is filled in from base_url above
  size_t max_bundle_entries = 10000;
  // Folder for Bulk Data $export jobs and files ("" = $export answers 501).
  // `vigil serve` uses DATA/exports.
  std::string export_dir;
  std::string software_version = "0.1.0";
  // Bearer-token authentication (`vigil serve --auth smart`): every request
  // except GET metadata and the SMART configuration needs a valid token, and
  // each interaction is authorized against its scopes (access_control.cc).
  // Null: no authentication, every request is served.
  std::shared_ptr<const auth::TokenVerifier> verifier;
  auth::SmartConfigurationOptions smart;  // .well-known/smart-configuration
  // Called once per request Handle answers, after the response is built, with
  // what the audit trail records (server/rest/audit_facts.h); empty: no audit.
  // Must be thread-safe; may block (backpressure of audit::AuditTrail).
  std::function<void(const audit::AuditFacts&)> audit;
};

// What an interaction produced, before it is shaped into an HTTP response or a
// Bundle entry.
struct InteractionResult {
  int status = 200;
  // The resource version written or read (ETag, Last-Modified, Location, body).
  std::optional<store::StoredResource> resource;
  bool location = false;  // send Location (create, update-as-create)
  std::string body;       // a prepared body (search/history Bundles), else empty
};

class FhirApi {
 public:
  FhirApi(store::Store& store, const search::Registry& registry, FhirApiOptions options);
  // Stops background work (Stop()).
  ~FhirApi();

  HttpResponse Handle(const HttpRequest& request) const;

  // Applies a transaction Bundle for an in-process caller (the MLLP listener,
  // `vigil ingest dead-letter replay`): the same code path as POST [base],
  // all or nothing, with before_commit (may be empty) run inside the store
  // transaction right before Commit. token: the caller's authority, checked
  // per entry like an HTTP client's when authentication is on (null without
  // it). Returns the transaction-response Bundle once committed; errors are
  // HTTP-status Statuses (base/http_error.h), nothing is written then.
  absl::StatusOr<std::string> ApplyTransaction(
      fhir::Json bundle, std::shared_ptr<const auth::AccessToken> token,
      std::function<absl::Status(store::WriteTxn&)> before_commit) const;

  // Cancels and joins the $export worker; $export kick-offs are refused (503)
  // afterwards. Call before the store is destroyed, after the HTTP server has
  // stopped. Idempotent.
  void Stop();
  // The $export jobs (nullptr when export_dir is empty); for tests.
  ExportManager* exports() const { return exports_.get(); }

 private:
  friend class BundleProcessor;

  // Handle before the audit: the response, and *token once authenticated.
  HttpResponse HandleWithoutAudit(const HttpRequest& request,
                                  std::shared_ptr<const auth::AccessToken>* token) const;
  // token: set to the request's verified token once authenticated (for the audit).
  absl::StatusOr<HttpResponse> HandleOrError(const HttpRequest& request,
                                             std::shared_ptr<const auth::AccessToken>* token) const;

  // Authentication and authorization (access_control.cc).
  // The request's verified token: null without a verifier or for the public
  // paths (GET metadata); 401 when missing or invalid.
  absl::StatusOr<std::shared_ptr<const auth::AccessToken>> Authenticate(const HttpRequest& http) const;
  // The SMART configuration document when http asks for it (and auth is on).
  std::optional<HttpResponse> SmartConfiguration(const HttpRequest& http) const;
  // What the request's token may see and write (access_filter.h); enforced
  // only with a verifier. Fails closed: with a verifier, a request without a
  // token is refused (401) by every For().
  AccessFilter AccessOf(const FhirRequest& request) const;
  // AccessOf(request).For(interaction, type): 401/403 unless allowed; the
  // filter to apply.
  absl::StatusOr<TypeFilter> Allow(const FhirRequest& request, auth::Interaction interaction,
                                   std::string_view type) const;
  // The $export routes (export.h), with the token's confinement.
  absl::StatusOr<HttpResponse> Export(const FhirRequest& request) const;
  // The confinement of a conditional interaction's search (If-None-Exist,
  // conditional update/delete, conditional references): the search clauses
  // of each needed interaction's filter (each one authorized), and the
  // request's chain and _has confinement.
  absl::StatusOr<SearchConfinement> ConditionalConfinement(
      const FhirRequest& request, std::string_view type,
      std::initializer_list<auth::Interaction> needed) const;
  // Read, vread or instance history of type/id under filter: run, with the
  // visibility checks before and after when the filter restricts.
  absl::StatusOr<InteractionResult> Confined(
      store::Reader& reader, const TypeFilter& filter, const std::string& type,
      const std::string& id, std::string_view not_found,
      const std::function<absl::StatusOr<InteractionResult>()>& run) const;
  // Runs one interaction. txn: the enclosing transaction, or nullptr to run in
  // its own. body: the already-parsed resource (Bundle entries, moved in), or
  // nullopt to parse request.body.
  absl::StatusOr<InteractionResult> Dispatch(const FhirRequest& request,
                                             std::optional<fhir::Json> body,
                                             store::WriteTxn* txn) const;
  // The read routes of Dispatch (GET, HEAD, POST _search).
  absl::StatusOr<InteractionResult> DispatchRead(store::Reader& reader,
                                                 const FhirRequest& request) const;
  // The write routes of Dispatch, inside t. body: the parsed request body of a
  // POST or PUT (parsed and validated before the transaction; its error is
  // reported after authorization, as if parsed here).
  absl::StatusOr<InteractionResult> DispatchWrite(
      store::WriteTxn& t, const FhirRequest& request,
      std::optional<absl::StatusOr<fhir::Json>> body) const;
  HttpResponse ToHttpResponse(const FhirRequest& request, const InteractionResult& result) const;

  // Reads.
  absl::StatusOr<InteractionResult> Read(store::Reader& reader, const FhirRequest& request,
                                         const std::string& type, const std::string& id) const;
  absl::StatusOr<InteractionResult> VRead(store::Reader& reader, const std::string& type,
                                          const std::string& id, const std::string& vid) const;
  // filter: the authorization's confinement, added as AND clauses (chains,
  // _has and includes confined too).
  absl::StatusOr<InteractionResult> Search(store::Reader& reader, const FhirRequest& request,
                                           const std::string& type, const Params& params,
                                           const TypeFilter& filter) const;
  absl::StatusOr<InteractionResult> CompartmentSearch(store::Reader& reader,
                                                      const FhirRequest& request,
                                                      const std::string& owner_type,
                                                      const std::string& id,
                                                      const std::string& type,
                                                      const TypeFilter& filter) const;
  // Adds filter's clauses and the request's hop and include confinement to call.
  absl::Status Confine(const FhirRequest& request, const TypeFilter& filter, SearchCall* call) const;
  // Patient/[id]/$everything (everything.cc): only what access sees (Sees(kRead)).
  absl::StatusOr<InteractionResult> Everything(store::Reader& reader, const FhirRequest& request,
                                               const std::string& id,
                                               const AccessFilter& access) const;
  // Whether a version may appear in a history; empty: every version.
  using VersionFilter = std::function<absl::StatusOr<bool>(const store::StoredResource&)>;
  absl::StatusOr<InteractionResult> History(const FhirRequest& request, const std::string& type,
                                            const std::string& id,
                                            const VersionFilter& keep) const;
  // History with keep: pages of kept versions (interactions_read.cc).
  absl::StatusOr<InteractionResult> FilteredHistory(const FhirRequest& request,
                                                    const store::HistoryQuery& query,
                                                    const VersionFilter& keep) const;
  InteractionResult Capabilities() const;

  // Writes (inside txn), each checked against write (the filter of its
  // interaction): the current version before (CheckWritable) and the version
  // written after (CheckWritten). conditional: ConditionalConfinement.
  absl::StatusOr<InteractionResult> Create(store::WriteTxn& txn, const FhirRequest& request,
                                           const std::string& type, fhir::Json resource,
                                           const TypeFilter& write,
                                           const SearchConfinement& conditional) const;
  absl::StatusOr<InteractionResult> Update(store::WriteTxn& txn, const FhirRequest& request,
                                           const std::string& type, const std::string& id,
                                           fhir::Json resource, const TypeFilter& write) const;
  absl::StatusOr<InteractionResult> ConditionalUpdate(store::WriteTxn& txn,
                                                      const FhirRequest& request,
                                                      const std::string& type,
                                                      fhir::Json resource, const TypeFilter& write,
                                                      const SearchConfinement& conditional) const;
  absl::StatusOr<InteractionResult> Patch(store::WriteTxn& txn, const FhirRequest& request,
                                          const std::string& type, const std::string& id,
                                          const TypeFilter& write) const;
  absl::StatusOr<InteractionResult> Delete(store::WriteTxn& txn, const FhirRequest& request,
                                           const std::string& type, const std::string& id,
                                           const TypeFilter& write) const;
  absl::StatusOr<InteractionResult> ConditionalDelete(store::WriteTxn& txn,
                                                      const FhirRequest& request,
                                                      const std::string& type,
                                                      const TypeFilter& write,
                                                      const SearchConfinement& conditional) const;

  absl::StatusOr<fhir::Json> ParseRequestBody(const FhirRequest& request) const;
  std::string ResourceUrl(const store::StoredResource& resource) const;

  store::Store& store_;
  const search::Registry& registry_;
  FhirApiOptions options_;
  persist::ResourceWrites writes_;
  std::unique_ptr<ExportManager> exports_;
  // Transaction Bundles' conditional updates, for their preparation.
  mutable ConditionalMatchRates update_matches_;
};

// Whether name is a concrete R4 resource type ("Patient"; not "Resource").
bool IsResourceType(std::string_view name);

}  // namespace vigil::server
