// Real-time scoring: every committed Observation of a patient with an active
// (in-progress) Encounter re-scores that stay, and each score is written back as
// an R4 RiskAssessment (docs/risk-assessment.md).
//
//   LiveScorer scorer(store, writes, registry, [&] { return active_scorers; }, &observer);
//   bus.Subscribe("scoring", [&](const store::ChangeEvent& e) { return scorer.OnChange(e); });
//
// For each Observation change the stay is rebuilt — the Patient, the
// Encounter and every Observation of that Encounter — with the same
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
// Speed: the resources of recently scored stays are kept in memory (up to
// kCachedStays Encounters) and updated from the events themselves, so an event
// reads one Observation from the store, not the whole stay; a Patient or
// Encounter change drops its stays, a gap in the event sequence drops all.
// When more events are waiting (more_pending), the scores of up to kMaxBatch
// events are written in one transaction (one commit instead of one per
// Observation); otherwise each is written at once.
//
// Thread-safety: OnChange is called from one thread (the bus's subscriber
// thread); the observer is called on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
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

inline constexpr size_t kCachedStays = 4096;
inline constexpr size_t kMaxBatch = 64;

// The resources a stay is built from.
struct StayResources {
  fhir::Json patient;    // null Json when the Encounter has no (readable) Patient
  fhir::Json encounter;
  std::map<std::string, fhir::Json> observations;  // by id: the current version
};

class LiveScorer {
 public:
  // observer may be null; more_pending may be empty (never batch). All
  // references must outlive the scorer.
  LiveScorer(store::Store& store, const persist::ResourceWrites& writes, const search::Registry& registry,
             ScorerSource scorers, PredictionObserver* observer, std::function<bool()> more_pending = {});
  ~LiveScorer();

  absl::Status OnChange(const store::ChangeEvent& event);
  // Writes the scores computed but not yet written (a batch in progress).
  absl::Status Flush();
  // Scores, at its latest measurement, every in-progress Encounter that has
  // no RiskAssessment at or after that measurement: what arrived while no
  // scorer ran (before `vigil serve` started, or a demo load). Returns how
  // many stays it scored. May run on another thread than OnChange.
  absl::StatusOr<int> CatchUp();

 private:
  struct Cached;
  struct Pending;
  void Invalidate(const store::ChangeEvent& event);
  // The cached stay of encounter_id, loaded from the store on a miss;
  // nullptr when the Encounter is missing or not in progress.
  absl::StatusOr<Cached*> Stay(const std::string& encounter_id);
  absl::Status Score(const store::ChangeEvent& event);
  // Flush, with mu_ held.
  absl::Status WritePending();
  // Scores cached stay at at_ms into pending_ (shown) and the observer (shadow).
  absl::Status ScoreAt(const std::shared_ptr<const ActiveScorers>& active, Cached& cached, int64_t at_ms,
                       const store::ChangeEvent& event);

  store::Store& store_;
  const persist::ResourceWrites& writes_;
  const search::Registry& registry_;
  ScorerSource scorers_;
  PredictionObserver* observer_;
  std::function<bool()> more_pending_;
  std::mutex mu_;  // OnChange and CatchUp; guards everything below

  std::unordered_map<std::string, std::unique_ptr<Cached>> cache_;  // by Encounter id
  std::unordered_map<std::string, std::string> observation_stay_;    // Observation id -> Encounter id
  uint64_t clock_ = 0;                                               // for least-recently-used eviction
  uint64_t last_sequence_ = 0;
  std::vector<Pending> pending_;
};

// The Patient, the Encounter and its Observations from reader, when the
// Encounter exists and is in progress.
absl::StatusOr<std::optional<StayResources>> LoadStayResources(store::Reader& reader,
                                                               const search::Registry& registry,
                                                               const std::string& encounter_id);

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
// The stay of resources scored at at_ms; nullopt when they make no stay.
std::optional<LiveStay> BuildLiveStay(const StayResources& resources, int64_t at_ms);

}  // namespace vigil::ai
