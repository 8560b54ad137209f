// AnalyticsService::Run ($run): which view, which patients, then view_run.h.
#include <set>

#include "analytics/analytics_service.h"
#include "analytics/view_run.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"

namespace vigil::analytics {
namespace {

absl::StatusOr<std::shared_ptr<const sof::View>> CompileStored(const StoredView& stored) {
  VIGIL_ASSIGN_OR_RETURN(fhir::Json json, fhir::ParseJson(stored.json));
  return CompileView(json);
}

absl::StatusOr<std::optional<fhir::Json>> ReadCurrent(store::Store& store, std::string_view type,
                                                      std::string_view id) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> stored, store.Read(type, id));
  if (!stored || stored->deleted) return std::optional<fhir::Json>();
  VIGIL_ASSIGN_OR_RETURN(fhir::Json json, fhir::ParseJson(stored->json));
  return std::optional<fhir::Json>(std::move(json));
}

// The active Patient members of a Group.
void AddMembers(const fhir::Json& group, std::set<std::string>* ids) {
  const fhir::Json* members = group.Find("member");
  if (members == nullptr) return;
  for (const fhir::Json& member : members->items()) {
    const fhir::Json* inactive = member.Find("inactive");
    if (inactive != nullptr && inactive->is_bool() && inactive->bool_value()) continue;
    const fhir::Json* entity = member.Find("entity");
    const fhir::Json* ref = entity != nullptr ? entity->Find("reference") : nullptr;
    if (ref == nullptr || !ref->is_string()) continue;
    absl::StatusOr<std::string> id = ReferenceId(ref->text(), "Patient");
    if (id.ok() && ref->text().find('/') != std::string::npos) ids->insert(*id);
  }
}

}  // namespace

absl::StatusOr<RunOutput> AnalyticsService::Run(std::string_view instance_id,
                                                const RunParams& params, std::string_view accept) {
  VIGIL_ASSIGN_OR_RETURN(std::shared_ptr<const sof::View> view, ViewForRun(instance_id, params));
  RunOptions options;
  VIGIL_ASSIGN_OR_RETURN(options.format, ChooseFormat(params.format, accept));
  options.header = params.header.value_or(true);
  options.limit = params.limit;
  RunOutput output;
  output.format = options.format;
  if (!params.resources.empty()) {
    if (!params.patients.empty() || !params.groups.empty() || params.since) {
      return HttpError(400, "not-supported",
                       "$run: patient, group and _since filter the server's data; they cannot "
                       "be combined with resources given in the request");
    }
    VIGIL_ASSIGN_OR_RETURN(output.body, RunOverResources(params.resources, *view, options));
    return output;
  }
  VIGIL_ASSIGN_OR_RETURN(options.filter.patients, PatientsOf(params));
  options.filter.since = params.since;
  VIGIL_ASSIGN_OR_RETURN(output.body, RunOverStore(store_, *view, options));
  return output;
}

absl::StatusOr<std::shared_ptr<const sof::View>> AnalyticsService::ViewForRun(
    std::string_view instance_id, const RunParams& params) {
  bool inline_view = params.view_resource.has_value();
  bool reference = !params.view_reference.empty();
  if (!instance_id.empty() && (inline_view || reference)) {
    return HttpError(400, "invalid",
                     "$run on a stored view takes neither viewResource nor viewReference");
  }
  if (instance_id.empty() && inline_view == reference) {
    return HttpError(400, "required", "$run needs exactly one of viewResource and viewReference");
  }
  if (inline_view) return CompileView(*params.view_resource);
  std::string id(instance_id);
  if (id.empty()) {
    VIGIL_ASSIGN_OR_RETURN(id, ReferenceId(params.view_reference, "ViewDefinition"));
  }
  VIGIL_ASSIGN_OR_RETURN(std::optional<StoredView> stored, GetView(id));
  if (!stored) return HttpError(404, "not-found", StrCat("ViewDefinition/", id, " is not known"));
  return CompileStored(*stored);
}

absl::StatusOr<std::optional<std::vector<std::string>>> AnalyticsService::PatientsOf(
    const RunParams& params) {
  if (params.patients.empty() && params.groups.empty()) {
    return std::optional<std::vector<std::string>>();
  }
  std::set<std::string> ids;
  for (const std::string& ref : params.patients) {
    VIGIL_ASSIGN_OR_RETURN(std::string id, ReferenceId(ref, "Patient"));
    VIGIL_ASSIGN_OR_RETURN(std::optional<fhir::Json> patient, ReadCurrent(store_, "Patient", id));
    if (!patient)
      return HttpError(404, "not-found", StrCat("Patient/", id, " is not on this server"));
    ids.insert(id);
  }
  for (const std::string& ref : params.groups) {
    VIGIL_ASSIGN_OR_RETURN(std::string id, ReferenceId(ref, "Group"));
    VIGIL_ASSIGN_OR_RETURN(std::optional<fhir::Json> group, ReadCurrent(store_, "Group", id));
    if (!group) return HttpError(404, "not-found", StrCat("Group/", id, " is not on this server"));
    AddMembers(*group, &ids);
  }
  return std::optional<std::vector<std::string>>(std::vector<std::string>(ids.begin(), ids.end()));
}

}  // namespace vigil::analytics
