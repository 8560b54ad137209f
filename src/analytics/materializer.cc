#include "analytics/materializer.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <set>

#include "analytics/store_scan.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "sof/plan.h"
#include "sof/row_format.h"

namespace vigil::analytics {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The FHIR type name of a column type given as a name, a URI or System.X.
std::string TypeName(std::string_view type) {
  size_t slash = type.rfind('/');
  if (slash != std::string_view::npos) type.remove_prefix(slash + 1);
  if (type.starts_with("System.")) type.remove_prefix(7);
  return Lower(type);
}

// Rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Db* db) : db_(db) {}
  ~Transaction() {
    if (open_) (void)db_->Exec("ROLLBACK");
  }
  absl::Status Begin() {
    VIGIL_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
    open_ = true;
    return absl::OkStatus();
  }
  absl::Status Commit() {
    open_ = false;
    return db_->Exec("COMMIT");
  }

 private:
  Db* db_;
  bool open_ = false;
};

void BindNumber(Stmt& s, int index, const std::string& text) {
  int64_t whole = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
  if (ec == std::errc() && end == text.data() + text.size()) {
    s.BindInt(index, whole);
  } else {
    s.BindDouble(index, std::strtod(text.c_str(), nullptr));
  }
}

void BindCell(Stmt& s, int index, const fhirpath::Collection& cell, bool collection) {
  fhir::Json json = sof::CellToJson(cell, collection);
  switch (json.kind()) {
    case fhir::JsonKind::kNull: s.BindNull(index); return;
    case fhir::JsonKind::kBool: s.BindInt(index, json.bool_value() ? 1 : 0); return;
    case fhir::JsonKind::kNumber: BindNumber(s, index, json.text()); return;
    case fhir::JsonKind::kString: s.BindText(index, json.text()); return;
    default: s.BindText(index, fhir::WriteJson(json));
  }
}

std::string CreateTableSql(const MaterializedView& m) {
  std::string sql = StrCat("CREATE TABLE ", QuoteIdentifier(TableName(m.name)), " (");
  for (const sof::ColumnInfo& column : m.view->columns()) {
    sql += QuoteIdentifier(column.name);
    std::string_view affinity = ColumnAffinity(column);
    if (!affinity.empty()) sql += StrCat(" ", affinity);
    sql += ", ";
  }
  return StrCat(sql, kKeyColumn, " TEXT NOT NULL)");
}

std::string InsertSql(const MaterializedView& m) {
  std::string sql = StrCat("INSERT INTO ", QuoteIdentifier(TableName(m.name)), " (");
  for (const sof::ColumnInfo& column : m.view->columns()) {
    sql += StrCat(QuoteIdentifier(column.name), ", ");
  }
  sql += StrCat(kKeyColumn, ") VALUES (");
  for (size_t i = 0; i < m.view->columns().size(); ++i) sql += "?, ";
  return sql + "?)";
}

// Inserts the rows of resources into view m's table.
class RowInserter {
 public:
  RowInserter(const MaterializedView& m, Stmt insert)
      : m_(m), insert_(std::move(insert)), runner_(*m.view) {}

  absl::Status Insert(const store::StoredResource& stored) {
    absl::StatusOr<fhir::Json> resource = fhir::ParseJson(stored.json);
    if (!resource.ok()) return resource.status();
    const std::vector<sof::ColumnInfo>& columns = m_.view->columns();
    int key = static_cast<int>(columns.size()) + 1;
    absl::Status ran = runner_.Run(*resource, [&](sof::Row row) -> absl::Status {
      insert_.Reset();
      for (size_t i = 0; i < columns.size(); ++i) {
        BindCell(insert_, static_cast<int>(i) + 1, row[i], columns[i].collection);
      }
      insert_.BindText(key, stored.id);
      return insert_.Run();
    });
    if (ran.ok()) return ran;
    return absl::Status(ran.code(), StrCat(stored.type, "/", stored.id, ": ", Message(ran)));
  }

 private:
  const MaterializedView& m_;
  Stmt insert_;
  sof::ViewRunner runner_;
};

}  // namespace

std::string TableName(std::string_view name) { return StrCat(kTablePrefix, name); }

std::string_view ColumnAffinity(const sof::ColumnInfo& column) {
  if (column.collection) return "TEXT";
  std::string type = TypeName(column.type);
  if (type.empty()) return "";
  if (type == "integer" || type == "positiveint" || type == "unsignedint" || type == "integer64" ||
      type == "boolean") {
    return "INTEGER";
  }
  if (type == "decimal") return "REAL";
  return "TEXT";
}

absl::Status CheckMaterializable(const sof::View& view, std::string_view name) {
  if (name.empty()) {
    return HttpError(400, "required",
                     "a materialized view needs a 'name' (its table is view_<name>)");
  }
  if (!sof::IsValidName(name)) {
    return HttpError(400, "value",
                     StrCat("invalid view name '", name,
                            "': a materialized view's name is made of letters, digits and '_' "
                            "and starts with a letter"));
  }
  std::set<std::string> seen;
  for (const sof::ColumnInfo& column : view.columns()) {
    if (!seen.insert(Lower(column.name)).second) {
      return HttpError(400, "value",
                       StrCat("column names differ only in case ('", column.name,
                              "'): SQL column names ignore case"));
    }
  }
  return absl::OkStatus();
}

absl::Status Materializer::Build(const MaterializedView& view) {
  Transaction txn(db_);
  VIGIL_RETURN_IF_ERROR(txn.Begin());
  std::string table = QuoteIdentifier(TableName(view.name));
  VIGIL_RETURN_IF_ERROR(db_->Exec(StrCat("DROP TABLE IF EXISTS ", table)));
  VIGIL_RETURN_IF_ERROR(db_->Exec(CreateTableSql(view)));
  VIGIL_RETURN_IF_ERROR(
      db_->Exec(StrCat("CREATE INDEX ", QuoteIdentifier(StrCat(TableName(view.name), "_key")),
                       " ON ", table, " (", kKeyColumn, ")")));
  VIGIL_ASSIGN_OR_RETURN(Stmt insert, db_->Prepare(InsertSql(view)));
  RowInserter inserter(view, std::move(insert));
  VIGIL_RETURN_IF_ERROR(
      ForEachStoredResource(*store_, view.view->resource_type(), ResourceFilter(),
                            [&inserter](const store::StoredResource& r) -> absl::StatusOr<bool> {
                              VIGIL_RETURN_IF_ERROR(inserter.Insert(r));
                              return true;
                            }));
  return txn.Commit();
}

absl::Status Materializer::Drop(std::string_view name) {
  return db_->Exec(StrCat("DROP TABLE IF EXISTS ", QuoteIdentifier(TableName(name))));
}

absl::Status Materializer::Apply(const MaterializedView& view, std::string_view id) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> current,
                         store_->Read(view.view->resource_type(), id));
  absl::Status replaced = ReplaceRows(view, id, current && !current->deleted ? &*current : nullptr);
  if (!replaced.ok()) {
    // A version the view cannot read (or a failed insert) leaves no rows
    // rather than the rows of an older version.
    (void)ReplaceRows(view, id, nullptr);
  }
  return replaced;
}

absl::Status Materializer::ReplaceRows(const MaterializedView& view, std::string_view id,
                                       const store::StoredResource* current) {
  Transaction txn(db_);
  VIGIL_RETURN_IF_ERROR(txn.Begin());
  VIGIL_ASSIGN_OR_RETURN(Stmt erase,
                         db_->Prepare(StrCat("DELETE FROM ", QuoteIdentifier(TableName(view.name)),
                                             " WHERE ", kKeyColumn, " = ?")));
  erase.BindText(1, id);
  VIGIL_RETURN_IF_ERROR(erase.Run());
  if (current != nullptr) {
    VIGIL_ASSIGN_OR_RETURN(Stmt insert, db_->Prepare(InsertSql(view)));
    RowInserter inserter(view, std::move(insert));
    VIGIL_RETURN_IF_ERROR(inserter.Insert(*current));
  }
  return txn.Commit();
}

}  // namespace vigil::analytics
