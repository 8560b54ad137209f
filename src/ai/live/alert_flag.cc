#include "ai/live/alert_flag.h"

#include <optional>

#include "ai/live/risk_assessment.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "search/parse.h"

namespace vigil::ai {
namespace {

using fhir::Json;

constexpr std::string_view kAlertCode = "sepsis-risk";

bool IsOurs(const Json& flag) {
  const Json* code = flag.Find("code");
  const Json* codings = code == nullptr ? nullptr : code->Find("coding");
  if (codings == nullptr) return false;
  for (const Json& c : codings->items()) {
    const Json* system = c.Find("system");
    const Json* value = c.Find("code");
    if (system != nullptr && value != nullptr && system->text() == kAlertCodeSystem && value->text() == kAlertCode) {
      return true;
    }
  }
  return false;
}

std::string_view Status(const Json& flag) {
  const Json* status = flag.Find("status");
  return status == nullptr ? std::string_view() : std::string_view(status->text());
}

bool EpisodeEnded(const Json& flag) {
  const Json* period = flag.Find("period");
  return period != nullptr && period->Find("end") != nullptr;
}

// The open episode: an active Flag, or one dismissed whose episode has not ended.
bool IsOpen(const Json& flag) {
  if (!IsOurs(flag) || EpisodeEnded(flag)) return false;
  return Status(flag) == "active" || Status(flag) == "inactive";
}

void EndEpisode(Json& flag, int64_t at_ms) {
  Json* period = flag.Find("period");
  if (period == nullptr) period = &flag.Set("period", Json::Object());
  period->Set("end", Json::String(FormatInstant(at_ms)));
}

absl::StatusOr<std::optional<Json>> OpenFlag(store::WriteTxn& txn, const search::Registry& registry,
                                             const std::string& encounter_id) {
  VIGIL_ASSIGN_OR_RETURN(search::ParsedSearch parsed,
                         search::ParseSearch(registry, "Flag",
                                             {{"encounter", StrCat("Encounter/", encounter_id)}, {"_count", "100"}},
                                             search::SearchOptions{}));
  parsed.query.total = store::TotalMode::kNone;
  VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, txn.Search(parsed.query));
  for (const store::StoredResource& r : page.resources) {
    VIGIL_ASSIGN_OR_RETURN(Json flag, fhir::ParseJson(r.json));
    if (IsOpen(flag)) return flag;
  }
  return std::nullopt;
}

Json NewFlag(const AlertInput& in) {
  Json flag = Json::Object();
  flag.Set("resourceType", Json::String("Flag"));
  Json raised = Json::Object();
  raised.Set("url", Json::String(std::string(kRaisedByExtension)));
  raised.Set("valueReference", Reference("RiskAssessment", in.assessment_id));
  Json extensions = Json::Array();
  extensions.Push(std::move(raised));
  flag.Set("extension", std::move(extensions));
  flag.Set("status", Json::String("active"));
  Json categories = Json::Array();
  categories.Push(Concept(Coding("http://terminology.hl7.org/CodeSystem/flag-category", "clinical", "")));
  flag.Set("category", std::move(categories));
  flag.Set("code", Concept(Coding(kAlertCodeSystem, kAlertCode, "Sepsis risk at or above the model's threshold"),
                           fmt::format("Sepsis risk {:.0f}% (threshold {:.0f}%)", 100 * in.probability,
                                       100 * in.threshold)));
  flag.Set("subject", Reference("Patient", in.patient_id));
  Json period = Json::Object();
  period.Set("start", Json::String(FormatInstant(in.at_ms)));
  flag.Set("period", std::move(period));
  flag.Set("encounter", Reference("Encounter", in.encounter_id));
  return flag;
}

}  // namespace

absl::StatusOr<AlertChange> UpdateAlertFlag(store::WriteTxn& txn, const persist::ResourceWrites& writes,
                                            const search::Registry& registry, const AlertInput& input) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Json> open, OpenFlag(txn, registry, input.encounter_id));
  if (!open && input.probability >= input.threshold) {
    VIGIL_RETURN_IF_ERROR(writes.Create(txn, NewFlag(input)).status());
    return AlertChange::kRaised;
  }
  if (open && input.probability < kClearRatio * input.threshold) {
    Json flag = std::move(*open);
    const std::string id = flag.Find("id")->text();
    flag.Set("status", Json::String("inactive"));
    EndEpisode(flag, input.at_ms);
    VIGIL_RETURN_IF_ERROR(writes.Update(txn, "Flag", id, std::move(flag), std::nullopt).status());
    return AlertChange::kCleared;
  }
  return AlertChange::kNone;
}

absl::StatusOr<Json> RecordAlertFeedback(store::WriteTxn& txn, const persist::ResourceWrites& writes,
                                         const std::string& flag_id, const AlertFeedback& feedback) {
  if (feedback.action != "acknowledge" && feedback.action != "dismiss") {
    return absl::InvalidArgumentError(
        StrCat("unknown action '", feedback.action, "': use acknowledge or dismiss"));
  }
  if (feedback.action == "dismiss" && feedback.reason.empty()) {
    return absl::InvalidArgumentError("dismissing an alert needs a reason");
  }
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> stored, txn.Read("Flag", flag_id));
  if (!stored || stored->deleted) return absl::NotFoundError(StrCat("no Flag/", flag_id));
  VIGIL_ASSIGN_OR_RETURN(Json flag, fhir::ParseJson(stored->json));
  if (!IsOurs(flag)) return absl::InvalidArgumentError(StrCat("Flag/", flag_id, " is not a Vigil alert"));
  if (Status(flag) != "active") {
    return absl::FailedPreconditionError(StrCat("Flag/", flag_id, " is no longer active"));
  }
  Json parts = Json::Array();
  auto part = [&](std::string_view url, std::string_view type, Json value) {
    Json e = Json::Object();
    e.Set("url", Json::String(std::string(url)));
    e.Set(std::string(type), std::move(value));
    parts.Push(std::move(e));
  };
  part("action", "valueCode", Json::String(feedback.action));
  if (!feedback.reason.empty()) part("reason", "valueString", Json::String(feedback.reason));
  if (!feedback.user.empty()) part("user", "valueString", Json::String(feedback.user));
  part("time", "valueDateTime", Json::String(FormatInstant(feedback.at_ms)));
  Json ext = Json::Object();
  ext.Set("url", Json::String(std::string(kAlertFeedbackExtension)));
  ext.Set("extension", std::move(parts));
  Json* extensions = flag.Find("extension");
  if (extensions == nullptr) extensions = &flag.Set("extension", Json::Array());
  extensions->Push(std::move(ext));
  if (feedback.action == "dismiss") flag.Set("status", Json::String("inactive"));
  VIGIL_ASSIGN_OR_RETURN(persist::WriteResult written,
                         writes.Update(txn, "Flag", flag_id, std::move(flag), std::nullopt));
  return fhir::ParseJson(written.stored.json);
}

}  // namespace vigil::ai
