#include "ai/live/live_scorer.h"

#include <chrono>

#include "ai/live/alert_flag.h"
#include "ai/live/risk_assessment.h"
#include "ai/timeline.h"
#include "base/status.h"
#include "base/str.h"
#include "search/parse.h"

namespace vigil::ai {
namespace {

using fhir::Json;

constexpr size_t kPage = 1000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> BasisRefs(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const std::string& id : ids) out.push_back(StrCat("Observation/", id));
  return out;
}

}  // namespace

void BasisTracker::Add(const Json& observation, const std::string& id) {
  std::optional<Signal> signal = ObservationSignal(observation);
  std::optional<int64_t> t = ObservationTimeMs(observation);
  if (!signal || !t || *t > at_ms_) return;
  auto& slot = latest_[*signal];
  if (*t >= slot.first) slot = {*t, id};
}

std::vector<std::string> BasisTracker::ids() const {
  std::vector<std::string> out;
  for (const auto& [signal, entry] : latest_) out.push_back(entry.second);
  return out;
}

absl::StatusOr<std::optional<LiveStay>> LoadLiveStay(store::Reader& reader, const search::Registry& registry,
                                                     const std::string& encounter_id, int64_t at_ms) {
  VIGIL_ASSIGN_OR_RETURN(auto encounter, reader.Read("Encounter", encounter_id));
  if (!encounter || encounter->deleted) return std::nullopt;
  VIGIL_ASSIGN_OR_RETURN(Json enc, fhir::ParseJson(encounter->json));
  const Json* status = enc.Find("status");
  if (status == nullptr || status->text() != "in-progress") return std::nullopt;
  const std::string patient_id(ReferenceTargetId(enc.Find("subject"), "Patient"));
  TimelineBuilder builder;
  builder.Add(enc);
  if (!patient_id.empty()) {
    VIGIL_ASSIGN_OR_RETURN(auto patient, reader.Read("Patient", patient_id));
    if (patient && !patient->deleted) {
      VIGIL_ASSIGN_OR_RETURN(Json p, fhir::ParseJson(patient->json));
      builder.Add(p);
    }
  }
  BasisTracker basis(at_ms);
  search::SearchOptions options;
  options.max_count = kPage;
  for (size_t offset = 0;; offset += kPage) {
    VIGIL_ASSIGN_OR_RETURN(
        search::ParsedSearch parsed,
        search::ParseSearch(registry, "Observation",
                            {{"encounter", StrCat("Encounter/", encounter_id)}, {"_count", std::to_string(kPage)}},
                            options));
    parsed.query.offset = offset;
    parsed.query.total = store::TotalMode::kNone;
    VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(parsed.query));
    for (const store::StoredResource& r : page.resources) {
      VIGIL_ASSIGN_OR_RETURN(Json obs, fhir::ParseJson(r.json));
      basis.Add(obs, r.id);
      builder.Add(obs);
    }
    if (page.resources.size() < kPage) break;
  }
  std::vector<Stay> stays = builder.Finish();
  if (stays.size() != 1) return std::nullopt;
  return LiveStay{std::move(stays[0]), basis.ids()};
}

struct LiveScorer::Loaded {
  LiveStay live;
  Json basis;
};

LiveScorer::LiveScorer(store::Store& store, const persist::ResourceWrites& writes,
                       const search::Registry& registry, ScorerSource scorers, PredictionObserver* observer)
    : store_(store), writes_(writes), registry_(registry), scorers_(std::move(scorers)), observer_(observer) {}

absl::StatusOr<std::optional<LiveScorer::Loaded>> LiveScorer::LoadStay(const Json& observation, int64_t at_ms) {
  const std::string encounter_id(ReferenceTargetId(observation.Find("encounter"), "Encounter"));
  if (encounter_id.empty()) return std::nullopt;
  VIGIL_ASSIGN_OR_RETURN(std::optional<LiveStay> live, LoadLiveStay(store_, registry_, encounter_id, at_ms));
  if (!live) return std::nullopt;
  Json basis = Json::Array();
  for (const std::string& id : live->basis) basis.Push(Reference("Observation", id));
  return Loaded{std::move(*live), std::move(basis)};
}

absl::Status LiveScorer::OnChange(const store::ChangeEvent& event) {
  if (event.type != "Observation" || event.deleted) return absl::OkStatus();
  std::shared_ptr<const ActiveScorers> active = scorers_();
  if (active == nullptr || (active->shown.empty() && active->shadow.empty())) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(auto stored, store_.Read("Observation", event.id));
  if (!stored || stored->deleted) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(Json observation, fhir::ParseJson(stored->json));
  std::optional<int64_t> at = ObservationTimeMs(observation);
  if (!ObservationSignal(observation) || !at) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(std::optional<Loaded> loaded, LoadStay(observation, *at));
  if (!loaded) return absl::OkStatus();
  const AssessmentContext context{loaded->live.stay, *at, loaded->basis};

  absl::Status failure;
  auto score = [&](const Scorer& scorer) -> std::optional<Scored> {
    absl::StatusOr<Scored> s = scorer.Score(context);
    if (s.ok()) return std::move(*s);
    if (observer_ != nullptr) observer_->OnScorerFailure(scorer.id(), scorer.version(), s.status());
    failure = absl::InternalError(StrCat(scorer.id(), " ", scorer.version(), ": ", Message(s.status())));
    return std::nullopt;
  };
  PredictionRecord base;
  base.patient_id = context.stay.patient_id;
  base.encounter_id = context.stay.encounter_id;
  base.at_ms = *at;
  base.basis = BasisRefs(loaded->live.basis);

  // Shown scorers: one transaction with their RiskAssessments and the Flag.
  std::vector<std::pair<const Scorer*, Scored>> shown;
  for (const auto& scorer : active->shown) {
    if (std::optional<Scored> s = score(*scorer)) shown.emplace_back(scorer.get(), std::move(*s));
  }
  if (!shown.empty()) {
    VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, store_.BeginWrite());
    std::vector<std::string> ids;
    AlertChange alert = AlertChange::kNone;
    size_t alerting = shown.size();
    for (size_t i = 0; i < shown.size(); ++i) {
      VIGIL_ASSIGN_OR_RETURN(persist::WriteResult written, writes_.Create(*txn, shown[i].second.assessment));
      ids.push_back(written.stored.id);
      const Scored& s = shown[i].second;
      if (s.probability && alerting == shown.size()) {
        alerting = i;
        AlertInput input{context.stay.patient_id, context.stay.encounter_id, *at, *s.probability, s.threshold,
                         written.stored.id};
        VIGIL_ASSIGN_OR_RETURN(alert, UpdateAlertFlag(*txn, writes_, registry_, input));
      }
    }
    VIGIL_RETURN_IF_ERROR(txn->Commit());
    if (observer_ != nullptr) {
      const double delay_s = static_cast<double>(NowMs() - event.time_ms) / 1000.0;
      for (size_t i = 0; i < shown.size(); ++i) {
        PredictionRecord r = base;
        r.scorer = shown[i].first->id();
        r.version = shown[i].first->version();
        r.assessment_id = ids[i];
        r.scored = &shown[i].second;
        r.alert = i == alerting ? alert : AlertChange::kNone;
        r.delay_s = delay_s;
        observer_->OnPrediction(r);
      }
    }
  }
  // Shadow scorers: reported only.
  for (const auto& scorer : active->shadow) {
    std::optional<Scored> s = score(*scorer);
    if (!s || observer_ == nullptr) continue;
    PredictionRecord r = base;
    r.scorer = scorer->id();
    r.version = scorer->version();
    r.shadow = true;
    r.scored = &*s;
    r.delay_s = static_cast<double>(NowMs() - event.time_ms) / 1000.0;
    observer_->OnPrediction(r);
  }
  return failure;
}

}  // namespace vigil::ai
