#include "server/mllp/hl7_ingest.h"

#include <cstdio>

#include "base/http_error.h"
#include "base/str.h"
#include "base/time.h"
#include "fhir/transaction_response.h"
#include "ingest/hl7v2/parser.h"
#include "server/mllp/dedupe.h"
#include "server/mllp/fallback_ack.h"

namespace vigil::mllp {
namespace {

std::string_view CodeText(hl7v2::AckCode code) {
  switch (code) {
    case hl7v2::AckCode::kAccept: return "AA";
    case hl7v2::AckCode::kError: return "AE";
    case hl7v2::AckCode::kReject: return "AR";
  }
  return "AE";
}

std::string FirstError(const std::vector<hl7v2::Issue>& issues) {
  for (const hl7v2::Issue& issue : issues) {
    if (issue.is_error()) return issue.ToString();
  }
  return "";
}

std::vector<hl7v2::Issue> Warnings(const std::vector<hl7v2::Issue>& issues) {
  std::vector<hl7v2::Issue> out;
  for (const hl7v2::Issue& issue : issues) {
    if (!issue.is_error()) out.push_back(issue);
  }
  return out;
}

hl7v2::Issue InternalIssue(std::string message) {
  hl7v2::Issue issue;
  issue.code = hl7v2::ErrorCode::kInternalError;
  issue.message = std::move(message);
  return issue;
}

}  // namespace

Hl7Ingest::Hl7Ingest(const server::FhirApi& api, store::Reader& store, IngestOptions options)
    : api_(api), store_(store), options_(std::move(options)) {}

int64_t Hl7Ingest::Now() const { return options_.now_ms ? options_.now_ms() : NowMs(); }

std::string Hl7Ingest::Ack(const hl7v2::Message& message, hl7v2::AckCode code,
                           const std::vector<hl7v2::Issue>& issues) const {
  hl7v2::AckOptions options;
  int64_t now = Now();
  options.control_id = NextAckControlId(now);
  options.timestamp = Hl7Timestamp(now);
  return hl7v2::BuildAck(message, code, issues, options);
}

IngestResult Hl7Ingest::Process(std::string_view text, std::string_view peer) const {
  absl::StatusOr<hl7v2::Message> message = hl7v2::ParseMessage(text);
  IngestResult result;
  std::string type;
  if (!message.ok()) {
    result.code = hl7v2::AckCode::kReject;
    result.reason = StrCat("not a parseable HL7 v2 message: ", Message(message.status()));
    result.control_id = BestEffortControlId(text);
    result.ack = FallbackAck(text, result.code, hl7v2::ErrorCode::kSegmentSequence, result.reason,
                             Now());
  } else {
    result = ProcessParsed(text, *message);
    type = StrCat(message->MessageCode(), "^", message->TriggerEvent());
    const hl7v2::Segment* msh = message->Find("MSH");
    result.sender = StrCat(message->Field(*msh, 3).raw(), "^", message->Field(*msh, 4).raw());
  }
  result.message_type = type;
  KeepIfRejected(text, peer, type, result);
  return result;
}

IngestResult Hl7Ingest::ProcessParsed(std::string_view text, const hl7v2::Message& message) const {
  IngestResult result;
  result.control_id = message.ControlId();
  const hl7v2::Segment* msh = message.Find("MSH");
  std::string key = DedupeKey(message.Field(*msh, 3).raw(), message.Field(*msh, 4).raw(),
                              result.control_id);
  std::string hash = ContentHash(text);
  if (!key.empty()) {
    absl::StatusOr<std::optional<std::string>> record = store_.GetMeta(key);
    Seen seen = record.ok() ? Decide(*record, hash) : Seen::kNew;  // the txn checks again
    if (seen == Seen::kDuplicate) {
      result.duplicate = true;
      result.ack = Ack(message, hl7v2::AckCode::kAccept, {});
      return result;
    }
    if (seen == Seen::kReused) {
      std::fprintf(stderr,
                   "%s: control id '%s' reused by a different message (MSH-3/4 %s|%s); "
                   "processing it as a new message\n",
                   options_.log_prefix.c_str(), result.control_id.c_str(),
                   std::string(message.Field(*msh, 3).raw()).c_str(),
                   std::string(message.Field(*msh, 4).raw()).c_str());
    }
    result.reused = seen == Seen::kReused;
  }
  hl7v2::MapOptions map = options_.map;
  map.received_at = FormatInstant(Now());
  hl7v2::MapResult mapped = hl7v2::MapToFhir(message, map);
  if (!mapped.ok()) {
    result.code = hl7v2::AckCodeFor(mapped.issues);
    result.reason = FirstError(mapped.issues);
    result.ack = Ack(message, result.code, mapped.issues);
    return result;
  }
  bool reused = result.reused;
  result = Apply(message, std::move(mapped.bundle), Warnings(mapped.issues), key, hash);
  result.reused = reused;
  return result;
}

IngestResult Hl7Ingest::Apply(const hl7v2::Message& message, fhir::Json bundle,
                              const std::vector<hl7v2::Issue>& warnings, const std::string& key,
                              const std::string& hash) const {
  IngestResult result;
  result.control_id = message.ControlId();
  bool raced_duplicate = false;
  auto record = [&](store::WriteTxn& txn) -> absl::Status {
    if (key.empty()) return absl::OkStatus();
    absl::StatusOr<std::optional<std::string>> stored = txn.GetMeta(key);
    if (!stored.ok()) return stored.status();
    if (Decide(*stored, hash) == Seen::kDuplicate) {
      // The same message committed on another connection since our check.
      raced_duplicate = true;
      return absl::AbortedError("duplicate message");
    }
    return txn.PutMeta(key, DedupeRecord(hash, Now()));
  };
  absl::StatusOr<std::string> applied = api_.ApplyTransaction(std::move(bundle), options_.token, record);
  if (raced_duplicate) {
    result.duplicate = true;
    result.ack = Ack(message, hl7v2::AckCode::kAccept, {});
    return result;
  }
  if (!applied.ok()) {
    result.code = hl7v2::AckCode::kError;
    result.reason = StrCat("the FHIR transaction failed: ", Message(applied.status()));
    result.server_failed = HttpStatusOf(applied.status()) >= 500;
    std::vector<hl7v2::Issue> issues = warnings;
    issues.insert(issues.begin(), InternalIssue(result.reason));
    result.ack = Ack(message, result.code, issues);
    return result;
  }
  result.ack = Ack(message, hl7v2::AckCode::kAccept, warnings);  // committed: AA
  result.written = fhir::Locations(fhir::ParseEntryResponses(*applied));
  return result;
}

void Hl7Ingest::KeepIfRejected(std::string_view text, std::string_view peer, std::string_view type,
                               IngestResult& result) const {
  if (result.code == hl7v2::AckCode::kAccept) return;
  std::string kept = "no dead-letter store";
  if (options_.dead_letters != nullptr) {
    DeadLetter letter;
    letter.reason = result.reason;
    letter.ack_code = std::string(CodeText(result.code));
    letter.received_at = FormatInstant(Now());
    letter.peer = std::string(peer);
    letter.control_id = result.control_id;
    letter.message_type = std::string(type);
    absl::StatusOr<std::string> id = options_.dead_letters->Add(text, std::move(letter));
    if (id.ok()) {
      result.dead_letter_id = *id;
      kept = StrCat("kept as dead letter ", *id);
    } else {
      kept = StrCat("NOT kept as a dead letter: ", Message(id.status()));
    }
  }
  std::fprintf(stderr, "%s: message '%s' (%s) from %s answered %s; %s\n",
               options_.log_prefix.c_str(), result.control_id.c_str(),
               type.empty() ? "unparseable" : std::string(type).c_str(),
               std::string(peer).c_str(), std::string(CodeText(result.code)).c_str(),
               kept.c_str());
}

}  // namespace vigil::mllp
