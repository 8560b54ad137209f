// The stored ViewDefinitions: one row per view in the table vigil_views of the
// analytics database (DATA/analytics.sqlite). ViewDefinition is not an R4
// resource, so the FHIR store (which validates against R4) cannot hold it.
//
//   ViewRegistry registry(db);
//   VIGIL_RETURN_IF_ERROR(registry.CreateSchema());
//   VIGIL_RETURN_IF_ERROR(registry.Put(view));          // insert or replace by id
//   VIGIL_ASSIGN_OR_RETURN(auto found, registry.Get("bp"));
//
// The registry stores what it is given: callers (AnalyticsService) compile the
// view, number versions and set meta before Put.
//
// Ownership and thread-safety: the Db is borrowed and must outlive the
// registry; one thread at a time (the caller holds its lock).
// Errors: Internal for SQLite failures; "not found" is an empty optional / false.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analytics/sqlite_conn.h"

namespace vigil::analytics {

// The registry table's name. It does not start with "view_", so the read-only
// SQL endpoint (sql_query.h) never lets a query read it.
inline constexpr std::string_view kRegistryTable = "vigil_views";

struct StoredView {
  std::string id;
  std::string name;           // ViewDefinition.name; "" when it has none
  std::string resource_type;  // ViewDefinition.resource
  std::string json;           // the ViewDefinition as served (id and meta set)
  bool materialized = false;  // kept as the SQL table view_<name>
  int64_t version = 1;        // 1, 2, ... per id
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

class ViewRegistry {
 public:
  explicit ViewRegistry(Db* db) : db_(db) {}

  // Creates the table when missing.
  absl::Status CreateSchema();
  absl::StatusOr<std::optional<StoredView>> Get(std::string_view id);
  // Every view, in id order.
  absl::StatusOr<std::vector<StoredView>> List();
  // Inserts view, or replaces the view with its id.
  absl::Status Put(const StoredView& view);
  // Whether a view with that id existed.
  absl::StatusOr<bool> Delete(std::string_view id);

 private:
  Db* db_;
};

}  // namespace vigil::analytics
