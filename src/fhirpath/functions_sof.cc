// The SQL-on-FHIR v2 additions to FHIRPath: getResourceKey() and
// getReferenceKey([type]). They produce join keys, so that the rows of one view
// can be joined to the rows of another.
//
// The key of a resource is "Type/id" (the spec leaves its form to the
// implementation; keeping the type makes keys unique across resource types).
// getReferenceKey derives the same form from Reference.reference when it is a
// relative literal reference, "Type/id" or "Type/id/_history/v". Other forms
// (absolute URLs, "#contained", urn:uuid/urn:oid, identifier-only references)
// cannot be matched to a resource key without resolving them, and give nothing.
// Bundles whose entries use urn:uuid references are rewritten to "Type/id"
// before views run over them (see app/cmd_view.cc).
#include <optional>
#include <string>
#include <string_view>

#include "base/str.h"
#include "fhirpath/functions.h"
#include "fhirpath/type_arg.h"

namespace vigil::fhirpath {
namespace {

using Result = absl::StatusOr<Collection>;

// "Type/id" for a resource node; nullopt when item is not a resource with an id.
std::optional<std::string> ResourceKey(const Value& item) {
  if (!item.is_node() || !item.node().json->is_object()) return std::nullopt;
  const fhir::Json& json = *item.node().json;
  const fhir::Json* type = json.Find("resourceType");
  const fhir::Json* id = json.Find("id");
  if (type == nullptr || !type->is_string() || id == nullptr || !id->is_string()) {
    return std::nullopt;
  }
  return StrCat(type->text(), "/", id->text());
}

// Splits a relative reference into (type, id); nullopt for any other form.
std::optional<std::pair<std::string_view, std::string_view>> SplitRelative(std::string_view ref) {
  if (size_t h = ref.find("/_history/"); h != std::string_view::npos) ref = ref.substr(0, h);
  size_t slash = ref.find('/');
  if (slash == std::string_view::npos || ref.find('/', slash + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view type = ref.substr(0, slash);
  std::string_view id = ref.substr(slash + 1);
  if (id.empty() || !fhir::IsResourceType(type)) return std::nullopt;
  return std::make_pair(type, id);
}

Result GetResourceKey(const FnCall& call) {
  Collection out;
  for (const Value& item : call.input) {
    if (auto key = ResourceKey(item)) out.push_back(Value::String(std::move(*key)));
  }
  return out;
}

Result GetReferenceKey(const FnCall& call) {
  std::string type_filter;
  if (call.arg_count() == 1) {
    auto type = TypeArgument(call.ArgNode(0));
    if (!type.ok()) return call.Error(Message(type.status()));
    type_filter = type->second;
  }
  Collection out;
  for (const Value& item : call.input) {
    if (!item.is_node() || !item.node().json->is_object()) continue;
    const fhir::Json* ref = item.node().json->Find("reference");
    if (ref == nullptr || !ref->is_string()) continue;
    auto parts = SplitRelative(ref->text());
    if (!parts || (!type_filter.empty() && parts->first != type_filter)) continue;
    out.push_back(Value::String(StrCat(parts->first, "/", parts->second)));
  }
  return out;
}

const FunctionDef kFunctions[] = {
    {"getResourceKey", 0, 0, GetResourceKey},
    {"getReferenceKey", 0, 1, GetReferenceKey},
};

}  // namespace

std::span<const FunctionDef> SofFunctions() { return kFunctions; }

}  // namespace vigil::fhirpath
