#include "persist/references.h"

#include "base/status.h"

namespace vigil::persist {

absl::Status RewriteReferences(fhir::Json& value, const ReferenceMapper& map) {
  if (value.is_array()) {
    for (fhir::Json& item : value.items()) VIGIL_RETURN_IF_ERROR(RewriteReferences(item, map));
    return absl::OkStatus();
  }
  if (!value.is_object()) return absl::OkStatus();
  for (auto& [name, member] : value.members()) {
    if (name == "reference" && member.is_string()) {
      VIGIL_ASSIGN_OR_RETURN(std::optional<std::string> replacement, map(member.text()));
      if (replacement) member = fhir::Json::String(std::move(*replacement));
    } else {
      VIGIL_RETURN_IF_ERROR(RewriteReferences(member, map));
    }
  }
  return absl::OkStatus();
}

}  // namespace vigil::persist
