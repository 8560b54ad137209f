#include "server/rest/patient_compartment.h"

#include <algorithm>

#include "base/http_error.h"
#include "base/str.h"
#include "search/compartments.h"

namespace vigil::server {

bool RowsInPatientCompartment(std::string_view type, std::string_view id,
                              const store::IndexEntries& rows, std::string_view patient) {
  if (patient.empty()) return false;
  if (type == "Patient") return id == patient;
  std::span<const std::string_view> params = search::CompartmentParams("Patient", type);
  return std::any_of(rows.references.begin(), rows.references.end(),
                     [&](const store::ReferenceRow& r) {
                       return r.target_type == "Patient" && r.target_id == patient &&
                              std::find(params.begin(), params.end(), r.param) != params.end();
                     });
}

absl::StatusOr<store::Clause> PatientClause(std::string_view type, std::string_view patient) {
  if (patient.empty()) return HttpError(403, "forbidden", "the token has no patient context");
  store::Clause clause;
  if (type == "Patient") {
    clause.param = "_id";
    clause.kind = store::RowKind::kId;
    clause.any_of.push_back(store::IdMatch{std::string(patient)});
    return clause;
  }
  std::vector<std::string> params = search::CompartmentParamList("Patient", type);
  if (params.empty()) {
    return HttpError(403, "forbidden",
                     StrCat(type, " is not in the Patient compartment: a patient-context token ",
                            "cannot search it (directly, or through a chain or _has)"));
  }
  clause.param = "_compartment";
  clause.kind = store::RowKind::kReference;
  clause.any_of.push_back(
      store::CompartmentMatch{std::move(params), "Patient", std::string(patient)});
  return clause;
}

}  // namespace vigil::server
