#include "ingest/mqtt/patient_lookup.h"

#include "base/status.h"
#include "base/str.h"
#include "ingest/mqtt/to_fhir.h"
#include "search/parse.h"

namespace vigil::mqtt {
namespace {

// The ids of at most two current resources of type matching params.
absl::StatusOr<std::vector<std::string>> FindIds(store::Reader& reader,
                                                 const search::Registry& registry,
                                                 std::string_view type, search::SearchParams params) {
  params.emplace_back("_count", "2");
  VIGIL_ASSIGN_OR_RETURN(search::ParsedSearch parsed,
                         search::ParseSearch(registry, type, params, search::SearchOptions{}));
  parsed.query.total = store::TotalMode::kNone;
  VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(parsed.query));
  std::vector<std::string> ids;
  for (const store::StoredResource& r : page.resources) ids.push_back(r.id);
  return ids;
}

}  // namespace

absl::StatusOr<PatientContext> FindPatient(store::Reader& reader, const search::Registry& registry,
                                           const PatientIdentifier& patient) {
  VIGIL_ASSIGN_OR_RETURN(
      std::vector<std::string> patients,
      FindIds(reader, registry, "Patient", {{"identifier", TokenValue(patient.system, patient.value)}}));
  if (patients.empty()) {
    return absl::NotFoundError(StrCat("no Patient has the identifier ", patient.system, "|",
                                      patient.value, "; device readings are only stored for "
                                      "known patients"));
  }
  if (patients.size() > 1) {
    return absl::FailedPreconditionError(StrCat("several Patients have the identifier ",
                                                patient.system, "|", patient.value));
  }
  PatientContext out;
  out.patient_id = patients[0];
  VIGIL_ASSIGN_OR_RETURN(std::vector<std::string> encounters,
                         FindIds(reader, registry, "Encounter",
                                 {{"patient", StrCat("Patient/", out.patient_id)},
                                  {"status", "in-progress"}}));
  if (encounters.size() == 1) out.encounter_id = encounters[0];
  return out;
}

}  // namespace vigil::mqtt
