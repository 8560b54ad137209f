// The resource store: versioned FHIR resources, their search index, and a small
// key/value area for server bookkeeping (import checkpoints, export jobs).
//
// Implementations: store/memory (unit tests), store/sqlite (the embedded
// default). The same conformance suite (store/store_conformance_test.cc) runs
// against each one; a PostgreSQL store must pass it too.
//
// Model:
//   - A resource is (type, id). Every write creates a new version; versions are
//     numbered 1, 2, 3... per resource and never change. A delete is a version
//     too (a tombstone: deleted = true, json empty, no index rows).
//   - The caller (the REST layer) chooses version numbers and lastUpdated and
//     puts them in the JSON it writes (meta.versionId / meta.lastUpdated); the
//     store checks the numbering (version == current + 1) so that two writers
//     cannot both create version n.
//   - Only the current, non-deleted version of each resource is searchable.
//   - Every write goes through a WriteTxn: all-or-nothing, durable once
//     Commit() returns OK (SQLite: the WAL is fsynced before Commit returns by
//     default; see sqlite_store.h for the weaker, opt-in kNormal).
//   - Every committed resource version produces a ChangeEvent, handed to the
//     store's change listener in commit order (store/change.h).
//
// Thread-safety: a Store is safe to use from many threads. Readers never block
// on each other. A WriteTxn belongs to one thread; at most one is open at a time
// per store (BeginWrite waits for the previous one to finish). Every WriteTxn
// must be destroyed before its Store.
//
// Errors: NotFound is never used for "no such resource" (that is an empty
// optional); Status errors mean the store itself failed (I/O, corruption) or,
// for Put, FailedPrecondition when the version numbering is wrong.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/change.h"
#include "store/index.h"
#include "store/query.h"

namespace vigil::store {

// One version of one resource, as stored.
struct StoredResource {
  std::string type;
  std::string id;
  int64_t version = 0;
  int64_t last_updated = 0;  // ms since the Unix epoch
  bool deleted = false;
  std::string json;  // the resource as written; empty for tombstones
};

struct ResourceWrite {
  std::string type;
  std::string id;
  int64_t version = 1;  // REQUIRES: current version + 1 (1 for a new resource)
  int64_t last_updated = 0;
  bool deleted = false;
  std::string json;     // empty when deleted
  IndexEntries index;   // empty when deleted
};

struct SearchPage {
  std::vector<StoredResource> resources;  // current versions, in sort order
  // Number of matches ignoring offset/count; set unless the query's total is kNone
  // (kEstimate may give the accurate figure).
  std::optional<int64_t> total;
};

// History, newest first. Empty type = every type (system history); empty id =
// every resource of the type.
struct HistoryQuery {
  std::string type;
  std::string id;
  std::optional<int64_t> since;  // only versions with last_updated >= since
  size_t offset = 0;
  size_t count = 50;
};

// Bulk reads (Bulk Data $export): the current, non-deleted resources of one
// type in id order (bytewise), resumed after the last id of the previous page
// so that reading a million resources never re-reads skipped ones.
struct ScanQuery {
  std::string type;              // required
  std::string after_id;          // only ids > after_id; "" = from the first
  std::optional<int64_t> since;  // only resources with last_updated >= since
  size_t count = 1000;
};

struct HistoryPage {
  std::vector<StoredResource> versions;  // tombstones included
  int64_t total = 0;
};

// (type, id) of a resource.
struct ResourceKey {
  std::string type;
  std::string id;
  friend bool operator==(const ResourceKey&, const ResourceKey&) = default;
};

// Reads shared by Store and WriteTxn. Inside a WriteTxn they see the
// transaction's own uncommitted writes.
class Reader {
 public:
  virtual ~Reader() = default;

  // The current version (possibly a tombstone), or nullopt if never written.
  virtual absl::StatusOr<std::optional<StoredResource>> Read(std::string_view type,
                                                             std::string_view id) = 0;
  // One version, or nullopt if it does not exist.
  virtual absl::StatusOr<std::optional<StoredResource>> ReadVersion(std::string_view type,
                                                                    std::string_view id,
                                                                    int64_t version) = 0;
  virtual absl::StatusOr<SearchPage> Search(const Query& query) = 0;
  // Targets of the reference rows of `param` in the current versions of
  // `sources` (all reference params when param is empty), without duplicates.
  // For _include.
  virtual absl::StatusOr<std::vector<ResourceKey>> References(
      const std::vector<ResourceKey>& sources, std::string_view param) = 0;
  // Bookkeeping values written with WriteTxn::PutMeta; nullopt if absent.
  virtual absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view key) = 0;
};

// An open write transaction. Destroying it without a successful Commit() rolls
// everything back.
class WriteTxn : public Reader {
 public:
  // FailedPrecondition if w.version is not the current version + 1.
  virtual absl::Status Put(ResourceWrite w) = 0;
  virtual absl::Status PutMeta(std::string_view key, std::string_view value) = 0;
  // Makes every Put durable and visible at once. After Commit (OK or not) the
  // transaction is finished.
  virtual absl::Status Commit() = 0;
};

class Store : public Reader {
 public:
  virtual absl::StatusOr<std::unique_ptr<WriteTxn>> BeginWrite() = 0;
  // A Reader for several reads in a row, e.g. the searches that resolve a
  // transaction Bundle's conditional entries. The SQLite store answers them
  // all from one connection in one read transaction: one snapshot, whose
  // pages stay cached from one read to the next. Others (the default, the
  // in-memory store) read each from the store as it is then. Keep it
  // short-lived: an open SQLite snapshot holds back the WAL checkpoint.
  // REQUIRES: the Store outlives it.
  virtual absl::StatusOr<std::unique_ptr<Reader>> BeginRead();
  virtual absl::StatusOr<HistoryPage> History(const HistoryQuery& query) = 0;
  // At most query.count resources; fewer only at the end of the type.
  virtual absl::StatusOr<std::vector<StoredResource>> Scan(const ScanQuery& query) = 0;
  // Replaces the change listener (store/change.h); an empty one detaches it.
  // Waits for the open WriteTxn, if any, to finish, so once this returns the
  // previous listener is never called again.
  // REQUIRES: the calling thread holds no WriteTxn of this store.
  virtual void SetChangeListener(ChangeListener listener) = 0;
  // Hands the change listener the versions that other writers of the same
  // data committed since this Store last looked (another process: `vigil
  // import` into the data folder of a running `vigil serve`), in their commit
  // order, numbered on from this store's own events; returns how many. Own
  // write transactions pick such versions up first too, so the listener sees
  // one commit order. A foreign delete's patient_id is "" (its index rows are
  // gone). Nothing when no listener is attached; a store no other process
  // can write (the in-memory one) always returns 0.
  // REQUIRES: the calling thread holds no WriteTxn of this store.
  virtual absl::StatusOr<size_t> AnnounceExternalWrites() { return size_t{0}; }
};

// Reads each call from a Store as it is then: Store::BeginRead's default.
class StoreReader : public Reader {
 public:
  explicit StoreReader(Store& store) : store_(store) {}
  absl::StatusOr<std::optional<StoredResource>> Read(std::string_view type,
                                                     std::string_view id) override {
    return store_.Read(type, id);
  }
  absl::StatusOr<std::optional<StoredResource>> ReadVersion(std::string_view type,
                                                            std::string_view id,
                                                            int64_t version) override {
    return store_.ReadVersion(type, id, version);
  }
  absl::StatusOr<SearchPage> Search(const Query& query) override { return store_.Search(query); }
  absl::StatusOr<std::vector<ResourceKey>> References(const std::vector<ResourceKey>& sources,
                                                      std::string_view param) override {
    return store_.References(sources, param);
  }
  absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override {
    return store_.GetMeta(key);
  }

 private:
  Store& store_;
};

inline absl::StatusOr<std::unique_ptr<Reader>> Store::BeginRead() {
  return std::make_unique<StoreReader>(*this);
}

}  // namespace vigil::store
