// Creating, updating and deleting one resource inside a store transaction.
//
// Every path that writes resources (REST interactions, transaction Bundles,
// bulk import) goes through ResourceWrites, so that all of them check the
// resource against the model, set id, meta.versionId and meta.lastUpdated,
// number versions and index the resource the same way. Errors are HttpError
// statuses (base/http_error.h) so each edge can report them in its own form.
//
// Thread-safety: a ResourceWrites is immutable after construction; use it from
// any thread, each call with its own transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::persist {

struct WriteResult {
  store::StoredResource stored;  // what was written (json empty for a delete)
  bool created = false;          // a new resource (201), not a new version (200)
};

// A resource made ready for writing outside any transaction: checked, id and
// meta set (assuming version 1), indexed and serialized. Bulk import prepares
// on several threads and leaves the single writer only CommitPrepared.
struct PreparedWrite {
  std::string type;
  std::string id;
  store::IndexEntries index;
  std::string json;  // serialized with meta.versionId "1"
  int64_t last_updated = 0;
};

// Index rows computed before the store transaction (so outside the writer
// lock) for a resource whose final content was predicted: a transaction Bundle
// resolves its ids and references against the committed store first, indexes
// its resources, then resolves again inside the transaction. A write of
// exactly `resource` uses (and consumes) `index`, with its _lastUpdated rows
// set to the write's time; any other content is indexed afresh.
struct PreparedIndex {
  fhir::Json resource;  // with its id; meta as given, before versionId/lastUpdated
  store::IndexEntries index;
};

struct WriteOptions {
  // Validate every resource against the R4 StructureDefinitions before writing
  // (fhir::ValidateResource; 422 with all issues attached otherwise). Off only for
  // trusted bulk loads (`--no-validate`): then only resourceType is checked.
  bool validate = true;
  std::function<int64_t()> now_ms;       // the clock for meta.lastUpdated
  std::function<std::string()> new_id;   // ids for create (default: TimeOrderedUuid)
};

class ResourceWrites {
 public:
  ResourceWrites(const search::Registry& registry, WriteOptions options);

  // Parses and checks a request body: JSON, a known resourceType, validation.
  // Errors: 400 malformed JSON / unknown type, or a resourceType other than
  // url_type when that is given (the URL's type: wrong type wins over invalid
  // content); 422 (issue code "processing") when validation finds errors, with
  // every issue attached (IssuesOf in base/http_error.h), the first three in the
  // message.
  absl::StatusOr<fhir::Json> ParseBody(std::string_view body,
                                       std::string_view url_type = "") const;
  // The check of ParseBody for an already-parsed resource (Bundle entries).
  absl::Status Check(const fhir::Json& resource) const;

  // Creates resource with a new id (or `id` when given: transaction entries whose
  // id was assigned while resolving urn:uuid references).
  absl::StatusOr<WriteResult> Create(store::WriteTxn& txn, fhir::Json resource, std::string id = "",
                                     PreparedIndex* prepared = nullptr) const;
  // Updates (or creates: update-as-create) type/id. resource.id must equal id (400).
  // if_match: 412 unless it equals the current version.
  absl::StatusOr<WriteResult> Update(store::WriteTxn& txn, std::string_view type,
                                     std::string_view id, fhir::Json resource,
                                     std::optional<int64_t> if_match,
                                     PreparedIndex* prepared = nullptr) const;
  // The rows Create/Update would index for resource written as `id`; thread-safe,
  // no transaction needed.
  absl::StatusOr<PreparedIndex> PrepareIndex(fhir::Json resource, const std::string& id) const;
  // Deletes type/id; nullopt when there was nothing to delete (never written, or
  // already deleted), which the spec treats as success.
  absl::StatusOr<std::optional<WriteResult>> Delete(store::WriteTxn& txn, std::string_view type,
                                                    std::string_view id,
                                                    std::optional<int64_t> if_match) const;

  // Prepare + CommitPrepared is Update (resource with an id) or Create (without),
  // split so that the expensive part runs outside the transaction. Prepare is
  // thread-safe. Errors: those of ParseBody's check, 400 for an invalid id.
  absl::StatusOr<PreparedWrite> Prepare(fhir::Json resource) const;
  // Writes a prepared resource as the next version of type/id (re-serializing
  // only when that is not version 1).
  absl::StatusOr<WriteResult> CommitPrepared(store::WriteTxn& txn, PreparedWrite prepared) const;

  std::string NewId() const { return options_.new_id(); }
  int64_t Now() const { return options_.now_ms(); }

 private:
  absl::StatusOr<WriteResult> Write(store::WriteTxn& txn, fhir::Json resource, std::string id,
                                    int64_t version, PreparedIndex* prepared) const;
  // resource's rows (id and meta set): `prepared`'s, with _lastUpdated redone,
  // when given (it was computed for this content); indexed afresh otherwise.
  absl::StatusOr<store::IndexEntries> Index(const fhir::Json& resource,
                                            PreparedIndex* prepared) const;

  const search::Registry& registry_;
  WriteOptions options_;
};

// Whether id is a valid FHIR logical id: [A-Za-z0-9\-\.]{1,64}.
bool IsValidId(std::string_view id);
// A random UUID (version 4) in lower-case hex.
std::string RandomUuid();
// A time-ordered UUID (version 7, RFC 9562) in lower-case hex: the first 48
// bits are `unix_ms`, the rest random, so ids created later sort after earlier
// ones (to the millisecond). The default id generator: each b-tree keyed by id
// or by a reference to a new resource then grows at its end instead of
// dirtying a random page per insert (+25% HL7 v2 messages/s in bench/hl7v2).
std::string TimeOrderedUuid(int64_t unix_ms);

}  // namespace vigil::persist
