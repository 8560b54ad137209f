// _summary and _elements (FHIR R4 search page, "Summary" and "Elements"):
// reduce a resource to a subset of its top-level elements and tag it
// SUBSETTED. The subset is decided at the top level only: a kept element is
// kept whole.
#include <algorithm>

#include "fhir/model.h"
#include "server/rest/search_exec.h"

namespace vigil::server {
namespace {

bool Mandatory(const fhir::ElementInfo* element) { return element != nullptr && element->min > 0; }

void TagSubsetted(fhir::Json& resource) {
  fhir::Json* meta = resource.Find("meta");
  if (meta == nullptr) meta = &resource.Set("meta", fhir::Json::Object());
  fhir::Json* tags = meta->Find("tag");
  if (tags == nullptr || !tags->is_array()) tags = &meta->Set("tag", fhir::Json::Array());
  fhir::Json tag = fhir::Json::Object();
  tag.Set("system", fhir::Json::String("http://terminology.hl7.org/CodeSystem/v3-ObservationValue"));
  tag.Set("code", fhir::Json::String("SUBSETTED"));
  tags->Push(std::move(tag));
}

// Whether a top-level member stays, by the member's element definition.
bool Keep(std::string_view member, const fhir::ElementInfo* element, std::string_view summary,
          const std::vector<std::string>& elements) {
  if (member == "resourceType" || member == "id" || member == "meta") return true;
  std::string_view name = element != nullptr ? element->name : member;
  if (!elements.empty()) {
    return Mandatory(element) ||
           std::find(elements.begin(), elements.end(), name) != elements.end();
  }
  if (summary == "true") return element != nullptr && (element->is_summary || Mandatory(element));
  if (summary == "text") return member == "text" || Mandatory(element);
  if (summary == "data") return member != "text";
  return true;
}

}  // namespace

std::string ApplySummary(std::string_view resource_json, std::string_view summary,
                         const std::vector<std::string>& elements) {
  if (summary == "false" || (summary.empty() && elements.empty())) return std::string(resource_json);
  absl::StatusOr<fhir::Json> parsed = fhir::ParseJson(resource_json);
  if (!parsed.ok() || !parsed->is_object()) return std::string(resource_json);
  const fhir::Json* type_name = parsed->Find("resourceType");
  const fhir::TypeInfo* type = type_name ? fhir::FindType(type_name->text()) : nullptr;
  fhir::Json out = fhir::Json::Object();
  for (auto& [member, value] : parsed->members()) {
    std::string_view name = member;
    if (name.starts_with('_')) name.remove_prefix(1);  // primitive extensions follow their value
    const fhir::ElementInfo* element = type ? type->FindJsonMember(name) : nullptr;
    if (Keep(name, element, summary, elements)) out.Set(member, std::move(value));
  }
  if (summary != "data") TagSubsetted(out);
  return fhir::WriteJson(out);
}

}  // namespace vigil::server
