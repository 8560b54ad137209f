// The FHIR-specific additions to FHIRPath (FHIR R4 "FHIRPath" page, section
// 2.1.9.1) and the reflection/type functions: extension, hasValue, getValue,
// resolve, is, as, type, conformsTo.
#include <map>
#include <memory>
#include <mutex>

#include "base/str.h"
#include "fhirpath/functions.h"
#include "fhirpath/type_arg.h"

namespace vigil::fhirpath {
namespace {

using Result = absl::StatusOr<Collection>;

constexpr std::string_view kSdPrefix = "http://hl7.org/fhir/StructureDefinition/";

Result Extension(const FnCall& call) {
  auto url = call.StringArg(0);
  if (!url.ok()) return url.status();
  if (!*url) return Collection{};
  Collection out;
  for (const Value& item : call.input) {
    Collection extensions;
    ChildrenNamed(item, "extension", &extensions);
    for (const Value& ext : extensions) {
      const fhir::Json* u = ext.node().json->Find("url");
      if (u != nullptr && u->is_string() && u->text() == **url) out.push_back(ext);
    }
  }
  return out;
}

bool IsPrimitiveWithValue(const Value& v) {
  if (!v.is_node()) return false;
  const NodeRef& n = v.node();
  bool primitive = n.type != nullptr ? n.type->kind == fhir::TypeKind::kPrimitive
                                     : !n.json->is_object() && !n.json->is_array();
  return primitive && !n.json->is_null();
}

Result HasValue(const FnCall& call) {
  return Single(Value::Boolean(call.input.size() == 1 && IsPrimitiveWithValue(call.input[0])));
}

Result GetValue(const FnCall& call) {
  if (call.input.size() != 1 || !IsPrimitiveWithValue(call.input[0])) return Collection{};
  auto v = call.input[0].AsSystem();
  if (!v) return Collection{};
  return Single(*v);
}

// The reference text of an item: a Reference's "reference", or a string.
std::optional<std::string> ReferenceText(const Value& item) {
  if (item.is_node() && item.node().json->is_object()) {
    const fhir::Json* r = item.node().json->Find("reference");
    if (r != nullptr && r->is_string()) return r->text();
    return std::nullopt;
  }
  auto v = item.AsSystem();
  if (v && v->kind() == ValueKind::kString) return std::string(v->string());
  return std::nullopt;
}

const fhir::Json* FindContained(const fhir::Json& resource, std::string_view id) {
  const fhir::Json* contained = resource.Find("contained");
  if (contained == nullptr) return nullptr;
  for (const fhir::Json& c : contained->items()) {
    const fhir::Json* cid = c.Find("id");
    if (cid != nullptr && cid->is_string() && cid->text() == id) return &c;
  }
  return nullptr;
}

// "Patient/123" or a full URL within a Bundle's entries.
const fhir::Json* FindInBundle(const fhir::Json& bundle, std::string_view ref) {
  const fhir::Json* entries = bundle.Find("entry");
  if (entries == nullptr) return nullptr;
  for (const fhir::Json& entry : entries->items()) {
    const fhir::Json* resource = entry.Find("resource");
    if (resource == nullptr) continue;
    const fhir::Json* full_url = entry.Find("fullUrl");
    if (full_url != nullptr && full_url->is_string() && full_url->text() == ref) return resource;
    const fhir::Json* type = resource->Find("resourceType");
    const fhir::Json* id = resource->Find("id");
    if (type != nullptr && id != nullptr &&
        (ref.ends_with(StrCat("/", type->text(), "/", id->text())) ||
         ref == StrCat(type->text(), "/", id->text()))) {
      return resource;
    }
  }
  return nullptr;
}

Result Resolve(const FnCall& call) {
  const fhir::Json* root = call.ctx.resource != nullptr && !call.ctx.resource->empty()
                               ? (*call.ctx.resource)[0].node().json
                               : nullptr;
  Collection out;
  for (const Value& item : call.input) {
    auto ref = ReferenceText(item);
    if (!ref) continue;
    const fhir::Json* target = nullptr;
    if (root != nullptr && ref->starts_with("#")) target = FindContained(*root, ref->substr(1));
    if (target == nullptr && root != nullptr) target = FindInBundle(*root, *ref);
    if (target == nullptr && call.ctx.options != nullptr && call.ctx.options->resolve) {
      target = call.ctx.options->resolve(*ref);
    }
    if (target != nullptr) out.push_back(ResourceNode(*target));
  }
  return out;
}

Result Is(const FnCall& call) {
  auto type = TypeArgument(call.ArgNode(0));
  if (!type.ok()) return call.Error(Message(type.status()));
  if (call.input.empty()) return Collection{};
  if (call.input.size() > 1) return call.Error("the input must be a single item");
  return Single(Value::Boolean(IsOfType(call.input[0], type->first, type->second)));
}

Result As(const FnCall& call) {
  auto type = TypeArgument(call.ArgNode(0));
  if (!type.ok()) return call.Error(Message(type.status()));
  if (call.input.size() > 1) return call.Error("the input must be a single item");
  if (call.input.empty() || !IsOfType(call.input[0], type->first, type->second, true)) {
    return Collection{};
  }
  return call.input;
}

// The {namespace, name} object type() returns for a type. Objects are interned
// for the life of the process: there are only as many as there are types, and
// nodes never own the Json they point into.
const fhir::Json& TypeInfoObject(bool system, std::string_view name) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<fhir::Json>, std::less<>> interned;
  std::string key = StrCat(system ? "System." : "FHIR.", name);
  std::lock_guard<std::mutex> lock(mu);
  auto it = interned.find(key);
  if (it != interned.end()) return *it->second;
  auto info = std::make_unique<fhir::Json>(fhir::Json::Object());
  info->Set("namespace", fhir::Json::String(system ? "System" : "FHIR"));
  info->Set("name", fhir::Json::String(std::string(name)));
  return *interned.emplace(std::move(key), std::move(info)).first->second;
}

Result Type(const FnCall& call) {
  Collection out;
  for (const Value& v : call.input) {
    out.push_back(Value::Node(NodeRef{&TypeInfoObject(v.IsSystemValue(), v.TypeName()), nullptr}));
  }
  return out;
}

Result ConformsTo(const FnCall& call) {
  auto url = call.StringArg(0);
  if (!url.ok()) return url.status();
  if (!*url || call.input.empty()) return Collection{};
  if (!(*url)->starts_with(kSdPrefix)) {
    return call.Error(StrCat("unknown profile '", **url, "'"));
  }
  std::string_view type_name = std::string_view(**url).substr(kSdPrefix.size());
  if (fhir::FindType(type_name) == nullptr) {
    return call.Error(StrCat("unknown profile '", **url, "'"));
  }
  if (call.input.size() > 1) return call.Error("the input must be a single item");
  return Single(Value::Boolean(IsOfType(call.input[0], "FHIR", type_name)));
}

const FunctionDef kFunctions[] = {
    {"extension", 1, 1, Extension},
    {"hasValue", 0, 0, HasValue},
    {"getValue", 0, 0, GetValue},
    {"resolve", 0, 0, Resolve},
    {"is", 1, 1, Is},
    {"as", 1, 1, As},
    {"type", 0, 0, Type},
    {"conformsTo", 1, 1, ConformsTo},
};

}  // namespace

absl::StatusOr<std::pair<std::string, std::string>> TypeArgument(const Node& arg) {
  if (arg.kind != NodeKind::kMember) {
    return absl::InvalidArgumentError("expected a type name");
  }
  if (arg.children.empty()) return std::make_pair(std::string(), arg.name);
  const Node& ns = *arg.children[0];
  if (ns.kind != NodeKind::kMember || !ns.children.empty()) {
    return absl::InvalidArgumentError("expected a type name");
  }
  return std::make_pair(ns.name, arg.name);
}

std::span<const FunctionDef> FhirFunctions() { return kFunctions; }

}  // namespace vigil::fhirpath
