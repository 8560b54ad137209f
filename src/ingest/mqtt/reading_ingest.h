// One MQTT message in, one outcome out: parse the reading -> find its patient
// (and in-progress Encounter) in the store -> build the transaction Bundle ->
// apply it (all or nothing, durable when apply returns). The Bundle's creates
// are conditional on the reading's identifier, so a redelivered message writes
// nothing (kDuplicate); one with the same device, code and instant but another
// value or patient is a conflict (kRejected). A message that cannot
// be stored is handed to `keep` (the dead-letter store) with the reason and
// logged by topic and dead-letter id only (never the reason: it may name the
// patient).
//
// The store write itself is a callback so that this layer does not depend on
// the REST layer: `vigil serve` passes FhirApi::ApplyTransaction (the code path
// of POST /fhir), the same one the MLLP listener uses.
//
// Thread-safety: Process may be called from many threads at once when apply
// and keep may.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::mqtt {

struct ReceivedMessage {
  std::string_view topic;
  std::string_view topic_device;  // from the subscription filter's '+'; "" if none
  std::string_view payload;
};

struct ReadingIngestOptions {
  // Applies a transaction Bundle; the transaction-response Bundle once committed.
  std::function<absl::StatusOr<std::string>(fhir::Json)> apply;
  // Keeps a message that was not stored, with the reason; the dead letter's
  // id. Empty: not kept (a replay of a dead letter).
  std::function<absl::StatusOr<std::string>(const ReceivedMessage&, std::string_view reason)> keep;
  std::string log_prefix = "vigil serve: mqtt";
};

enum class Outcome { kStored, kDuplicate, kRejected };

struct IngestResult {
  Outcome outcome = Outcome::kStored;
  std::string reason;          // why not stored; "" otherwise
  std::string dead_letter_id;  // set when kept
  // The versions the transaction answered with when stored
  // ("Observation/o1/_history/1"), for the audit trail.
  std::vector<std::string> written;
};

// "stored", "duplicate", "rejected" (log lines, /metrics labels).
std::string_view OutcomeName(Outcome outcome);

class ReadingIngest {
 public:
  // reader (the store apply writes to) and registry must outlive this object.
  ReadingIngest(store::Reader& reader, const search::Registry& registry, ReadingIngestOptions options);

  IngestResult Process(const ReceivedMessage& message) const;

 private:
  IngestResult Store(const ReceivedMessage& message) const;
  void KeepIfRejected(const ReceivedMessage& message, IngestResult& result) const;

  store::Reader& reader_;
  const search::Registry& registry_;
  ReadingIngestOptions options_;
};

}  // namespace vigil::mqtt
