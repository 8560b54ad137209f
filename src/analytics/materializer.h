// Materialized views: a ViewDefinition kept as the SQL table view_<name> in
// the analytics database, so that the read-only SQL endpoint (sql_query.h)
// can query it.
//
// Table layout: one column per view column, in view order, declared with the
// SQLite type of the column's FHIR `type` (ColumnAffinity), then the key
// column _resource_id (the id of the resource the row came from; indexed).
// A cell is NULL when empty, an integer for booleans (1/0) and whole numbers,
// a real for other numbers, text for strings and dates, and JSON text for
// collection columns and complex values.
//
// Invariant: after Build(v), and after Apply(v, id) for every id whose
// resource changed since, the table holds exactly the rows of the current,
// non-deleted resources of v's type. Apply re-reads the resource's current
// version from the store, so applying an id twice, or out of order, leaves
// the same rows (it is idempotent); every change of the table is one SQLite
// transaction, so readers see the rows of a resource all old or all new.
//
// Ownership and thread-safety: db and store are borrowed and outlive the
// Materializer; one thread at a time (AnalyticsService holds its lock).
// Errors: Internal for SQLite, the store's errors, InvalidArgument when a
// resource breaks the view's rules (the transaction is rolled back).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "analytics/sqlite_conn.h"
#include "sof/view.h"
#include "store/store.h"

namespace vigil::analytics {

inline constexpr std::string_view kTablePrefix = "view_";
inline constexpr std::string_view kKeyColumn = "_resource_id";

struct MaterializedView {
  std::string id;    // the stored view's id
  std::string name;  // ViewDefinition.name: the table is view_<name>
  std::shared_ptr<const sof::View> view;
};

// "view_" + name.
std::string TableName(std::string_view name);

// The declared SQLite type of a column: INTEGER (integer, positiveInt,
// unsignedInt, integer64, boolean), REAL (decimal), "" (no type given: values
// keep their own type) or TEXT (everything else, and collections).
std::string_view ColumnAffinity(const sof::ColumnInfo& column);

// 400 (HttpError) unless the view can be a table named view_<name>: a name
// made of letters, digits and '_' (starting with a letter), and column names
// that differ when case is ignored (SQLite's column names are case-blind).
absl::Status CheckMaterializable(const sof::View& view, std::string_view name);

class Materializer {
 public:
  Materializer(Db* db, store::Store* store) : db_(db), store_(store) {}

  // Drops and recreates the table, filled from the store, in one transaction.
  absl::Status Build(const MaterializedView& view);
  // Drops view_<name> if it exists.
  absl::Status Drop(std::string_view name);
  // Replaces the rows of resource `id` with those of its current version
  // (none when it is deleted or never existed). When the view cannot read the
  // new version, the resource is left without rows and the error returned.
  absl::Status Apply(const MaterializedView& view, std::string_view id);

 private:
  // Deletes id's rows and inserts current's (none when null), in one transaction.
  absl::Status ReplaceRows(const MaterializedView& view, std::string_view id,
                           const store::StoredResource* current);

  Db* db_;
  store::Store* store_;
};

}  // namespace vigil::analytics
