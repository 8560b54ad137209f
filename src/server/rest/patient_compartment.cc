#include "server/rest/patient_compartment.h"

#include <algorithm>
#include <variant>

#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "fhir/json.h"
#include "search/compartments.h"
#include "search/indexer.h"

namespace vigil::server {
namespace {

absl::Status Forbidden(std::string_view why) {
  return HttpError(403, "forbidden",
                   StrCat(why, " (not supported yet for patient-context tokens)"));
}

bool ReachesOutside(const store::Clause& clause) {
  return std::any_of(clause.any_of.begin(), clause.any_of.end(), [](const store::Predicate& p) {
    return std::holds_alternative<store::ChainMatch>(p) ||
           std::holds_alternative<store::ReverseChainMatch>(p);
  });
}

bool JsonInCompartment(const search::Registry& registry, const std::string& type,
                       const fhir::Json& json, std::string_view patient) {
  std::vector<std::string> params = search::CompartmentParamList("Patient", type);
  if (params.empty()) return false;
  absl::StatusOr<store::IndexEntries> rows = search::IndexResource(registry, json);
  if (!rows.ok()) return false;
  return std::any_of(rows->references.begin(), rows->references.end(),
                     [&](const store::ReferenceRow& r) {
                       return r.target_type == "Patient" && r.target_id == patient &&
                              std::find(params.begin(), params.end(), r.param) != params.end();
                     });
}

}  // namespace

bool InPatientCompartment(const search::Registry& registry, const store::StoredResource& resource,
                          std::string_view patient) {
  if (patient.empty() || resource.deleted) return false;
  if (resource.type == "Patient") return resource.id == patient;
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(resource.json);
  return json.ok() && JsonInCompartment(registry, resource.type, *json, patient);
}

absl::Status CheckInstanceVisible(store::Reader& reader, const search::Registry& registry,
                                  const std::string& type, const std::string& id,
                                  std::string_view patient, std::string_view not_found) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> current, reader.Read(type, id));
  if (!current) return absl::OkStatus();
  if (current->deleted && current->version > 1) {
    VIGIL_ASSIGN_OR_RETURN(current, reader.ReadVersion(type, id, current->version - 1));
  }
  if (current && InPatientCompartment(registry, *current, patient)) return absl::OkStatus();
  return HttpError(404, "not-found", not_found);
}

absl::Status CheckBundleVisible(const search::Registry& registry, std::string_view bundle_json,
                                std::string_view patient, std::string_view not_found) {
  absl::StatusOr<fhir::Json> bundle = fhir::ParseJson(bundle_json);
  if (!bundle.ok()) return absl::InternalError("a Bundle we wrote does not parse");
  const fhir::Json* entries = bundle->Find("entry");
  if (entries == nullptr) return absl::OkStatus();
  for (const fhir::Json& entry : entries->items()) {
    const fhir::Json* resource = entry.Find("resource");
    if (resource == nullptr) continue;  // a delete: no content
    const fhir::Json* type = resource->Find("resourceType");
    const fhir::Json* id = resource->Find("id");
    if (type == nullptr || id == nullptr) return HttpError(404, "not-found", not_found);
    bool visible = type->text() == "Patient"
                       ? id->text() == patient
                       : JsonInCompartment(registry, type->text(), *resource, patient);
    if (!visible) return HttpError(404, "not-found", not_found);
  }
  return absl::OkStatus();
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
    return Forbidden(StrCat(type, " is not in the Patient compartment; searching it"));
  }
  clause.param = "_compartment";
  clause.kind = store::RowKind::kReference;
  clause.any_of.push_back(
      store::CompartmentMatch{std::move(params), "Patient", std::string(patient)});
  return clause;
}

absl::Status VetPatientSearch(const search::ParsedSearch& parsed) {
  if (!parsed.includes.empty() || !parsed.revincludes.empty())
    return Forbidden("_include and _revinclude");
  for (const store::Clause& clause : parsed.query.all_of) {
    if (ReachesOutside(clause)) return Forbidden("chained parameters and _has");
  }
  return absl::OkStatus();
}

}  // namespace vigil::server
