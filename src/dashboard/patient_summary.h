// GET /api/patients/{id}/summary: what the patient page shows above its charts
// (format in docs/dashboard.md): demographics; active conditions (clinicalStatus
// active, recurrence or relapse; none entered-in-error or refuted); active
// medications (MedicationRequest and MedicationStatement with status active);
// encounters, newest first; and the numeric Observation codes the patient has,
// with their counts and latest value, each marked vital, lab or other (the
// signal table's kind for its LOINC codes, else Observation.category).
//
// Limits: at most kMaxSummaryItems conditions, medications and encounters each,
// and kMaxScannedObservations Observations read for the code list
// (`observationsTruncated` says when there were more).
//
// Errors: the store's. An unknown or deleted patient is nullopt (HTTP 404).
//
// Thread-safety: functions of their arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::dashboard {

inline constexpr size_t kMaxSummaryItems = 500;
inline constexpr size_t kMaxScannedObservations = 50000;

absl::StatusOr<std::optional<fhir::Json>> PatientSummary(store::Reader& reader, const search::Registry& registry,
                                                         std::string_view patient_id, int64_t now_ms);

// Whole years between a FHIR date ("1956-03-02", "1956-03", "1956") and at_ms;
// nullopt when birth_date cannot be read.
std::optional<int> AgeInYears(std::string_view birth_date, int64_t at_ms);

}  // namespace vigil::dashboard
