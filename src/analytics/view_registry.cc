#include "analytics/view_registry.h"

#include "base/status.h"
#include "base/str.h"

namespace vigil::analytics {
namespace {

constexpr std::string_view kColumns =
    "id, name, resource, json, materialized, version, created, updated";

StoredView ReadRow(const Stmt& s) {
  StoredView view;
  view.id = s.Text(0);
  view.name = s.Text(1);
  view.resource_type = s.Text(2);
  view.json = s.Text(3);
  view.materialized = s.Int(4) != 0;
  view.version = s.Int(5);
  view.created_ms = s.Int(6);
  view.updated_ms = s.Int(7);
  return view;
}

}  // namespace

absl::Status ViewRegistry::CreateSchema() {
  return db_->Exec(StrCat("CREATE TABLE IF NOT EXISTS ", kRegistryTable,
                          " (id TEXT PRIMARY KEY, name TEXT NOT NULL, resource TEXT NOT NULL,"
                          " json TEXT NOT NULL, materialized INTEGER NOT NULL DEFAULT 0,"
                          " version INTEGER NOT NULL, created INTEGER NOT NULL,"
                          " updated INTEGER NOT NULL)"));
}

absl::StatusOr<std::optional<StoredView>> ViewRegistry::Get(std::string_view id) {
  VIGIL_ASSIGN_OR_RETURN(
      Stmt s, db_->Prepare(StrCat("SELECT ", kColumns, " FROM ", kRegistryTable, " WHERE id = ?")));
  s.BindText(1, id);
  VIGIL_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<StoredView>();
  return std::optional<StoredView>(ReadRow(s));
}

absl::StatusOr<std::vector<StoredView>> ViewRegistry::List() {
  VIGIL_ASSIGN_OR_RETURN(
      Stmt s, db_->Prepare(StrCat("SELECT ", kColumns, " FROM ", kRegistryTable, " ORDER BY id")));
  std::vector<StoredView> views;
  while (true) {
    VIGIL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return views;
    views.push_back(ReadRow(s));
  }
}

absl::Status ViewRegistry::Put(const StoredView& view) {
  VIGIL_ASSIGN_OR_RETURN(
      Stmt s, db_->Prepare(StrCat("INSERT OR REPLACE INTO ", kRegistryTable, " (", kColumns,
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")));
  s.BindText(1, view.id);
  s.BindText(2, view.name);
  s.BindText(3, view.resource_type);
  s.BindText(4, view.json);
  s.BindInt(5, view.materialized ? 1 : 0);
  s.BindInt(6, view.version);
  s.BindInt(7, view.created_ms);
  s.BindInt(8, view.updated_ms);
  return s.Run();
}

absl::StatusOr<bool> ViewRegistry::Delete(std::string_view id) {
  VIGIL_ASSIGN_OR_RETURN(Stmt s,
                         db_->Prepare(StrCat("DELETE FROM ", kRegistryTable, " WHERE id = ?")));
  s.BindText(1, id);
  VIGIL_RETURN_IF_ERROR(s.Run());
  return sqlite3_changes(db_->get()) > 0;
}

}  // namespace vigil::analytics
