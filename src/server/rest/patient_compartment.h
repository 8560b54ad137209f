// Confining a patient-context access token (auth::Access::patient) to one
// patient's compartment, with the compartment definitions of
// search/compartments.h and the search indexer.
//
// What is confined and how (see also docs/ARCHITECTURE.md, `auth/`):
//   - read/vread/instance history: the resource must be in the compartment
//     before (its current version, or the last one before a delete) and every
//     version the response carries must be in it; otherwise 404 with the
//     message a missing resource would get, so a patient-context token cannot
//     learn whether another patient's resource exists.
//   - search (type and compartment): an AND clause restricts matches to the
//     compartment (Patient itself: _id = the patient), so totals and paging
//     only ever count the patient's resources; _include, _revinclude, chained
//     parameters and _has are refused (403) because they reach resources
//     outside the compartment.
//   - Patient resources: only the patient itself (not Patients that link to it).
//   - Types outside the Patient compartment (Practitioner, Medication,
//     Organization...): searches refused (403), reads 404 like any resource
//     outside the compartment.
//
// Thread-safety: pure functions over the reader they are given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "search/parse.h"
#include "search/registry.h"
#include "store/query.h"
#include "store/store.h"

namespace vigil::server {

// Whether resource (full JSON, not summarized) is Patient/patient itself or
// refers to it through one of its type's Patient compartment parameters.
bool InPatientCompartment(const search::Registry& registry, const store::StoredResource& resource,
                          std::string_view patient);

// The pre-check of an instance interaction: OK when type/id does not exist
// (the interaction then answers its own 404) or is in the compartment; 404
// with not_found otherwise.
absl::Status CheckInstanceVisible(store::Reader& reader, const search::Registry& registry,
                                  const std::string& type, const std::string& id,
                                  std::string_view patient, std::string_view not_found);

// The post-check: every entry resource of a Bundle (history) is in the
// compartment; 404 with not_found otherwise.
absl::Status CheckBundleVisible(const search::Registry& registry, std::string_view bundle_json,
                                std::string_view patient, std::string_view not_found);

// The AND clause that confines a search of type; 403 for types outside the
// Patient compartment.
absl::StatusOr<store::Clause> PatientClause(std::string_view type, std::string_view patient);

// 403 for the parts of a parsed search that reach outside the compartment
// (_include, _revinclude, chains, _has).
absl::Status VetPatientSearch(const search::ParsedSearch& parsed);

}  // namespace vigil::server
