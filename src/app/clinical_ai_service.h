// The clinical AI loop inside `vigil serve`: which scorers are active (the
// registry's champion, or --model, beside NEWS2; the challenger in shadow),
// live scoring from the change events, and where every prediction and piece
// of feedback goes (audit trail, metrics, DATA/models/shadow.ndjson). The
// HTTP surfaces (serve_clinical_ai.cc: models and alert feedback;
// serve_cds_hooks.cc: CDS Hooks) call into it.
//
// Aliases moved by `vigil model alias` in another process are picked up
// within kRegistryPoll; moves over HTTP take effect before the answer.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "ai/live/live_scorer.h"
#include "ai/registry/model_registry.h"
#include "app/serve_context.h"

namespace vigil::app {

inline constexpr std::chrono::milliseconds kRegistryPoll{500};

// What a CDS card said, remembered for its feedback (the last 10,000 cards).
struct IssuedCard {
  std::string patient_id;
  std::string scorer_version;
};

class ClinicalAiService final : public ai::PredictionObserver {
 public:
  // Opens the registry, loads the active scorers and, when a model is active
  // or may become so, subscribes live scoring to ctx.bus.
  static absl::StatusOr<std::shared_ptr<ClinicalAiService>> Start(const ServeContext& ctx);
  ~ClinicalAiService() override;

  std::shared_ptr<const ai::ActiveScorers> Active() const;
  ai::ModelRegistry& registry() { return *registry_; }
  // Re-reads the aliases and loads what they point at.
  absl::Status Reload();

  const ServeContext& context() const { return ctx_; }

  // ai::PredictionObserver (live and shadow scores).
  void OnPrediction(const ai::PredictionRecord& record) override;
  void OnScorerFailure(const std::string& scorer, const std::string& version,
                       const absl::Status& error) override;

  // Audits and counts a prediction answered on a CDS card, and remembers the card.
  void RecordCardPrediction(const std::string& card, const ai::Scorer& scorer, const ai::Scored& scored,
                            const std::string& patient_id, const std::string& encounter_id,
                            const std::vector<std::string>& basis);
  std::optional<IssuedCard> FindCard(const std::string& card) const;
  // Audits and counts clinician feedback (source "cds" or "alert").
  void RecordFeedback(const std::string& source, const std::string& outcome, const std::string& reason,
                      const std::string& user, const std::string& target, const std::string& patient_id,
                      const std::string& scorer_version);

 private:
  ClinicalAiService(const ServeContext& ctx, std::unique_ptr<ai::ModelRegistry> registry);
  absl::StatusOr<std::shared_ptr<const ai::Scorer>> ModelFor(const ai::ModelVersion& version);
  void Watch();
  void Audit(std::string json);

  ServeContext ctx_;
  std::unique_ptr<ai::ModelRegistry> registry_;
  std::vector<std::shared_ptr<const ai::Scorer>> rules_;  // ServeContext::rules, scored beside the model
  std::shared_ptr<const ai::Scorer> fixed_model_;  // --model; null without it
  std::unique_ptr<persist::ResourceWrites> writes_;
  std::unique_ptr<ai::LiveScorer> live_;

  mutable std::mutex mu_;
  std::shared_ptr<const ai::ActiveScorers> active_;                         // guarded by mu_
  std::map<std::string, std::shared_ptr<const ai::Scorer>> loaded_;        // version -> scorer; mu_
  std::map<std::string, IssuedCard> cards_;                                 // guarded by mu_
  std::deque<std::string> card_order_;                                      // guarded by mu_
  int64_t generation_ = -1;                                                 // guarded by mu_

  std::mutex shadow_mu_;
  std::FILE* shadow_log_ = nullptr;  // DATA/models/shadow.ndjson; guarded by shadow_mu_

  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool stopping_ = false;  // guarded by watch_mu_
  std::thread watcher_;
};

}  // namespace vigil::app
