// Who a device reading belongs to: the Patient with the reading's identifier,
// and that patient's in-progress Encounter, looked up in the store before the
// reading's Bundle is built (live scoring only scores Observations that name
// an Encounter).
//
// Thread-safety: as the Reader's.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "ingest/mqtt/reading.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::mqtt {

struct PatientContext {
  std::string patient_id;
  // The patient's in-progress Encounter when there is exactly one; "" when
  // there is none or several (the reading is stored without an encounter).
  std::string encounter_id;
};

// Errors: NotFound when no Patient has the identifier (device readings never
// create patients), FailedPrecondition when several do; a store failure as is.
absl::StatusOr<PatientContext> FindPatient(store::Reader& reader, const search::Registry& registry,
                                           const PatientIdentifier& patient);

}  // namespace vigil::mqtt
