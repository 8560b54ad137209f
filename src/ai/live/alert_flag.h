// Alerting on a model's risk: one FHIR Flag per episode, with hysteresis.
//
// When a stay's probability reaches the model's threshold and the Encounter has
// no active Vigil alert Flag, one is created (status active, period.start = the
// time scored, a reference to the RiskAssessment that raised it). Further scores
// above the threshold change nothing — clinicians see one alert per episode, not
// one per vital sign. The Flag is set inactive (period.end) only when the
// probability falls below kClearRatio × threshold, so a risk hovering at the
// threshold does not make it flap. Flags are ordinary resources: their writes are
// change events other systems can subscribe to. Documented in
// docs/risk-assessment.md.
//
// Clinician feedback (RecordAlertFeedback): "acknowledge" keeps the Flag
// active and records who and when; "dismiss" (with a reason) sets it inactive
// but leaves the episode open (no period.end), so the same episode does not
// alert again; the episode ends (period.end) once the risk falls below the
// clearing level, and a later crossing raises a new Flag.
//
// Thread-safety: functions of one write transaction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "persist/resource_writes.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::ai {

inline constexpr double kClearRatio = 0.5;
inline constexpr std::string_view kAlertCodeSystem = "https://vigil.dev/fhir/CodeSystem/alert";
inline constexpr std::string_view kRaisedByExtension =
    "https://vigil.dev/fhir/StructureDefinition/raised-by";
inline constexpr std::string_view kAlertFeedbackExtension =
    "https://vigil.dev/fhir/StructureDefinition/alert-feedback";

struct AlertInput {
  std::string patient_id;
  std::string encounter_id;
  int64_t at_ms;
  double probability;
  double threshold;
  std::string assessment_id;  // the RiskAssessment just written
};

enum class AlertChange { kNone, kRaised, kCleared };

// Raises, keeps or clears the Encounter's alert Flag inside txn; says which.
absl::StatusOr<AlertChange> UpdateAlertFlag(store::WriteTxn& txn, const persist::ResourceWrites& writes,
                                            const search::Registry& registry, const AlertInput& input);

struct AlertFeedback {
  std::string action;  // "acknowledge" or "dismiss"
  std::string reason;  // required for dismiss
  std::string user;    // who (the token's subject, or as given); may be empty
  int64_t at_ms = 0;
};

// Records feedback on the Vigil alert Flag flag_id (an alert-feedback
// extension; dismiss also sets status inactive). Returns the updated Flag.
// Errors: NotFound (no such Flag), InvalidArgument (not a Vigil alert, an
// unknown action, dismiss without a reason), FailedPrecondition (the Flag is
// no longer active).
absl::StatusOr<fhir::Json> RecordAlertFeedback(store::WriteTxn& txn, const persist::ResourceWrites& writes,
                                               const std::string& flag_id, const AlertFeedback& feedback);

}  // namespace vigil::ai
