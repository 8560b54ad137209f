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

bool IsOurActiveFlag(const Json& flag) {
  const Json* status = flag.Find("status");
  if (status == nullptr || status->text() != "active") return false;
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

absl::StatusOr<std::optional<Json>> ActiveFlag(store::WriteTxn& txn, const search::Registry& registry,
                                               const std::string& encounter_id) {
  VIGIL_ASSIGN_OR_RETURN(search::ParsedSearch parsed,
                         search::ParseSearch(registry, "Flag",
                                             {{"encounter", StrCat("Encounter/", encounter_id)}, {"_count", "100"}},
                                             search::SearchOptions{}));
  parsed.query.total = store::TotalMode::kNone;
  VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, txn.Search(parsed.query));
  for (const store::StoredResource& r : page.resources) {
    VIGIL_ASSIGN_OR_RETURN(Json flag, fhir::ParseJson(r.json));
    if (IsOurActiveFlag(flag)) return flag;
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

absl::Status UpdateAlertFlag(store::WriteTxn& txn, const persist::ResourceWrites& writes,
                             const search::Registry& registry, const AlertInput& input) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Json> active, ActiveFlag(txn, registry, input.encounter_id));
  if (!active && input.probability >= input.threshold) {
    return writes.Create(txn, NewFlag(input)).status();
  }
  if (active && input.probability < kClearRatio * input.threshold) {
    Json flag = std::move(*active);
    const std::string id = flag.Find("id")->text();
    flag.Set("status", Json::String("inactive"));
    Json* period = flag.Find("period");
    if (period == nullptr) period = &flag.Set("period", Json::Object());
    period->Set("end", Json::String(FormatInstant(input.at_ms)));
    return writes.Update(txn, "Flag", id, std::move(flag), std::nullopt).status();
  }
  return absl::OkStatus();
}

}  // namespace vigil::ai
