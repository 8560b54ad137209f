#include "base/status.h"
#include "base/str.h"
#include "store/sqlite/sqlite_ops.h"

namespace vigil::store::sqlite_internal {
namespace {

// 2: idx_composite. A version-1 file gains the (empty) table on open; its
// resources need a re-index before composite searches find them.
// 3: idx_composite_code holds only first components (part 0), the only ones
// a search looks up by code (the others are read through the primary key):
// one b-tree insert less per composite row. Rebuilt on open.
// 4: idx_reference.target_rid, the rid of a reference's target when it
// existed as the row was written. Resolved rows are found by it (target rids
// grow as resources are created, so their index takes inserts near its end);
// only unresolved ones by (param, target_id, target_type), whose random ids
// made every import rewrite most of that index. Filled on open.
// 5: no composite rows for composites whose components are other
// parameters' rows (Observation's code-value-*: search::ParamDef::
// component_params); searches read those rows. Nothing changes on open: the
// rows an older build wrote hold the same values, are not read, and go when
// their resource is next written. The version keeps older builds, which
// would look for those rows, off a file this one wrote.
constexpr int64_t kSchemaVersion = 5;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS resources(
  rid INTEGER PRIMARY KEY, type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
  last_updated INTEGER NOT NULL, deleted INTEGER NOT NULL, UNIQUE(type, id));
CREATE TABLE IF NOT EXISTS versions(
  seq INTEGER PRIMARY KEY, rid INTEGER NOT NULL, version INTEGER NOT NULL,
  last_updated INTEGER NOT NULL, deleted INTEGER NOT NULL, json BLOB NOT NULL,
  UNIQUE(rid, version));
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idx_token(
  rid INTEGER NOT NULL, param TEXT NOT NULL, system TEXT NOT NULL, code TEXT NOT NULL,
  text TEXT NOT NULL, PRIMARY KEY(rid, param, system, code, text)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_token_code ON idx_token(param, code, system);
CREATE TABLE IF NOT EXISTS idx_string(
  rid INTEGER NOT NULL, param TEXT NOT NULL, norm TEXT NOT NULL, exact TEXT NOT NULL,
  PRIMARY KEY(rid, param, norm, exact)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_string_norm ON idx_string(param, norm);
CREATE TABLE IF NOT EXISTS idx_date(
  rid INTEGER NOT NULL, param TEXT NOT NULL, low INTEGER NOT NULL, high INTEGER NOT NULL,
  PRIMARY KEY(rid, param, low, high)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idx_number(
  rid INTEGER NOT NULL, param TEXT NOT NULL, value REAL NOT NULL, low REAL NOT NULL,
  high REAL NOT NULL, PRIMARY KEY(rid, param, value, low, high)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idx_quantity(
  rid INTEGER NOT NULL, param TEXT NOT NULL, value REAL NOT NULL, low REAL NOT NULL,
  high REAL NOT NULL, system TEXT NOT NULL, code TEXT NOT NULL, unit TEXT NOT NULL,
  PRIMARY KEY(rid, param, value, low, high, system, code, unit)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idx_reference(
  rid INTEGER NOT NULL, param TEXT NOT NULL, target_type TEXT NOT NULL,
  target_id TEXT NOT NULL, url TEXT NOT NULL, target_rid INTEGER,
  PRIMARY KEY(rid, param, target_type, target_id, url)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_reference_target_rid ON idx_reference(target_rid, param)
  WHERE target_rid IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_reference_target ON idx_reference(param, target_id, target_type)
  WHERE target_rid IS NULL;
CREATE TABLE IF NOT EXISTS idx_uri(
  rid INTEGER NOT NULL, param TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY(rid, param, value)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_uri_value ON idx_uri(param, value);
-- One row per component value of a composite row (store/index.h CompositeRow):
-- grp numbers the resource's composite rows, part the component. The value
-- columns are those of the component's own row table, so that a component
-- predicate reads them with the same SQL; they have no type affinity (dates
-- store integers, numbers reals, uri values text) and unused ones hold ''/0.
CREATE TABLE IF NOT EXISTS idx_composite(
  rid INTEGER NOT NULL, param TEXT NOT NULL, grp INTEGER NOT NULL, part INTEGER NOT NULL,
  system, code, norm, exact, low, high, value, unit, target_type, target_id, url,
  PRIMARY KEY(rid, param, grp, part)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_composite_code ON idx_composite(param, part, code, system)
  WHERE part = 0;
PRAGMA user_version = 5;
)sql";

absl::StatusOr<int64_t> UserVersion(Connection& c) {
  VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare("PRAGMA user_version"));
  VIGIL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

// Version 4: fills target_rid of the existing rows (kSchema then creates
// the partial indexes).
absl::Status ResolveReferenceTargets(Connection& c) {
  bool has_column = false;
  {
    VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare("SELECT count(*) FROM pragma_table_info("
                                                   "'idx_reference') WHERE name = 'target_rid'"));
    VIGIL_ASSIGN_OR_RETURN(bool row, st.Step());
    has_column = row && st.Int(0) > 0;
  }
  if (!has_column) {
    VIGIL_RETURN_IF_ERROR(c.Exec("ALTER TABLE idx_reference ADD COLUMN target_rid INTEGER"));
  }
  return c.Exec(
      "DROP INDEX IF EXISTS idx_reference_target;"
      "UPDATE idx_reference SET target_rid = (SELECT t.rid FROM resources t "
      "WHERE t.type = idx_reference.target_type AND t.id = idx_reference.target_id) "
      "WHERE target_id <> ''");
}

}  // namespace

absl::Status InitSchema(Connection& c, const std::function<void(std::string_view)>& notice) {
  VIGIL_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
  absl::Status s = [&]() -> absl::Status {
    VIGIL_ASSIGN_OR_RETURN(int64_t version, UserVersion(c));
    if (version > kSchemaVersion) {
      return absl::FailedPreconditionError(
          StrCat("store schema version ", version, " is newer than this build's ", kSchemaVersion));
    }
    if (version > 0 && version < 3) {
      VIGIL_RETURN_IF_ERROR(c.Exec("DROP INDEX IF EXISTS idx_composite_code"));
    }
    if (version > 0 && version < 4) {
      if (notice) {
        notice(StrCat("upgrading the store from schema version ", version, " to ", kSchemaVersion,
                      ": resolving reference targets (once; 1-2 s per 100k resources)"));
      }
      VIGIL_RETURN_IF_ERROR(ResolveReferenceTargets(c));
    }
    return c.Exec(kSchema);
  }();
  if (!s.ok()) {
    (void)c.Exec("ROLLBACK");
    return s;
  }
  return c.Exec("COMMIT");
}

}  // namespace vigil::store::sqlite_internal
