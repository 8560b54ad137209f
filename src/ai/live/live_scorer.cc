#include "ai/live/live_scorer.h"

#include <map>

#include "ai/features.h"
#include "ai/live/alert_flag.h"
#include "ai/live/risk_assessment.h"
#include "ai/model/predict.h"
#include "ai/scores/early_warning.h"
#include "ai/timeline.h"
#include "base/calendar.h"
#include "base/status.h"
#include "base/str.h"
#include "search/parse.h"

namespace vigil::ai {
namespace {

using fhir::Json;

constexpr size_t kPage = 1000;

// The Observations a score used: the latest of each signal at the time scored.
struct Basis {
  std::map<Signal, std::pair<int64_t, std::string>> latest;  // signal -> (time, Observation id)
  Json ToJson() const {
    Json arr = Json::Array();
    for (const auto& [signal, entry] : latest) arr.Push(Reference("Observation", entry.second));
    return arr;
  }
};

}  // namespace

struct LiveScorer::Loaded {
  Stay stay;
  Basis basis;
};

LiveScorer::LiveScorer(store::Store& store, const persist::ResourceWrites& writes,
                       const search::Registry& registry, const LoadedModel* model)
    : store_(store), writes_(writes), registry_(registry), model_(model) {}

absl::StatusOr<std::optional<LiveScorer::Loaded>> LiveScorer::LoadStay(const Json& observation,
                                                                      int64_t at_ms) {
  const std::string encounter_id(ReferenceTargetId(observation.Find("encounter"), "Encounter"));
  if (encounter_id.empty()) return std::nullopt;
  VIGIL_ASSIGN_OR_RETURN(auto encounter, store_.Read("Encounter", encounter_id));
  if (!encounter || encounter->deleted) return std::nullopt;
  VIGIL_ASSIGN_OR_RETURN(Json enc, fhir::ParseJson(encounter->json));
  const Json* status = enc.Find("status");
  if (status == nullptr || status->text() != "in-progress") return std::nullopt;
  const std::string patient_id(ReferenceTargetId(enc.Find("subject"), "Patient"));
  TimelineBuilder builder;
  builder.Add(enc);
  if (!patient_id.empty()) {
    VIGIL_ASSIGN_OR_RETURN(auto patient, store_.Read("Patient", patient_id));
    if (patient && !patient->deleted) {
      VIGIL_ASSIGN_OR_RETURN(Json p, fhir::ParseJson(patient->json));
      builder.Add(p);
    }
  }
  Basis basis;
  search::SearchOptions options;
  options.max_count = kPage;
  for (size_t offset = 0;; offset += kPage) {
    VIGIL_ASSIGN_OR_RETURN(
        search::ParsedSearch parsed,
        search::ParseSearch(registry_, "Observation",
                            {{"encounter", StrCat("Encounter/", encounter_id)}, {"_count", std::to_string(kPage)}},
                            options));
    parsed.query.offset = offset;
    parsed.query.total = store::TotalMode::kNone;
    VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, store_.Search(parsed.query));
    for (const store::StoredResource& r : page.resources) {
      VIGIL_ASSIGN_OR_RETURN(Json obs, fhir::ParseJson(r.json));
      std::optional<Signal> signal = ObservationSignal(obs);
      std::optional<int64_t> t = ObservationTimeMs(obs);
      if (signal && t && *t <= at_ms) {
        auto& slot = basis.latest[*signal];
        if (*t >= slot.first) slot = {*t, r.id};
      }
      builder.Add(obs);
    }
    if (page.resources.size() < kPage) break;
  }
  std::vector<Stay> stays = builder.Finish();
  if (stays.size() != 1) return std::nullopt;
  return Loaded{std::move(stays[0]), std::move(basis)};
}

absl::Status LiveScorer::OnChange(const store::ChangeEvent& event) {
  if (event.type != "Observation" || event.deleted) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(auto stored, store_.Read("Observation", event.id));
  if (!stored || stored->deleted) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(Json observation, fhir::ParseJson(stored->json));
  std::optional<int64_t> at = ObservationTimeMs(observation);
  if (!ObservationSignal(observation) || !at) {
    return absl::OkStatus();
  }
  VIGIL_ASSIGN_OR_RETURN(std::optional<Loaded> loaded, LoadStay(observation, *at));
  if (!loaded) {
    return absl::OkStatus();
  }
  const AssessmentContext context{loaded->stay, *at, loaded->basis.ToJson()};
  const int64_t lookback = model_ != nullptr ? model_->features.lookback_ms() : 24 * kMsPerHour;
  std::vector<Json> out;
  out.push_back(News2Assessment(context, News2(LatestVitals(context.stay, *at, lookback))));
  std::optional<double> probability;
  if (model_ != nullptr) {
    VIGIL_ASSIGN_OR_RETURN(ExplainedPrediction p, Predict(*model_, context.stay, *at));
    out.push_back(ModelAssessment(context, *model_, p));
    probability = p.probability;
  }
  VIGIL_RETURN_IF_ERROR(Write(context, std::move(out), probability));
  return absl::OkStatus();
}

absl::Status LiveScorer::Write(const AssessmentContext& context, std::vector<Json> assessments,
                              std::optional<double> probability) {
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, store_.BeginWrite());
  std::string last_id;
  for (Json& ra : assessments) {
    VIGIL_ASSIGN_OR_RETURN(persist::WriteResult written, writes_.Create(*txn, std::move(ra)));
    last_id = written.stored.id;  // the model's assessment is the last
  }
  if (probability) {
    AlertInput alert{context.stay.patient_id, context.stay.encounter_id, context.at_ms, *probability,
                     model_->threshold, last_id};
    VIGIL_RETURN_IF_ERROR(UpdateAlertFlag(*txn, writes_, registry_, alert));
  }
  VIGIL_RETURN_IF_ERROR(txn->Commit());
  return absl::OkStatus();
}

}  // namespace vigil::ai
