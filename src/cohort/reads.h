// The store reads cohorts make, all through indexed FHIR search plans
// (store::Query, built directly so codes need no URL escaping): resources by
// code, resources of a set of patients (subject references, in chunks), and
// Patients by id (in chunks). Results are paged through with offsets.
//
// Thread-safety: as the Reader passed in (store.h: safe from many threads).
// Errors: the store's own failures.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cohort/criteria.h"
#include "cohort/facts.h"
#include "store/store.h"

namespace vigil::cohort {

using ResourceFn = std::function<absl::Status(const store::StoredResource&, const fhir::Json&)>;

// A clause on the token parameter `param` that any of `codes` matches.
store::Clause CodeClause(std::string_view param, const std::vector<Coding>& codes);

// Calls fn for every current resource matching query (offset and count are
// replaced: pages of kPageSize).
absl::Status ForEachMatch(store::Reader& reader, store::Query query, const ResourceFn& fn);

// Calls fn for every resource of `type` matching `clauses` whose subject is one
// of the patients (ids).
absl::Status ForEachOfPatients(store::Reader& reader, std::string_view type,
                               const std::vector<store::Clause>& clauses,
                               const std::vector<std::string>& patient_ids, const ResourceFn& fn);

// The Patients among ids that exist (current, not deleted), sorted by id.
absl::StatusOr<std::vector<PatientFacts>> LoadPatients(store::Reader& reader,
                                                       const std::vector<std::string>& ids);

// Every current Patient, sorted by id.
absl::StatusOr<std::vector<PatientFacts>> AllPatients(store::Reader& reader);

inline constexpr size_t kPageSize = 1000;
inline constexpr size_t kChunkSize = 100;  // ids per OR-ed clause

}  // namespace vigil::cohort
