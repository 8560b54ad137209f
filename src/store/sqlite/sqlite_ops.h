// The SQLite store's operations on one connection (internal). SqliteStore runs
// the reads on a pooled reader connection, a WriteTxn runs everything on the
// writer connection inside its BEGIN IMMEDIATE transaction.
//
// Schema (user_version 4), created by InitSchema (sqlite_schema.cc):
//   resources(rid INTEGER PRIMARY KEY, type, id, version, last_updated, deleted)
//       UNIQUE(type, id): the current version of each resource; rid is fixed
//       when a resource is first written and is the searches' tie-break order.
//   versions(seq INTEGER PRIMARY KEY, rid, version, last_updated, deleted, json)
//       UNIQUE(rid, version): every version; seq grows with every write and
//       orders history. The current json is versions(rid, resources.version).
//   idx_token/idx_string/idx_date/idx_number/idx_quantity/idx_reference/idx_uri:
//       the index rows of current, non-deleted versions, keyed by rid,
//       WITHOUT ROWID with every column in the primary key (rid first), plus
//       one secondary index each for the clauses that drive a search.
//       idx_reference also keeps the target's rid (target_rid) when the
//       target existed as the row was written; those rows are indexed by it,
//       the others by (param, target_id, target_type).
//   idx_composite: one row per component value of a composite row; its
//       index idx_composite_code holds the first components only.
//   meta(key PRIMARY KEY, value).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace vigil::store::sqlite_internal {

// Creates the tables and indexes if missing, upgrades an older schema
// version (telling `notice` first when that takes long), rejects a newer one.
absl::Status InitSchema(Connection& c,
                        const std::function<void(std::string_view)>& notice = nullptr);

absl::StatusOr<std::optional<StoredResource>> ReadCurrent(Connection& c, std::string_view type,
                                                          std::string_view id);
absl::StatusOr<std::optional<StoredResource>> ReadVersion(Connection& c, std::string_view type,
                                                          std::string_view id, int64_t version);
absl::StatusOr<SearchPage> RunSearch(Connection& c, const Query& query, int64_t now_ms);
absl::StatusOr<std::vector<ResourceKey>> ReadReferences(Connection& c,
                                                        const std::vector<ResourceKey>& sources,
                                                        std::string_view param);
absl::StatusOr<std::optional<std::string>> ReadMeta(Connection& c, std::string_view key);
absl::StatusOr<HistoryPage> ReadHistory(Connection& c, const HistoryQuery& query);
absl::StatusOr<std::vector<StoredResource>> ReadScan(Connection& c, const ScanQuery& query);

// The Patient of the current version of type/id (PatientOf over its stored
// reference rows; "" when none, a tombstone's rows are gone).
absl::StatusOr<std::string> ReadCurrentPatient(Connection& c, const std::string& type,
                                               const std::string& id);
// The highest version sequence number (versions.seq: commit order over every
// writer of the file, other processes included); 0 for an empty store.
absl::StatusOr<int64_t> ReadLastSequence(Connection& c);
// Change events (sequence = versions.seq, patient from the current index
// rows; "" for a tombstone) for the versions with seq > after, in seq order,
// at most `limit`.
absl::StatusOr<std::vector<ChangeEvent>> ReadVersionsAfter(Connection& c, int64_t after,
                                                           size_t limit);

// REQUIRES: inside a write transaction. FailedPrecondition on a wrong version
// number (nothing written then); any other error may leave the transaction
// half-written, and the caller must roll it back.
absl::Status WriteResource(Connection& c, const ResourceWrite& w);
absl::Status WriteMeta(Connection& c, std::string_view key, std::string_view value);

}  // namespace vigil::store::sqlite_internal
