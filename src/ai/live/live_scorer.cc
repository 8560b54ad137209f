#include "ai/live/live_scorer.h"


#include "ai/live/alert_flag.h"
#include "ai/live/risk_assessment.h"
#include "ai/timeline.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "search/parse.h"

namespace vigil::ai {
namespace {

using fhir::Json;

constexpr size_t kPage = 1000;

bool InProgress(const Json& encounter) {
  const Json* status = encounter.Find("status");
  return status != nullptr && status->text() == "in-progress";
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

absl::StatusOr<std::optional<StayResources>> LoadStayResources(store::Reader& reader,
                                                               const search::Registry& registry,
                                                               const std::string& encounter_id) {
  VIGIL_ASSIGN_OR_RETURN(auto encounter, reader.Read("Encounter", encounter_id));
  if (!encounter || encounter->deleted) return std::nullopt;
  StayResources out;
  VIGIL_ASSIGN_OR_RETURN(out.encounter, fhir::ParseJson(encounter->json));
  if (!InProgress(out.encounter)) return std::nullopt;
  const std::string patient_id(ReferenceTargetId(out.encounter.Find("subject"), "Patient"));
  if (!patient_id.empty()) {
    VIGIL_ASSIGN_OR_RETURN(auto patient, reader.Read("Patient", patient_id));
    if (patient && !patient->deleted) {
      VIGIL_ASSIGN_OR_RETURN(out.patient, fhir::ParseJson(patient->json));
    }
  }
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
      VIGIL_ASSIGN_OR_RETURN(out.observations[r.id], fhir::ParseJson(r.json));
    }
    if (page.resources.size() < kPage) break;
  }
  return out;
}

std::optional<LiveStay> BuildLiveStay(const StayResources& resources, int64_t at_ms) {
  TimelineBuilder builder;
  builder.Add(resources.encounter);
  if (resources.patient.is_object()) builder.Add(resources.patient);
  BasisTracker basis(at_ms);
  for (const auto& [id, obs] : resources.observations) {
    basis.Add(obs, id);
    builder.Add(obs);
  }
  std::vector<Stay> stays = builder.Finish();
  if (stays.size() != 1) return std::nullopt;
  return LiveStay{std::move(stays[0]), basis.ids()};
}

absl::StatusOr<std::optional<LiveStay>> LoadLiveStay(store::Reader& reader, const search::Registry& registry,
                                                     const std::string& encounter_id, int64_t at_ms) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<StayResources> resources, LoadStayResources(reader, registry, encounter_id));
  if (!resources) return std::nullopt;
  return BuildLiveStay(*resources, at_ms);
}

struct LiveScorer::Cached {
  StayResources resources;
  std::string patient_id;
  uint64_t used = 0;
};

// One event's scores, waiting to be written.
struct LiveScorer::Pending {
  store::ChangeEvent event;
  std::string patient_id;
  std::string encounter_id;
  int64_t at_ms = 0;
  std::vector<std::string> basis;
  std::vector<std::pair<std::shared_ptr<const Scorer>, Scored>> shown;
};

LiveScorer::LiveScorer(store::Store& store, const persist::ResourceWrites& writes,
                       const search::Registry& registry, ScorerSource scorers, PredictionObserver* observer,
                       std::function<bool()> more_pending)
    : store_(store),
      writes_(writes),
      registry_(registry),
      scorers_(std::move(scorers)),
      observer_(observer),
      more_pending_(std::move(more_pending)) {}

LiveScorer::~LiveScorer() = default;

void LiveScorer::Invalidate(const store::ChangeEvent& event) {
  if (last_sequence_ != 0 && event.sequence != last_sequence_ + 1) {
    cache_.clear();  // events were skipped: what is cached may be stale
    observation_stay_.clear();
  }
  last_sequence_ = event.sequence;
  if (event.type == "Encounter") {
    cache_.erase(event.id);
  } else if (event.type == "Patient") {
    std::erase_if(cache_, [&](const auto& entry) { return entry.second->patient_id == event.id; });
  } else if (event.type == "Observation" && event.deleted) {
    auto it = observation_stay_.find(event.id);
    if (it == observation_stay_.end()) return;
    if (auto stay = cache_.find(it->second); stay != cache_.end()) stay->second->resources.observations.erase(event.id);
    observation_stay_.erase(it);
  }
}

absl::StatusOr<LiveScorer::Cached*> LiveScorer::Stay(const std::string& encounter_id) {
  auto it = cache_.find(encounter_id);
  if (it != cache_.end()) {
    it->second->used = ++clock_;
    return it->second.get();
  }
  VIGIL_ASSIGN_OR_RETURN(std::optional<StayResources> resources,
                         LoadStayResources(store_, registry_, encounter_id));
  if (!resources) return nullptr;
  if (cache_.size() >= kCachedStays) {
    auto oldest = cache_.begin();
    for (auto e = cache_.begin(); e != cache_.end(); ++e) {
      if (e->second->used < oldest->second->used) oldest = e;
    }
    for (const auto& [id, obs] : oldest->second->resources.observations) observation_stay_.erase(id);
    cache_.erase(oldest);
  }
  auto cached = std::make_unique<Cached>();
  cached->patient_id = std::string(ReferenceTargetId(resources->encounter.Find("subject"), "Patient"));
  cached->resources = std::move(*resources);
  cached->used = ++clock_;
  for (const auto& [id, obs] : cached->resources.observations) observation_stay_[id] = encounter_id;
  Cached* out = cached.get();
  cache_[encounter_id] = std::move(cached);
  return out;
}

absl::Status LiveScorer::OnChange(const store::ChangeEvent& event) {
  std::lock_guard lock(mu_);
  Invalidate(event);
  absl::Status scored = Score(event);
  if (!pending_.empty() && (!more_pending_ || !more_pending_() || pending_.size() >= kMaxBatch)) {
    absl::Status flushed = WritePending();
    if (scored.ok()) scored = flushed;
  }
  return scored;
}

absl::Status LiveScorer::Score(const store::ChangeEvent& event) {
  if (event.type != "Observation" || event.deleted) return absl::OkStatus();
  std::shared_ptr<const ActiveScorers> active = scorers_();
  if (active == nullptr || (active->shown.empty() && active->shadow.empty())) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(auto stored, store_.Read("Observation", event.id));
  if (!stored || stored->deleted) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(Json observation, fhir::ParseJson(stored->json));
  const std::string encounter_id(ReferenceTargetId(observation.Find("encounter"), "Encounter"));
  if (encounter_id.empty()) return absl::OkStatus();
  std::optional<int64_t> at = ObservationTimeMs(observation);
  const bool signal = ObservationSignal(observation).has_value() && at.has_value();
  // Keep a cached stay current even when this Observation scores nothing.
  auto cached_it = cache_.find(encounter_id);
  if (!signal) {
    if (cached_it != cache_.end()) {
      cached_it->second->resources.observations[event.id] = std::move(observation);
      observation_stay_[event.id] = encounter_id;
    }
    return absl::OkStatus();
  }
  VIGIL_ASSIGN_OR_RETURN(Cached * cached, Stay(encounter_id));
  if (cached == nullptr) return absl::OkStatus();
  cached->resources.observations[event.id] = std::move(observation);
  observation_stay_[event.id] = encounter_id;
  return ScoreAt(active, *cached, *at, event);
}

absl::Status LiveScorer::ScoreAt(const std::shared_ptr<const ActiveScorers>& active, Cached& cached,
                                 int64_t at_ms, const store::ChangeEvent& event) {
  std::optional<LiveStay> live = BuildLiveStay(cached.resources, at_ms);
  if (!live) return absl::OkStatus();
  Json basis = Json::Array();
  for (const std::string& id : live->basis) basis.Push(Reference("Observation", id));
  const AssessmentContext context{live->stay, at_ms, basis};

  absl::Status failure;
  auto score = [&](const Scorer& scorer) -> std::optional<Scored> {
    absl::StatusOr<Scored> s = scorer.Score(context);
    if (s.ok()) return std::move(*s);
    if (observer_ != nullptr) observer_->OnScorerFailure(scorer.id(), scorer.version(), s.status());
    failure = absl::InternalError(StrCat(scorer.id(), " ", scorer.version(), ": ", Message(s.status())));
    return std::nullopt;
  };
  Pending p;
  p.event = event;
  p.patient_id = live->stay.patient_id;
  p.encounter_id = live->stay.encounter_id;
  p.at_ms = at_ms;
  for (const std::string& id : live->basis) p.basis.push_back(StrCat("Observation/", id));
  for (const auto& scorer : active->shown) {
    if (std::optional<Scored> s = score(*scorer)) p.shown.emplace_back(scorer, std::move(*s));
  }
  // Shadow scorers: reported only, at once.
  for (const auto& scorer : active->shadow) {
    std::optional<Scored> s = score(*scorer);
    if (!s || observer_ == nullptr) continue;
    PredictionRecord r;
    r.scorer = scorer->id();
    r.version = scorer->version();
    r.shadow = true;
    r.patient_id = p.patient_id;
    r.encounter_id = p.encounter_id;
    r.at_ms = p.at_ms;
    r.basis = p.basis;
    r.scored = &*s;
    r.delay_s = static_cast<double>(NowMs() - event.time_ms) / 1000.0;
    observer_->OnPrediction(r);
  }
  if (!p.shown.empty()) pending_.push_back(std::move(p));
  return failure;
}

absl::StatusOr<int> LiveScorer::CatchUp() {
  std::shared_ptr<const ActiveScorers> active = scorers_();
  if (active == nullptr || active->shown.empty()) return 0;
  std::vector<std::string> encounters;
  search::SearchOptions options;
  options.max_count = kPage;
  for (size_t offset = 0;; offset += kPage) {
    VIGIL_ASSIGN_OR_RETURN(search::ParsedSearch parsed,
                           search::ParseSearch(registry_, "Encounter",
                                               {{"status", "in-progress"}, {"_count", std::to_string(kPage)}},
                                               options));
    parsed.query.offset = offset;
    parsed.query.total = store::TotalMode::kNone;
    VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, store_.Search(parsed.query));
    for (const store::StoredResource& r : page.resources) encounters.push_back(r.id);
    if (page.resources.size() < kPage) break;
  }
  int scored = 0;
  for (const std::string& id : encounters) {
    std::lock_guard lock(mu_);
    VIGIL_ASSIGN_OR_RETURN(Cached * cached, Stay(id));
    if (cached == nullptr) continue;
    std::optional<LiveStay> live = BuildLiveStay(cached->resources, INT64_MAX);
    if (!live) continue;
    const int64_t last = live->stay.LastMeasurementMs();
    if (last <= live->stay.admit_ms) continue;  // nothing measured yet
    // The newest assessment of the stay: nothing to do when it is that recent.
    VIGIL_ASSIGN_OR_RETURN(search::ParsedSearch latest,
                           search::ParseSearch(registry_, "RiskAssessment",
                                               {{"encounter", StrCat("Encounter/", id)},
                                                {"date", StrCat("ge", FormatInstant(last))},
                                                {"_count", "1"}},
                                               search::SearchOptions{}));
    latest.query.total = store::TotalMode::kNone;
    VIGIL_ASSIGN_OR_RETURN(store::SearchPage found, store_.Search(latest.query));
    if (!found.resources.empty()) continue;
    store::ChangeEvent event;  // no triggering write: the delay is measured from now
    event.time_ms = NowMs();
    VIGIL_RETURN_IF_ERROR(ScoreAt(active, *cached, last, event));
    VIGIL_RETURN_IF_ERROR(WritePending());
    ++scored;
  }
  return scored;
}

absl::Status LiveScorer::Flush() {
  std::lock_guard lock(mu_);
  return WritePending();
}

absl::Status LiveScorer::WritePending() {
  if (pending_.empty()) return absl::OkStatus();
  std::vector<Pending> batch = std::move(pending_);
  pending_.clear();
  // Per event: the RiskAssessment ids and the alert change of its first model.
  std::vector<std::vector<std::string>> ids(batch.size());
  std::vector<std::pair<size_t, AlertChange>> alerts(batch.size(), {SIZE_MAX, AlertChange::kNone});
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, store_.BeginWrite());
  for (size_t b = 0; b < batch.size(); ++b) {
    Pending& p = batch[b];
    for (size_t i = 0; i < p.shown.size(); ++i) {
      VIGIL_ASSIGN_OR_RETURN(persist::WriteResult written, writes_.Create(*txn, p.shown[i].second.assessment));
      ids[b].push_back(written.stored.id);
      const Scored& s = p.shown[i].second;
      if (s.probability && alerts[b].first == SIZE_MAX) {
        AlertInput input{p.patient_id, p.encounter_id, p.at_ms, *s.probability, s.threshold, written.stored.id};
        VIGIL_ASSIGN_OR_RETURN(AlertChange change, UpdateAlertFlag(*txn, writes_, registry_, input));
        alerts[b] = {i, change};
      }
    }
  }
  VIGIL_RETURN_IF_ERROR(txn->Commit());
  if (observer_ == nullptr) return absl::OkStatus();
  const int64_t now = NowMs();
  for (size_t b = 0; b < batch.size(); ++b) {
    const Pending& p = batch[b];
    for (size_t i = 0; i < p.shown.size(); ++i) {
      PredictionRecord r;
      r.scorer = p.shown[i].first->id();
      r.version = p.shown[i].first->version();
      r.patient_id = p.patient_id;
      r.encounter_id = p.encounter_id;
      r.at_ms = p.at_ms;
      r.assessment_id = ids[b][i];
      r.basis = p.basis;
      r.scored = &p.shown[i].second;
      r.alert = alerts[b].first == i ? alerts[b].second : AlertChange::kNone;
      r.delay_s = static_cast<double>(now - p.event.time_ms) / 1000.0;
      observer_->OnPrediction(r);
    }
  }
  return absl::OkStatus();
}

}  // namespace vigil::ai
