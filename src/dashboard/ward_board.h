// GET /api/ward: the ward board, one row per admitted stay (an Encounter with
// status in-progress), highest risk first (format in docs/dashboard.md).
//
// Each row: the patient (name, gender, age), the admission time and current
// location, the latest value of each ward vital sign (kWardVitals, from the
// Observations that reference the Encounter, in the signal's canonical unit),
// the time of the stay's last Observation, the latest NEWS2 and model
// RiskAssessment of the stay (null when none) and its active alert Flag.
//
// Order: model probability, then NEWS2 score, both descending with rows
// without one after those with one; then the last measurement, newest first.
// At most kMaxWardRows rows (`truncated` says when there were more).
//
// Errors: the store's. Thread-safety: functions of their arguments.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "ai/signals.h"
#include "fhir/json.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::dashboard {

inline constexpr size_t kMaxWardRows = 1000;

// The board's vital-sign columns, in order: the NEWS2 chart's parameters.
inline constexpr std::array<ai::Signal, 7> kWardVitals = {
    ai::Signal::kHeartRate, ai::Signal::kRespiratoryRate, ai::Signal::kSpO2,   ai::Signal::kTemperature,
    ai::Signal::kSystolicBp, ai::Signal::kGcs,            ai::Signal::kO2Flow};

absl::StatusOr<fhir::Json> WardBoard(store::Reader& reader, const search::Registry& registry, int64_t now_ms);

}  // namespace vigil::dashboard
