// AuditEvents for the clinical AI loop (issue: every prediction and every piece
// of clinician feedback is in the audit trail): what scored, on which inputs,
// with which threshold, what it decided and why; who accepted, acknowledged,
// overrode or dismissed it and for what reason. Written to the same
// hash-chained log as the REST AuditEvents (audit/trail.h), documented in
// docs/formats/audit_log.md.
//
//   type     https://vigil.dev/fhir/CodeSystem/audit-event-type: prediction | feedback
//   subtype  prediction: live | shadow | cds; feedback: cds | alert
//   entity   the Patient (role 1), the RiskAssessment / card / Flag (role 4) with
//            entity.detail (modelVersion, threshold, probability, decision,
//            explanation / outcome, reason), each input Observation (role 3, Report)
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigil::audit {

inline constexpr const char* kClinicalAuditTypes = "https://vigil.dev/fhir/CodeSystem/audit-event-type";

struct PredictionFacts {
  std::string scorer;   // "model:sepsis-6h", "news2"
  std::string version;  // registry version or model SHA-256; "RCP-2017"
  // live: written as a RiskAssessment; shadow: a challenger's, never shown;
  // cds: answered on a CDS Hooks card.
  std::string mode = "live";
  std::string patient_id;
  std::string encounter_id;
  std::string assessment_id;  // "" unless live
  std::string card;           // the CDS card's uuid (mode cds)
  std::vector<std::string> inputs;  // "Observation/id"
  std::optional<double> probability;
  std::optional<double> threshold;
  std::string decision;                               // high, moderate, low
  std::vector<std::pair<std::string, double>> top;    // explanation values
  int64_t time_ms = 0;
  std::string site;  // the server's base URL
};

struct FeedbackFacts {
  std::string source;   // "cds" or "alert"
  std::string outcome;  // accepted, overridden (cds); acknowledge, dismiss (alert)
  std::string reason;   // override reason or dismissal reason ("" if none)
  std::string user;     // who gave it ("" when unknown)
  std::string target;   // "Flag/id", or the CDS card's uuid
  std::string patient_id;
  std::string scorer_version;  // the model version behind the card or alert, if known
  int64_t time_ms = 0;
  std::string site;
};

// One AuditEvent as compact JSON.
std::string PredictionAuditJson(const PredictionFacts& facts);
std::string FeedbackAuditJson(const FeedbackFacts& facts);

}  // namespace vigil::audit
