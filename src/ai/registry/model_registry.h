// The model registry: immutable, content-addressed model versions and movable
// aliases, kept in the data folder beside the FHIR store (DATA/models/).
//
//   DATA/models/registry.sqlite     versions, aliases and every alias move
//   DATA/models/versions/<id>/      a read-only copy of the artifact folder
//
// A version's id is "m-" + the first 16 hex digits of the SHA-256 of its
// artifact.json, which names the model's and the feature spec's own SHA-256
// (checked by LoadArtifact), the threshold and the calibration: two artifacts
// that would score differently never share an id, and registering the same
// artifact twice returns the existing version. Aliases (`champion`,
// `challenger`, or any lower-case name) point at one version each; moving one is
// one SQLite transaction, recorded with the version it pointed at before, so
// Rollback undoes the latest move (rolling back twice undoes the rollback).
// `vigil serve` scores with `champion` and runs `challenger` in shadow mode
// (docs/model-registry.md).
//
// Errors: InvalidArgument (not an artifact, a bad alias name), NotFound (an
// unknown version or alias), FailedPrecondition (nothing to roll back),
// Internal (SQLite or file-system failures).
//
// Thread-safety: one ModelRegistry may be used from several threads (calls are
// serialized); several processes may open the same folder (SQLite locking),
// e.g. `vigil model alias` while `vigil serve` runs, which notices the move
// through Generation().
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vigil::ai {

inline constexpr const char* kChampion = "champion";
inline constexpr const char* kChallenger = "challenger";

struct ModelVersion {
  std::string id;                // "m-0123456789abcdef"
  std::string name;              // the artifact's name, e.g. "sepsis-6h"
  std::string model_sha256;      // "sha256:..." of model.json
  std::string data_fingerprint;  // the training data's fingerprint
  std::string metrics_json;      // the artifact's headline metrics (JSON object)
  std::string created;           // when it was trained (artifact.json "created")
  int64_t registered_ms = 0;
  std::string path;  // DATA/models/versions/<id>: load it with LoadArtifact
};

struct AliasMove {
  int64_t sequence = 0;
  std::string alias;
  std::string version;   // "" when the alias was cleared
  std::string previous;  // "" when the alias was new
  int64_t at_ms = 0;
};

class ModelRegistry {
 public:
  // Opens (creating when needed) DATA/models.
  static absl::StatusOr<std::unique_ptr<ModelRegistry>> Open(const std::string& data_dir);
  ~ModelRegistry();

  // Checks the artifact (LoadArtifact), copies it into versions/<id> read-only
  // and records it. Idempotent: an artifact already registered returns its
  // existing version.
  absl::StatusOr<ModelVersion> Register(const std::string& artifact_dir);

  absl::StatusOr<std::vector<ModelVersion>> List();  // oldest first
  absl::StatusOr<ModelVersion> Get(const std::string& version_id);

  // alias -> version id, for every alias that is set.
  absl::StatusOr<std::map<std::string, std::string>> Aliases();
  // The version alias points at; nullopt when it is not set.
  absl::StatusOr<std::optional<ModelVersion>> Resolve(const std::string& alias);

  // Points alias at version_id (NotFound for an unknown version), or clears it
  // when version_id is empty. Returns the move.
  absl::StatusOr<AliasMove> SetAlias(const std::string& alias, const std::string& version_id);
  // Points alias back at what it pointed at before its latest move.
  absl::StatusOr<AliasMove> Rollback(const std::string& alias);
  // Every move, oldest first.
  absl::StatusOr<std::vector<AliasMove>> History();

  // Grows with every alias move (from any process): a reader that saw a
  // different value reloads.
  absl::StatusOr<int64_t> Generation();

  const std::string& dir() const { return dir_; }

 private:
  struct Db;
  ModelRegistry(std::string dir, std::unique_ptr<Db> db);
  absl::StatusOr<AliasMove> Move(const std::string& alias, const std::string& version_id);

  std::string dir_;
  std::mutex mu_;
  std::unique_ptr<Db> db_;  // guarded by mu_
};

// True for the alias names the registry accepts: [a-z][a-z0-9-]{0,31}.
bool ValidAliasName(const std::string& alias);

}  // namespace vigil::ai
