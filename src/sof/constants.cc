// ViewDefinition.constant -> FHIRPath external constants (%name).
//
// A constant is {"name": ..., "value[x]": ...} with exactly one value[x]. Its value
// becomes a FHIR node of the type the member names ("valueDate" -> date), pointing
// into the ViewDefinition's own Json, so it behaves in FHIRPath exactly as the same
// element would in a resource (a date compares as a Date, a positiveInt as an
// Integer, a base64Binary as a String), and every FHIR type is supported without
// a table of conversions here.
#include <cctype>
#include <string>

#include "base/str.h"
#include "sof/plan.h"

namespace vigil::sof {
namespace {

absl::Status ConstantError(size_t index, std::string_view message) {
  return absl::InvalidArgumentError(StrCat("constant[", index, "]: ", message));
}

// "valueDateTime" -> "dateTime"; empty when member is not a value[x] name.
std::string ValueType(std::string_view member) {
  constexpr std::string_view kPrefix = "value";
  if (!member.starts_with(kPrefix) || member.size() == kPrefix.size()) return "";
  std::string type(member.substr(kPrefix.size()));
  if (!std::isupper(static_cast<unsigned char>(type[0]))) return "";
  // Primitive type names start lower-case; complex ones (Coding, Quantity) do not.
  std::string lower = type;
  lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
  if (const fhir::TypeInfo* t = fhir::FindType(lower);
      t != nullptr && t->kind == fhir::TypeKind::kPrimitive) {
    return lower;
  }
  return type;
}

absl::Status AddConstant(size_t index, const fhir::Json& constant, ViewPlan* plan) {
  if (!constant.is_object()) return ConstantError(index, "must be an object");
  const fhir::Json* name = constant.Find("name");
  if (name == nullptr || !name->is_string()) return ConstantError(index, "needs a string 'name'");
  if (!IsValidName(name->text())) {
    return ConstantError(index, StrCat("invalid name '", name->text(), "'"));
  }
  const fhir::Json* value = nullptr;
  const fhir::TypeInfo* type = nullptr;
  for (const auto& [member, json] : constant.members()) {
    if (member == "name" || member == "id" || member == "extension") continue;
    std::string type_name = ValueType(member);
    const fhir::TypeInfo* t = type_name.empty() ? nullptr : fhir::FindType(type_name);
    if (t == nullptr || t->kind == fhir::TypeKind::kResource) {
      return ConstantError(index, StrCat("unknown member '", member, "'"));
    }
    if (value != nullptr) return ConstantError(index, "has more than one value[x]");
    value = &json;
    type = t;
  }
  if (value == nullptr) {
    return ConstantError(index, StrCat("'", name->text(), "' has no value[x]"));
  }
  if (value->is_null() || value->is_array()) {
    return ConstantError(index, StrCat("'", name->text(), "' must have a single value"));
  }
  auto [it, inserted] = plan->constants.emplace(
      name->text(), fhirpath::Collection{fhirpath::Value::Node(fhirpath::NodeRef{value, type})});
  if (!inserted) return ConstantError(index, StrCat("duplicate name '", name->text(), "'"));
  return absl::OkStatus();
}

}  // namespace

absl::Status CompileConstants(ViewPlan* plan) {
  const fhir::Json* constants = plan->definition->Find("constant");
  if (constants == nullptr) return absl::OkStatus();
  if (!constants->is_array()) return absl::InvalidArgumentError("'constant' must be an array");
  for (size_t i = 0; i < constants->items().size(); ++i) {
    if (auto s = AddConstant(i, constants->items()[i], plan); !s.ok()) return s;
  }
  // The runner's %rowIndex and FHIRPath's own environment may not be hidden.
  for (std::string_view reserved :
       {"rowIndex", "resource", "rootResource", "context", "ucum", "sct", "loinc"}) {
    if (plan->constants.count(reserved)) {
      return absl::InvalidArgumentError(StrCat("constant: the name '", reserved, "' is reserved"));
    }
  }
  return absl::OkStatus();
}

}  // namespace vigil::sof
