// Real-time scoring: every committed Observation of a patient with an active
// (in-progress) Encounter re-scores that stay, and each score is written back as
// an R4 RiskAssessment (docs/risk-assessment.md).
//
//   LiveScorer scorer(store, writes, registry, &model);
//   bus.Subscribe("scoring", [&](const store::ChangeEvent& e) { return scorer.OnChange(e); });
//
// For each Observation change the stay is rebuilt from the store — the Patient,
// the Encounter and every Observation of that Encounter — with the same
// ai::TimelineBuilder and ai::FeatureSet code that training used, and scored
// at the Observation's time by every scorer: NEWS2 always (with its component
// breakdown), and the model when one is loaded (calibrated probability, threshold
// decision and the top TreeSHAP contributions), whose risk also raises or clears
// the Encounter's alert Flag (ai/live/alert_flag.h) in the same transaction. An Observation that is not one
// of the clinical signals, has no Encounter, or whose Encounter is not
// in-progress is skipped. Failures are returned (the event bus counts
// them) and never touch the triggering data.
//
// Thread-safety: OnChange is called from one thread (the bus's subscriber
// thread); the bus's Stats() counts what it handled and failed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "ai/live/risk_assessment.h"
#include "ai/model/artifact.h"
#include "persist/resource_writes.h"
#include "search/registry.h"
#include "store/change.h"
#include "store/store.h"

namespace vigil::ai {

class LiveScorer {
 public:
  // `model` may be null (NEWS2 only). All references must outlive the scorer.
  LiveScorer(store::Store& store, const persist::ResourceWrites& writes, const search::Registry& registry,
             const LoadedModel* model);

  absl::Status OnChange(const store::ChangeEvent& event);

 private:
  struct Loaded;
  absl::StatusOr<std::optional<Loaded>> LoadStay(const fhir::Json& observation, int64_t at_ms);
  absl::Status Write(const AssessmentContext& context, std::vector<fhir::Json> assessments,
                     std::optional<double> probability);

  store::Store& store_;
  const persist::ResourceWrites& writes_;
  const search::Registry& registry_;
  const LoadedModel* model_;
};

}  // namespace vigil::ai
