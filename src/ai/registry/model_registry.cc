#include "ai/registry/model_registry.h"

#include <filesystem>

#include "ai/model/artifact.h"
#include "ai/model/fingerprint.h"
#include "base/file.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "fhir/json.h"
#include "store/sqlite/sqlite_db.h"

namespace vigil::ai {
namespace {

namespace fs = std::filesystem;
using store::sqlite_internal::Connection;
using store::sqlite_internal::Statement;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS model_version (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, model_sha256 TEXT NOT NULL,
  data_fingerprint TEXT NOT NULL, metrics TEXT NOT NULL, created TEXT NOT NULL,
  registered_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS model_alias (
  alias TEXT PRIMARY KEY, version TEXT NOT NULL REFERENCES model_version(id));
CREATE TABLE IF NOT EXISTS alias_move (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT, alias TEXT NOT NULL, version TEXT NOT NULL,
  previous TEXT NOT NULL, at_ms INTEGER NOT NULL);
)sql";

std::string Text(const fhir::Json* j) {
  return j != nullptr && j->is_string() ? std::string(j->text()) : std::string();
}

// Copies the artifact's files (not sub-folders) into a fresh folder beside
// `target`, makes them read-only and renames the folder into place.
absl::Status CopyReadOnly(const fs::path& from, const fs::path& target) {
  fs::path staging = target;
  staging += ".staging";
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return absl::InternalError(StrCat("cannot create ", staging.string(), ": ", ec.message()));
  for (const fs::directory_entry& e : fs::directory_iterator(from, ec)) {
    if (!e.is_regular_file()) continue;
    fs::path dest = staging / e.path().filename();
    fs::copy_file(e.path(), dest, ec);
    if (ec) return absl::InternalError(StrCat("cannot copy ", e.path().string(), ": ", ec.message()));
    fs::permissions(dest, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read, ec);
  }
  if (ec) return absl::InternalError(StrCat("cannot read ", from.string(), ": ", ec.message()));
  fs::rename(staging, target, ec);
  if (ec) return absl::InternalError(StrCat("cannot move ", staging.string(), ": ", ec.message()));
  return absl::OkStatus();
}

ModelVersion VersionFrom(Statement& s, const std::string& dir) {
  ModelVersion v;
  v.id = s.Text(0);
  v.name = s.Text(1);
  v.model_sha256 = s.Text(2);
  v.data_fingerprint = s.Text(3);
  v.metrics_json = s.Text(4);
  v.created = s.Text(5);
  v.registered_ms = s.Int(6);
  v.path = (fs::path(dir) / "versions" / v.id).string();
  return v;
}

constexpr const char* kSelectVersion =
    "SELECT id, name, model_sha256, data_fingerprint, metrics, created, registered_ms FROM "
    "model_version";

}  // namespace

struct ModelRegistry::Db {
  std::unique_ptr<Connection> conn;
};

bool ValidAliasName(const std::string& alias) {
  if (alias.empty() || alias.size() > 32 || alias[0] < 'a' || alias[0] > 'z') return false;
  for (char c : alias) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

ModelRegistry::ModelRegistry(std::string dir, std::unique_ptr<Db> db)
    : dir_(std::move(dir)), db_(std::move(db)) {}
ModelRegistry::~ModelRegistry() = default;

absl::StatusOr<std::unique_ptr<ModelRegistry>> ModelRegistry::Open(const std::string& data_dir) {
  fs::path dir = fs::path(data_dir) / "models";
  std::error_code ec;
  fs::create_directories(dir / "versions", ec);
  if (ec) return absl::InternalError(StrCat("cannot create ", dir.string(), ": ", ec.message()));
  auto db = std::make_unique<Db>();
  VIGIL_ASSIGN_OR_RETURN(db->conn, Connection::Open((dir / "registry.sqlite").string(), /*writer=*/true,
                                                    /*synchronous_full=*/true, /*cache_mib=*/2));
  VIGIL_RETURN_IF_ERROR(db->conn->Exec(kSchema));
  return std::unique_ptr<ModelRegistry>(new ModelRegistry(dir.string(), std::move(db)));
}

absl::StatusOr<ModelVersion> ModelRegistry::Register(const std::string& artifact_dir) {
  // LoadArtifact checks the manifest and the SHA-256 of the model and features.
  VIGIL_ASSIGN_OR_RETURN(LoadedModel model, LoadArtifact(artifact_dir));
  VIGIL_ASSIGN_OR_RETURN(std::string manifest, ReadFile((fs::path(artifact_dir) / "artifact.json").string()));
  const std::string id = StrCat("m-", Sha256Fingerprint(manifest).substr(7, 16));
  std::lock_guard lock(mu_);
  {
    VIGIL_ASSIGN_OR_RETURN(Statement s, db_->conn->Prepare(StrCat(kSelectVersion, " WHERE id = ?")));
    s.Bind(1, id);
    VIGIL_ASSIGN_OR_RETURN(bool found, s.Step());
    if (found) return VersionFrom(s, dir_);
  }
  fs::path target = fs::path(dir_) / "versions" / id;
  std::error_code ec;
  if (!fs::exists(target / "artifact.json", ec)) {
    fs::remove_all(target, ec);
    VIGIL_RETURN_IF_ERROR(CopyReadOnly(artifact_dir, target));
  }
  ModelVersion v;
  v.id = id;
  v.name = Text(model.manifest.Find("name"));
  const fhir::Json* m = model.manifest.Find("model");
  v.model_sha256 = Text(m == nullptr ? nullptr : m->Find("sha256"));
  const fhir::Json* data = model.manifest.Find("training_data");
  v.data_fingerprint = Text(data == nullptr ? nullptr : data->Find("fingerprint"));
  const fhir::Json* metrics = model.manifest.Find("metrics");
  v.metrics_json = metrics == nullptr ? "{}" : fhir::WriteJson(*metrics);
  v.created = Text(model.manifest.Find("created"));
  v.registered_ms = NowMs();
  v.path = target.string();
  VIGIL_ASSIGN_OR_RETURN(Statement s, db_->conn->Prepare("INSERT INTO model_version VALUES (?,?,?,?,?,?,?)"));
  s.BindAll(v.id, v.name, v.model_sha256, v.data_fingerprint, v.metrics_json, v.created, v.registered_ms);
  VIGIL_RETURN_IF_ERROR(s.Run());
  return v;
}

absl::StatusOr<std::vector<ModelVersion>> ModelRegistry::List() {
  std::lock_guard lock(mu_);
  VIGIL_ASSIGN_OR_RETURN(Statement s, db_->conn->Prepare(StrCat(kSelectVersion, " ORDER BY registered_ms, id")));
  std::vector<ModelVersion> out;
  for (;;) {
    VIGIL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(VersionFrom(s, dir_));
  }
  return out;
}

absl::StatusOr<ModelVersion> ModelRegistry::Get(const std::string& version_id) {
  std::lock_guard lock(mu_);
  VIGIL_ASSIGN_OR_RETURN(Statement s, db_->conn->Prepare(StrCat(kSelectVersion, " WHERE id = ?")));
  s.Bind(1, version_id);
  VIGIL_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return absl::NotFoundError(StrCat("no model version ", version_id));
  return VersionFrom(s, dir_);
}

absl::StatusOr<std::map<std::string, std::string>> ModelRegistry::Aliases() {
  std::lock_guard lock(mu_);
  VIGIL_ASSIGN_OR_RETURN(Statement s, db_->conn->Prepare("SELECT alias, version FROM model_alias"));
  std::map<std::string, std::string> out;
  for (;;) {
    VIGIL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out[s.Text(0)] = s.Text(1);
  }
  return out;
}

absl::StatusOr<std::optional<ModelVersion>> ModelRegistry::Resolve(const std::string& alias) {
  VIGIL_ASSIGN_OR_RETURN(auto aliases, Aliases());
  auto it = aliases.find(alias);
  if (it == aliases.end()) return std::nullopt;
  VIGIL_ASSIGN_OR_RETURN(ModelVersion v, Get(it->second));
  return v;
}

absl::StatusOr<AliasMove> ModelRegistry::SetAlias(const std::string& alias, const std::string& version_id) {
  if (!ValidAliasName(alias)) {
    return absl::InvalidArgumentError(
        StrCat("bad alias name '", alias, "': use lower-case letters, digits and '-'"));
  }
  if (!version_id.empty()) VIGIL_RETURN_IF_ERROR(Get(version_id).status());
  std::lock_guard lock(mu_);
  return Move(alias, version_id);
}

absl::StatusOr<AliasMove> ModelRegistry::Rollback(const std::string& alias) {
  std::lock_guard lock(mu_);
  VIGIL_ASSIGN_OR_RETURN(Statement s, db_->conn->Prepare(
                                          "SELECT previous FROM alias_move WHERE alias = ? ORDER BY "
                                          "sequence DESC LIMIT 1"));
  s.Bind(1, alias);
  VIGIL_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return absl::NotFoundError(StrCat("alias ", alias, " was never set"));
  std::string previous = s.Text(0);
  s.Reset();
  if (previous.empty()) {
    return absl::FailedPreconditionError(StrCat("alias ", alias, " has no earlier version to roll back to"));
  }
  return Move(alias, previous);
}

// REQUIRES mu_. One transaction: the alias row and its move.
absl::StatusOr<AliasMove> ModelRegistry::Move(const std::string& alias, const std::string& version_id) {
  Connection& c = *db_->conn;
  VIGIL_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
  auto body = [&]() -> absl::StatusOr<AliasMove> {
    AliasMove move;
    move.alias = alias;
    move.version = version_id;
    move.at_ms = NowMs();
    {
      VIGIL_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT version FROM model_alias WHERE alias = ?"));
      s.Bind(1, alias);
      VIGIL_ASSIGN_OR_RETURN(bool found, s.Step());
      if (found) move.previous = s.Text(0);
    }
    if (version_id.empty()) {
      VIGIL_ASSIGN_OR_RETURN(Statement s, c.Prepare("DELETE FROM model_alias WHERE alias = ?"));
      s.Bind(1, alias);
      VIGIL_RETURN_IF_ERROR(s.Run());
    } else {
      VIGIL_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT OR REPLACE INTO model_alias VALUES (?, ?)"));
      s.BindAll(alias, version_id);
      VIGIL_RETURN_IF_ERROR(s.Run());
    }
    VIGIL_ASSIGN_OR_RETURN(Statement s, c.Prepare(
                                            "INSERT INTO alias_move (alias, version, previous, at_ms) "
                                            "VALUES (?, ?, ?, ?)"));
    s.BindAll(alias, version_id, move.previous, move.at_ms);
    VIGIL_RETURN_IF_ERROR(s.Run());
    move.sequence = sqlite3_last_insert_rowid(c.db());
    return move;
  };
  absl::StatusOr<AliasMove> move = body();
  if (!move.ok()) {
    (void)c.Exec("ROLLBACK");
    return move.status();
  }
  VIGIL_RETURN_IF_ERROR(c.Exec("COMMIT"));
  return move;
}

absl::StatusOr<std::vector<AliasMove>> ModelRegistry::History() {
  std::lock_guard lock(mu_);
  VIGIL_ASSIGN_OR_RETURN(Statement s, db_->conn->Prepare(
                                          "SELECT sequence, alias, version, previous, at_ms FROM "
                                          "alias_move ORDER BY sequence"));
  std::vector<AliasMove> out;
  for (;;) {
    VIGIL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    AliasMove m;
    m.sequence = s.Int(0);
    m.alias = s.Text(1);
    m.version = s.Text(2);
    m.previous = s.Text(3);
    m.at_ms = s.Int(4);
    out.push_back(std::move(m));
  }
  return out;
}

absl::StatusOr<int64_t> ModelRegistry::Generation() {
  std::lock_guard lock(mu_);
  VIGIL_ASSIGN_OR_RETURN(Statement s, db_->conn->Prepare("SELECT coalesce(max(sequence), 0) FROM alias_move"));
  VIGIL_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

}  // namespace vigil::ai
