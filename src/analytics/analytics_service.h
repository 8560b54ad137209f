// The analytics side of `vigil serve`: stored ViewDefinitions, $run over the
// live store, and materialized views kept current from the change events.
// The HTTP layer (analytics_http.h) and `vigil serve` sit on top of it.
//
//   VIGIL_ASSIGN_OR_RETURN(auto service, AnalyticsService::Open(dir + "/analytics.sqlite", store));
//   VIGIL_RETURN_IF_ERROR(bus.Subscribe("analytics",
//       [s = service.get()](const store::ChangeEvent& e) { return s->OnChange(e); }));
//   VIGIL_RETURN_IF_ERROR(service->RebuildAll());   // after subscribing: nothing is missed
//
// Materialized views (materializer.h): PutView(..., materialize = true) builds
// the table view_<name> from the store; from then on every change event of
// the view's resource type replaces that resource's rows (OnChange). A gap in
// the event sequence (the bus dropped events for a slow consumer,
// events/event_bus.h) rebuilds every materialized view from the store. Events
// are not persisted, so the tables are rebuilt when the service starts
// (RebuildAll): the store is the source of truth, the tables are derived.
//
// Thread-safety: every method may be called from any thread. One mutex
// serializes the writes to the analytics database (registry changes, builds,
// event application); a long build delays the events and the view registry
// requests, never the store's writers (the bus queues) nor $run over the
// store or the SQL endpoint (own connections).
//
// Errors: HttpError statuses for bad requests (400 invalid view or
// parameters, 404 unknown view/patient/group, 409 table name taken), Internal
// for SQLite failures, the store's errors.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analytics/materializer.h"
#include "analytics/run_params.h"
#include "analytics/sqlite_conn.h"
#include "analytics/view_registry.h"
#include "sof/row_format.h"
#include "store/change.h"
#include "store/store.h"

namespace vigil::analytics {

// The database's file name inside the data folder.
inline constexpr std::string_view kAnalyticsFile = "analytics.sqlite";

struct PutViewResult {
  StoredView view;
  bool created = false;  // a new id (201), not a replacement (200)
};

struct RunOutput {
  sof::RowFormat format = sof::RowFormat::kJson;
  std::string body;
};

class AnalyticsService {
 public:
  // Opens (creating) the database and its registry table. The store must
  // outlive the service. Builds nothing: call RebuildAll.
  static absl::StatusOr<std::unique_ptr<AnalyticsService>> Open(const std::string& db_path,
                                                                store::Store& store);

  const std::string& db_path() const { return db_path_; }

  // Stores the ViewDefinition in body under id (400 unless it compiles; its
  // own id, if any, must equal id). materialize: true/false sets whether it is
  // kept as a table; nullopt keeps the current setting (false for a new view).
  absl::StatusOr<PutViewResult> PutView(std::string_view id, std::string_view body,
                                        std::optional<bool> materialize);
  absl::StatusOr<std::optional<StoredView>> GetView(std::string_view id);
  absl::StatusOr<std::vector<StoredView>> ListViews();
  // Removes the view and its table; false when there was no such view.
  absl::StatusOr<bool> DeleteView(std::string_view id);

  // $run: the view named by instance_id (instance level; "" at type level,
  // where params name it), over the store or params.resources.
  absl::StatusOr<RunOutput> Run(std::string_view instance_id, const RunParams& params,
                                std::string_view accept);

  // The change-event handler; see the header comment.
  absl::Status OnChange(const store::ChangeEvent& event);
  // Rebuilds every materialized table from the store.
  absl::Status RebuildAll();
  // How many times RebuildAll ran (at start and after each gap).
  uint64_t rebuilds() const;

 private:
  AnalyticsService(std::string db_path, std::unique_ptr<Db> db, store::Store& store);

  absl::StatusOr<PutViewResult> PutViewLocked(StoredView view, std::optional<bool> materialize);
  // Makes the table match `view` (building, dropping, renaming) before the
  // registry row changes. REQUIRES: mu_.
  absl::Status UpdateTable(const StoredView& view, const sof::View& compiled,
                           const std::optional<StoredView>& previous);
  absl::Status RebuildAllLocked();
  absl::StatusOr<std::shared_ptr<const sof::View>> ViewForRun(std::string_view instance_id,
                                                              const RunParams& params);
  absl::StatusOr<std::optional<std::vector<std::string>>> PatientsOf(const RunParams& params);

  const std::string db_path_;
  store::Store& store_;
  mutable std::mutex mu_;
  std::unique_ptr<Db> db_;                                // guarded by mu_
  ViewRegistry registry_;                                 // guarded by mu_
  Materializer materializer_;                             // guarded by mu_
  std::map<std::string, MaterializedView> materialized_;  // by view id; guarded by mu_
  uint64_t last_sequence_ = 0;                            // guarded by mu_; 0: none seen
  uint64_t rebuilds_ = 0;                                 // guarded by mu_
};

// Compiles a ViewDefinition; 400 (HttpError) with the engine's message.
absl::StatusOr<std::shared_ptr<const sof::View>> CompileView(const fhir::Json& definition);

}  // namespace vigil::analytics
