// batch and transaction Bundles (FHIR R4 http page, 3.1.0.11).
//
// transaction: every entry runs in one store transaction, all or nothing, in
// the spec's order (DELETE, POST, PUT/PATCH, GET/HEAD). Before anything runs,
// ids are assigned to created resources and conditional creates/updates are
// resolved, so that every reference to an entry's fullUrl (urn:uuid:...) and
// every conditional reference ("Patient?identifier=x|1") in the Bundle's
// resources is rewritten to the final "Type/id". The first failing entry fails
// the whole Bundle with its status and an OperationOutcome naming the entry.
//
// batch: each entry runs on its own (own transaction); failures are reported in
// that entry's response and do not affect the others.
//
// Authorization (with --auth): every entry is authorized and confined as its
// own interaction with the Bundle's token (access_filter.h): reads and
// searches see only what the token may see (404 otherwise), writes must stay
// inside it before and after (403), and the searches of ifNoneExist,
// conditional updates and conditional references match only visible
// resources. A refused entry fails alone in a batch, and the whole
// transaction otherwise.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "persist/resource_writes.h"
#include "server/rest/fhir_api.h"

namespace vigil::server {

class BundleProcessor {
 public:
  BundleProcessor(const FhirApi& api, const FhirRequest& outer) : api_(api), outer_(outer) {}

  // The batch-response / transaction-response Bundle as JSON text.
  absl::StatusOr<std::string> Run(fhir::Json bundle);

  // Runs inside a transaction Bundle's store transaction after every entry and
  // right before Commit (ignored for batches): bookkeeping that must commit
  // with the resources or not at all (the MLLP listener's processed control
  // ids). An error rolls the whole transaction back and is returned by Run.
  using BeforeCommit = std::function<absl::Status(store::WriteTxn&)>;
  void set_before_commit(BeforeCommit hook) { before_commit_ = std::move(hook); }

 private:
  struct Entry {
    size_t index = 0;
    std::string full_url;
    FhirRequest request;
    std::optional<fhir::Json> resource;
    std::string assigned_id;  // POST entries: the id chosen up front
    // The id a created resource gets, chosen by the first resolution that
    // needed one and kept by later ones (so that prepared rows still match).
    std::string new_id;
    bool create_matched = false;  // conditional create that found its resource
    // Rows indexed before the store transaction (PrepareIndexes).
    std::optional<persist::PreparedIndex> prepared;
    std::optional<InteractionResult> result;
  };

  absl::StatusOr<std::vector<Entry>> ParseEntries(fhir::Json& bundle) const;
  absl::StatusOr<std::string> RunTransaction(std::vector<Entry> entries);
  std::string RunBatch(std::vector<Entry> entries);
  // Assigns ids and resolves conditional creates/updates; fills ids_. A guess
  // (PrepareIndexes) gives conditional updates of types that rarely match
  // their new id without searching (ConditionalMatchRates); the transaction
  // searches for every one and records whether it matched.
  enum class Resolution { kGuess, kTransaction };
  absl::Status ResolveIdentities(store::Reader& reader, std::vector<Entry>& entries,
                                 Resolution resolution);
  absl::Status RewriteReferences(store::Reader& reader, fhir::Json& value);
  // Before the store transaction: resolves a copy of the entries against the
  // committed store and indexes what they would write, so that the writer
  // (one at a time) only writes where the transaction resolves them the same
  // way. Best effort: errors are left for the transaction to report.
  void PrepareIndexes(std::vector<Entry>& entries);
  // e's new id, chosen on first use.
  const std::string& NewIdFor(Entry& e) const;
  absl::StatusOr<InteractionResult> RunEntry(store::WriteTxn* txn, Entry& entry);
  fhir::Json ResponseEntry(const Entry& entry, const absl::StatusOr<InteractionResult>& result) const;

  const FhirApi& api_;
  const FhirRequest& outer_;
  std::map<std::string, std::string, std::less<>> ids_;  // fullUrl -> "Type/id"
  BeforeCommit before_commit_;
};

}  // namespace vigil::server
