// One HL7 v2 message in, one ACK out: parse -> map to a transaction Bundle ->
// apply it through FhirApi::ApplyTransaction (the code path of POST /fhir, all
// or nothing) -> ACK. This is where ACK-after-commit is decided:
//
//   AA  only after the store transaction holding the message's resources AND
//       its dedupe record (dedupe.h) committed; or for an exact resend of a
//       message already committed (nothing is applied again).
//   AR  the message cannot be parsed, or its type/event is not supported.
//   AE  mapping errors (a bad field), the transaction was refused (e.g. a
//       conditional identity matching two resources), or the store failed.
// Every AE/AR message is kept in the dead-letter store (when one is given)
// with the reason, and logged to stderr by control id, type and peer (never
// patient data). Warnings do not change AA; they travel as ERR segments.
//
// Thread-safety: Process may be called from many threads at once (writers are
// serialized by the store).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/token_verifier.h"
#include "ingest/hl7v2/ack.h"
#include "ingest/hl7v2/to_fhir.h"
#include "server/mllp/dead_letter.h"
#include "server/rest/fhir_api.h"
#include "store/store.h"

namespace vigil::mllp {

struct IngestOptions {
  hl7v2::MapOptions map;  // received_at is set per message from now_ms
  std::function<int64_t()> now_ms;  // the clock; NowMs when empty
  // The listener's authority for FhirApi's per-entry authorization when
  // authentication is on (`vigil serve` passes a system/*.cruds token); null
  // without authentication.
  std::shared_ptr<const auth::AccessToken> token;
  // Where AE/AR messages are kept; null: not kept (replay of a dead letter).
  DeadLetterStore* dead_letters = nullptr;
  std::string log_prefix = "vigil serve: MLLP";
};

struct IngestResult {
  hl7v2::AckCode code = hl7v2::AckCode::kAccept;
  std::string ack;         // the ACK message, without MLLP framing
  std::string reason;      // why not AA; "" for AA
  std::string control_id;  // MSH-10 ("" when unparseable)
  bool duplicate = false;  // AA for a resend; nothing was applied
  bool reused = false;     // control id seen before with different content
  bool server_failed = false;  // AE because the store failed, not the message
  std::string dead_letter_id;  // set when kept as a dead letter
  // For the audit trail: "ORU^R01" ("" when unparseable), MSH-3^MSH-4, and the
  // versions the transaction answered with ("Patient/p1/_history/2"; for a
  // conditional create that matched, the existing version).
  std::string message_type;
  std::string sender;
  std::vector<std::string> written;
};

class Hl7Ingest {
 public:
  // api and store must outlive this object; store is the one api writes to.
  Hl7Ingest(const server::FhirApi& api, store::Reader& store, IngestOptions options);

  // peer: "127.0.0.1:50312" (for the log and the dead letter).
  IngestResult Process(std::string_view text, std::string_view peer) const;

 private:
  IngestResult ProcessParsed(std::string_view text, const hl7v2::Message& message) const;
  // Applies bundle with the dedupe record (key may be ""); the ACK result.
  IngestResult Apply(const hl7v2::Message& message, fhir::Json bundle,
                     const std::vector<hl7v2::Issue>& warnings, const std::string& key,
                     const std::string& hash) const;
  std::string Ack(const hl7v2::Message& message, hl7v2::AckCode code,
                  const std::vector<hl7v2::Issue>& issues) const;
  void KeepIfRejected(std::string_view text, std::string_view peer, std::string_view type,
                      IngestResult& result) const;
  int64_t Now() const;

  const server::FhirApi& api_;
  store::Reader& store_;
  IngestOptions options_;
};

}  // namespace vigil::mllp
