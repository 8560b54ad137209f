// Real-time scoring: every committed Observation of a patient with an active
// (in-progress) Encounter re-scores that stay, and each score is written back as
// an R4 RiskAssessment (docs/risk-assessment.md).
//
//   LiveScorer scorer(store, writes, registry, [&] { return active_scorers; }, &observer);
//   bus.Subscribe("scoring", [&](const store::ChangeEvent& e) { return scorer.OnChange(e); });
//
// For each Observation change the stay is rebuilt from the store — the Patient,
// the Encounter and every Observation of that Encounter — with the same
// ai::TimelineBuilder and ai::FeatureSet code that training used, and scored
// at the Observation's time by every active scorer (ai/live/scorer.h), asked
// for anew on each event so that a moved registry alias takes effect at once:
// the `shown` scorers are written as RiskAssessments in one transaction, the
// first one with a probability (the champion model) raising or clearing the
// Encounter's alert Flag (ai/live/alert_flag.h) in the same transaction; the
// `shadow` scorers are scored and reported to the observer only. An
// Observation that is not one of the clinical signals, has no Encounter, or
// whose Encounter is not in-progress is skipped. A scorer that fails is
// reported and skipped, the others still write; the failure is returned (the
// event bus counts it) and never touches the triggering data.
//
// Thread-safety: OnChange is called from one thread (the bus's subscriber
// thread); the observer is called on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ai/live/alert_flag.h"
#include "ai/live/scorer.h"
#include "ai/signals.h"
#include "persist/resource_writes.h"
#include "search/registry.h"
#include "store/change.h"
#include "store/store.h"

namespace vigil::ai {

// One score, after its transaction committed (shadow scores: right away).
struct PredictionRecord {
  std::string scorer;   // Scorer::id()
  std::string version;  // Scorer::version()
  bool shadow = false;
  std::string patient_id;
  std::string encounter_id;
  int64_t at_ms = 0;               // the time scored
  std::string assessment_id;       // the RiskAssessment written; "" for shadow scores
  std::vector<std::string> basis;  // "Observation/id" of the inputs
  const Scored* scored = nullptr;  // valid during the call
  AlertChange alert = AlertChange::kNone;
  // From the triggering Observation's commit (its lastUpdated, ms resolution)
  // to this RiskAssessment's commit.
  double delay_s = 0;
};

class PredictionObserver {
 public:
  virtual ~PredictionObserver() = default;
  virtual void OnPrediction(const PredictionRecord& record) = 0;
  virtual void OnScorerFailure(const std::string& scorer, const std::string& version,
                               const absl::Status& error) = 0;
};

using ScorerSource = std::function<std::shared_ptr<const ActiveScorers>()>;

class LiveScorer {
 public:
  // observer may be null. All references must outlive the scorer.
  LiveScorer(store::Store& store, const persist::ResourceWrites& writes, const search::Registry& registry,
             ScorerSource scorers, PredictionObserver* observer);

  absl::Status OnChange(const store::ChangeEvent& event);

 private:
  struct Loaded;
  absl::StatusOr<std::optional<Loaded>> LoadStay(const fhir::Json& observation, int64_t at_ms);

  store::Store& store_;
  const persist::ResourceWrites& writes_;
  const search::Registry& registry_;
  ScorerSource scorers_;
  PredictionObserver* observer_;
};

// The basis of a score: the latest Observation of each clinical signal at or
// before at_ms, fed one Observation at a time.
class BasisTracker {
 public:
  explicit BasisTracker(int64_t at_ms) : at_ms_(at_ms) {}
  void Add(const fhir::Json& observation, const std::string& id);
  std::vector<std::string> ids() const;  // by signal

 private:
  int64_t at_ms_;
  std::map<Signal, std::pair<int64_t, std::string>> latest_;
};

// Rebuilds the stay of the in-progress Encounter `encounter_id` from `reader`
// as live scoring does, with the latest Observation of each signal up to at_ms
// as the basis. nullopt when the Encounter is missing or not in-progress.
struct LiveStay {
  Stay stay;
  std::vector<std::string> basis;  // Observation ids
};
absl::StatusOr<std::optional<LiveStay>> LoadLiveStay(store::Reader& reader, const search::Registry& registry,
                                                     const std::string& encounter_id, int64_t at_ms);

}  // namespace vigil::ai
