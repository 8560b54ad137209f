// The Patient compartment as authorization uses it (server/rest/access_filter.h
// confines a patient-context token with these): membership of one resource
// version, from its index rows, and the search clause that confines a search,
// both from the compartment definitions of search/compartments.h.
//
// Rules:
//   - A resource is in Patient/p's compartment when one of its type's Patient
//     compartment parameters refers to Patient/p.
//   - Patient resources: only Patient/p itself (not Patients that link to it).
//   - Types outside the Patient compartment (Practitioner, Medication,
//     Organization...) are never in it: PatientClause refuses them (403), so a
//     patient-context token cannot search them, and their resources are not
//     visible to it (reads 404, _include drops them).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "store/index.h"
#include "store/query.h"

namespace vigil::server {

// Whether the resource type/id, with these index rows (of the version in
// question), is Patient/patient itself or refers to it through one of its
// type's Patient compartment parameters. False for an empty patient.
bool RowsInPatientCompartment(std::string_view type, std::string_view id,
                              const store::IndexEntries& rows, std::string_view patient);

// The AND clause that confines a search of type to Patient/patient's
// compartment; 403 (forbidden) for types outside it and for an empty patient.
absl::StatusOr<store::Clause> PatientClause(std::string_view type, std::string_view patient);

}  // namespace vigil::server
