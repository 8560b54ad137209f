// Evaluates a cohort Definition (criteria.h) over a store: the Patients that
// satisfy every inclusion criterion and no exclusion criterion.
//
// How: each clinical criterion is one indexed code search (store::Query on the
// type's `code` parameter); its status, value range and period are checked on
// the matching resources, which gives per patient the times of its matching
// events. The candidates are the patients every inclusion clinical criterion
// found (the Group's members when it enumerates them; all Patients when
// neither narrows them); each candidate's Patient is read (age, gender), and
// then every criterion is checked on it:
//   - clinical: some matching event; with a window, some event timed within
//     [anchor - before, anchor + after] of the patient's earliest anchor event
//     (no anchor event: not satisfied);
//   - age: age in whole years at the anchor event when the criterion has a
//     window, else today (at death for patients who died before now_ms);
//     no birthDate: not satisfied;
//   - gender: Patient.gender is one of the codes.
// Patients that have matching resources but no Patient resource are dropped.
//
// Thread-safety: a pure function of the store's contents.
// Errors: the store's failures only (the Definition is already validated).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "cohort/criteria.h"
#include "cohort/facts.h"
#include "store/store.h"

namespace vigil::cohort {

// The members, sorted by id.
absl::StatusOr<std::vector<PatientFacts>> EvaluateDefinition(store::Reader& reader,
                                                             const Definition& definition,
                                                             int64_t now_ms);

}  // namespace vigil::cohort
