// The cohort operations behind /api/cohorts (and `vigil cohort`), on JSON in
// and JSON out; docs/cohorts.md is the reference for the bodies and answers.
//
//   Evaluate: {"group": Group} | {"groupId": "id"} | {"sql": "SELECT ..."},
//             optional "measure": {"code": "system|code"}
//             -> DescribeCohort (summary.h) + "measure".
//   Compare:  {"a": <evaluate body>, "b": <evaluate body>, "outcome":
//             characteristic(s), "measure": {...}} -> {"a", "b", "difference"}:
//             each side with "outcome": {"events", "rate", "ci95" (Wilson)};
//             difference {"rate", "ci95" (Newcombe hybrid score), "mean",
//             "ci95Mean" (Welch)}. A side's own measure overrides the shared one.
//   Members:  the members of a stored Group as a searchset Bundle of Patients.
//
// Errors: HttpError 400 for malformed bodies, characteristics or SQL; 404
// for an unknown groupId; store failures as they come.
// Thread-safety: as the Reader; each call is independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "store/store.h"

namespace vigil::cohort {

struct CohortEnv {
  store::Reader* reader = nullptr;
  std::string data_dir;  // where analytics.sqlite lives (SQL cohorts)
  std::string base_url;  // FHIR base for Bundle fullUrls ("http://host/fhir")
  int64_t now_ms = 0;
};

absl::StatusOr<fhir::Json> Evaluate(const CohortEnv& env, const fhir::Json& body);
absl::StatusOr<fhir::Json> Compare(const CohortEnv& env, const fhir::Json& body);
// Entries offset .. offset+count-1 of the stored Group's members (sorted by
// id), with total and self/next links.
absl::StatusOr<fhir::Json> MembersBundle(const CohortEnv& env, std::string_view group_id,
                                         size_t offset, size_t count);

}  // namespace vigil::cohort
