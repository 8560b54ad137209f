#include "app/clinical_ai_service.h"

#include <filesystem>

#include "audit/clinical_events.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "fhir/json.h"

namespace vigil::app {
namespace {

constexpr size_t kRememberedCards = 10000;

std::string_view ChangeName(ai::AlertChange change) {
  switch (change) {
    case ai::AlertChange::kRaised:
      return "raised";
    case ai::AlertChange::kCleared:
      return "cleared";
    case ai::AlertChange::kNone:
      break;
  }
  return "";
}

audit::PredictionFacts Facts(const std::string& scorer, const std::string& version, const ai::Scored& s) {
  audit::PredictionFacts f;
  f.scorer = scorer;
  f.version = version;
  f.probability = s.probability;
  if (s.probability) f.threshold = s.threshold;
  f.decision = s.decision;
  for (const ai::TopValue& v : s.top) f.top.emplace_back(v.name, v.contribution);
  f.time_ms = NowMs();
  return f;
}

}  // namespace

ClinicalAiService::ClinicalAiService(const ServeContext& ctx, std::unique_ptr<ai::ModelRegistry> registry)
    : ctx_(ctx), registry_(std::move(registry)) {
  ctx_.owned.clear();
}

ClinicalAiService::~ClinicalAiService() {
  {
    std::lock_guard lock(watch_mu_);
    stopping_ = true;
  }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  // The bus has stopped (it is destroyed first): write a batch in progress.
  if (live_) {
    if (absl::Status s = live_->Flush(); !s.ok()) {
      std::fprintf(stderr, "vigil serve: scores not written at stop: %s\n", std::string(Message(s)).c_str());
    }
  }
  if (shadow_log_ != nullptr) std::fclose(shadow_log_);
}

absl::StatusOr<std::shared_ptr<ClinicalAiService>> ClinicalAiService::Start(const ServeContext& ctx) {
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<ai::ModelRegistry> registry, ai::ModelRegistry::Open(ctx.data_dir));
  std::shared_ptr<ClinicalAiService> service(new ClinicalAiService(ctx, std::move(registry)));
  for (const std::string& name : ctx.rules) {
    VIGIL_ASSIGN_OR_RETURN(std::shared_ptr<const ai::Scorer> rule, ai::RuleScorer(name));
    service->rules_.push_back(std::move(rule));
  }
  if (!ctx.model_dir.empty()) {
    absl::StatusOr<ai::LoadedModel> loaded = ai::LoadArtifact(ctx.model_dir);
    if (!loaded.ok()) return absl::InvalidArgumentError(StrCat("--model: ", Message(loaded.status())));
    service->fixed_model_ =
        ai::ModelScorer(std::make_shared<const ai::LoadedModel>(std::move(*loaded)), "");
  }
  VIGIL_RETURN_IF_ERROR(service->Reload());
  const std::string shadow_path = (std::filesystem::path(service->registry_->dir()) / "shadow.ndjson").string();
  service->shadow_log_ = std::fopen(shadow_path.c_str(), "a");
  if (service->shadow_log_ == nullptr) return absl::InternalError(StrCat("cannot open ", shadow_path));
  service->writes_ = std::make_unique<persist::ResourceWrites>(*ctx.registry, ctx.write);
  ClinicalAiService* self = service.get();
  events::EventBus* bus = ctx.bus;
  // While more events wait, scores are written in batches (one commit each).
  service->live_ = std::make_unique<ai::LiveScorer>(
      *ctx.store, *service->writes_, *ctx.registry, [self] { return self->Active(); }, self,
      [bus] { return bus->Backlog("scoring") > 1; });
  VIGIL_RETURN_IF_ERROR(ctx.bus->Subscribe(
      "scoring", [self](const store::ChangeEvent& e) { return self->live_->OnChange(e); }));
  service->watcher_ = std::thread([self] {
    // Stays that changed while nothing scored (before this start, the demo
    // load) are scored once, then the registry is watched.
    absl::StatusOr<int> caught_up = self->live_->CatchUp();
    if (!caught_up.ok()) {
      std::fprintf(stderr, "vigil serve: scoring the admitted stays at start: %s\n",
                   std::string(Message(caught_up.status())).c_str());
    } else if (*caught_up > 0) {
      std::fprintf(stderr, "vigil serve: scored %d admitted stays that changed while no scorer ran\n", *caught_up);
    }
    self->Watch();
  });
  return service;
}

std::shared_ptr<const ai::ActiveScorers> ClinicalAiService::Active() const {
  std::lock_guard lock(mu_);
  return active_;
}

absl::StatusOr<std::shared_ptr<const ai::Scorer>> ClinicalAiService::ModelFor(const ai::ModelVersion& version) {
  {
    std::lock_guard lock(mu_);
    auto it = loaded_.find(version.id);
    if (it != loaded_.end()) return it->second;
  }
  absl::StatusOr<ai::LoadedModel> loaded = ai::LoadArtifact(version.path);
  if (!loaded.ok()) {
    return absl::InternalError(StrCat("model ", version.id, " cannot be loaded: ", Message(loaded.status())));
  }
  auto scorer = ai::ModelScorer(std::make_shared<const ai::LoadedModel>(std::move(*loaded)), version.id);
  std::lock_guard lock(mu_);
  loaded_[version.id] = scorer;
  return scorer;
}

absl::Status ClinicalAiService::Reload() {
  VIGIL_ASSIGN_OR_RETURN(int64_t generation, registry_->Generation());
  VIGIL_ASSIGN_OR_RETURN(std::optional<ai::ModelVersion> champion, registry_->Resolve(ai::kChampion));
  VIGIL_ASSIGN_OR_RETURN(std::optional<ai::ModelVersion> challenger, registry_->Resolve(ai::kChallenger));
  auto active = std::make_shared<ai::ActiveScorers>();
  std::shared_ptr<const ai::Scorer> model = fixed_model_;
  if (model == nullptr && champion) {
    VIGIL_ASSIGN_OR_RETURN(model, ModelFor(*champion));
  }
  // Live scoring runs while a model is deployed; the rules score beside it.
  if (model != nullptr) {
    active->shown = rules_;
    active->shown.push_back(model);
  }
  if (challenger && (!champion || challenger->id != champion->id)) {
    VIGIL_ASSIGN_OR_RETURN(std::shared_ptr<const ai::Scorer> shadow, ModelFor(*challenger));
    active->shadow.push_back(std::move(shadow));
  }
  std::lock_guard lock(mu_);
  active_ = std::move(active);
  generation_ = generation;
  return absl::OkStatus();
}

void ClinicalAiService::Watch() {
  std::unique_lock lock(watch_mu_);
  while (!watch_cv_.wait_for(lock, kRegistryPoll, [this] { return stopping_; })) {
    absl::StatusOr<int64_t> generation = registry_->Generation();
    int64_t seen;
    {
      std::lock_guard state(mu_);
      seen = generation_;
    }
    if (!generation.ok() || *generation == seen) continue;
    if (absl::Status s = Reload(); !s.ok()) {
      std::fprintf(stderr, "vigil serve: model registry: %s (the previous models keep scoring)\n",
                   std::string(Message(s)).c_str());
    } else {
      std::fprintf(stderr, "vigil serve: model registry changed; scorers reloaded\n");
    }
  }
}

void ClinicalAiService::Audit(std::string json) {
  if (ctx_.trail != nullptr) ctx_.trail->Record(std::move(json));
}

void ClinicalAiService::OnPrediction(const ai::PredictionRecord& r) {
  const std::string mode = r.shadow ? "shadow" : "live";
  ctx_.metrics->ObservePrediction(r.scorer, r.version, mode, r.scored->decision, r.delay_s);
  if (r.alert != ai::AlertChange::kNone) ctx_.metrics->CountAlert(r.scorer, r.version, ChangeName(r.alert));
  audit::PredictionFacts f = Facts(r.scorer, r.version, *r.scored);
  f.mode = mode;
  f.patient_id = r.patient_id;
  f.encounter_id = r.encounter_id;
  f.assessment_id = r.assessment_id;
  f.inputs = r.basis;
  f.site = ctx_.base_url;
  Audit(audit::PredictionAuditJson(f));
  if (!r.shadow) return;
  fhir::Json line = fhir::Json::Object();
  line.Set("time", fhir::Json::String(FormatInstant(NowMs())));
  line.Set("scored_at", fhir::Json::String(FormatInstant(r.at_ms)));
  line.Set("scorer", fhir::Json::String(r.scorer));
  line.Set("version", fhir::Json::String(r.version));
  line.Set("patient", fhir::Json::String(r.patient_id));
  line.Set("encounter", fhir::Json::String(r.encounter_id));
  if (r.scored->probability) {
    line.Set("probability", fhir::Json::Number(fmt::format("{:.6g}", *r.scored->probability)));
    line.Set("threshold", fhir::Json::Number(fmt::format("{:.6g}", r.scored->threshold)));
  }
  line.Set("decision", fhir::Json::String(r.scored->decision));
  std::string text = fhir::WriteJson(line) + "\n";
  std::lock_guard lock(shadow_mu_);
  std::fwrite(text.data(), 1, text.size(), shadow_log_);
  std::fflush(shadow_log_);
}

void ClinicalAiService::OnScorerFailure(const std::string& scorer, const std::string& version,
                                        const absl::Status& error) {
  ctx_.metrics->CountScoringFailure(scorer, version);
  // The message names no patient data (scorers report their own failures).
  std::fprintf(stderr, "vigil serve: scorer %s %s failed: %s\n", scorer.c_str(), version.c_str(),
               std::string(Message(error)).c_str());
}

void ClinicalAiService::RecordCardPrediction(const std::string& card, const ai::Scorer& scorer,
                                             const ai::Scored& scored, const std::string& patient_id,
                                             const std::string& encounter_id,
                                             const std::vector<std::string>& basis) {
  ctx_.metrics->ObservePrediction(scorer.id(), scorer.version(), "cds", scored.decision, -1);
  audit::PredictionFacts f = Facts(scorer.id(), scorer.version(), scored);
  f.mode = "cds";
  f.card = card;
  f.patient_id = patient_id;
  f.encounter_id = encounter_id;
  for (const std::string& id : basis) f.inputs.push_back(StrCat("Observation/", id));
  f.site = ctx_.base_url;
  Audit(audit::PredictionAuditJson(f));
  if (!scored.probability) return;  // the card is remembered under its model's score
  std::lock_guard lock(mu_);
  cards_[card] = IssuedCard{patient_id, scorer.version()};
  card_order_.push_back(card);
  if (card_order_.size() > kRememberedCards) {
    cards_.erase(card_order_.front());
    card_order_.pop_front();
  }
}

std::optional<IssuedCard> ClinicalAiService::FindCard(const std::string& card) const {
  std::lock_guard lock(mu_);
  auto it = cards_.find(card);
  if (it == cards_.end()) return std::nullopt;
  return it->second;
}

void ClinicalAiService::RecordFeedback(const std::string& source, const std::string& outcome,
                                       const std::string& reason, const std::string& user,
                                       const std::string& target, const std::string& patient_id,
                                       const std::string& scorer_version) {
  ctx_.metrics->CountFeedback(source, outcome);
  audit::FeedbackFacts f;
  f.source = source;
  f.outcome = outcome;
  f.reason = reason;
  f.user = user;
  f.target = target;
  f.patient_id = patient_id;
  f.scorer_version = scorer_version;
  f.time_ms = NowMs();
  f.site = ctx_.base_url;
  Audit(audit::FeedbackAuditJson(f));
}

}  // namespace vigil::app
