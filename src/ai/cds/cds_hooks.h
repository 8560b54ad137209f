// CDS Hooks 2.0 for the sepsis-risk service (docs/cds-hooks.md): discovery,
// patient-view requests, cards and feedback, as pure functions; the HTTP glue
// and the scoring live in app/serve_cds_hooks.cc.
//
//   GET  /cds-services                         CdsDiscovery()
//   POST /cds-services/vigil-sepsis-risk       ParsePatientView -> StayFromPrefetch (or the
//                                              store) -> score -> RiskCard
//   POST /cds-services/vigil-sepsis-risk/feedback  ParseFeedback
//
// Prefetch: the service asks for the Patient, the patient's in-progress
// Encounters and their Observations; when the client sends them the stay is
// built from them with the same timeline code as training and live scoring.
//
// Errors are HttpError statuses (base/http_error.h): 400 for a malformed
// request, 412 when prefetch is given but lacks what the service needs.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ai/live/live_scorer.h"
#include "ai/live/scorer.h"
#include "fhir/json.h"

namespace vigil::ai {

inline constexpr const char* kSepsisServiceId = "vigil-sepsis-risk";

// The discovery document: {"services": [...]}, with the prefetch templates.
fhir::Json CdsDiscovery();

struct PatientViewRequest {
  std::string hook_instance;
  std::string patient_id;
  std::string user_id;       // context.userId, e.g. "Practitioner/123"; may be empty
  std::string encounter_id;  // context.encounterId; may be empty
  std::string fhir_server;   // may be empty
  const fhir::Json* prefetch = nullptr;  // into the parsed body; null when absent
};

// body must outlive the result (prefetch points into it).
absl::StatusOr<PatientViewRequest> ParsePatientView(const fhir::Json& body);

// The stay of the patient's in-progress Encounter (context.encounterId when
// given) from the prefetched Patient, Encounters and Observations, scored at
// its latest measurement. nullopt when the patient has no in-progress
// Encounter. 412 when a prefetch key the service needs is missing.
absl::StatusOr<std::optional<LiveStay>> StayFromPrefetch(const PatientViewRequest& request);

struct CardInput {
  std::string uuid;           // for feedback
  std::string patient_id;
  std::string dashboard_url;  // the patient's page on Vigil's dashboard
  const Scorer* model = nullptr;  // null when no model is deployed
  const Scored* model_score = nullptr;
  const Scored* news2 = nullptr;
};

// One card: summary (< 140 characters) with the risk, indicator critical when
// the model's risk is at or above its threshold (or NEWS2 >= 7), warning when
// it is above half the threshold (or NEWS2 5-6), else info; detail in
// Markdown with the explanation in plain words; a link to the dashboard; the
// override reasons the feedback may use.
fhir::Json RiskCard(const CardInput& input);

// "Respiratory rate (latest) 28 raised the risk" style text for an explanation
// value of a model feature ("resp_rate.last") or a NEWS2 component.
std::string InPlainWords(const TopValue& value, bool rule);

struct FeedbackEntry {
  std::string card;     // the card's uuid
  std::string outcome;  // accepted | overridden
  std::string reason;   // overrideReason.reason (code or display) and userComment
  std::string time;     // outcomeTimestamp
};

// {"feedback": [...]}; 400 for anything malformed.
absl::StatusOr<std::vector<FeedbackEntry>> ParseFeedback(const fhir::Json& body);

}  // namespace vigil::ai
