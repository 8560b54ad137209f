// FHIR element navigation over the Json tree, typed by the generated model.
#include <string>

#include "base/str.h"
#include "fhirpath/eval.h"

namespace vigil::fhirpath {
namespace {

const fhir::Json& NullJson() {
  static const fhir::Json kNull;
  return kNull;
}

const fhir::TypeInfo* ResourceTypeOf(const fhir::Json& json) {
  if (!json.is_object()) return nullptr;
  const fhir::Json* rt = json.Find("resourceType");
  if (rt == nullptr || !rt->is_string()) return nullptr;
  return fhir::FindType(rt->text());
}

// The type of a child value: its declared type, or for Resource-typed elements
// (contained, Bundle.entry.resource) the type its resourceType names.
const fhir::TypeInfo* ChildType(const fhir::TypeInfo* declared, const fhir::Json& json) {
  if (declared != nullptr && declared->kind == fhir::TypeKind::kResource) {
    if (const fhir::TypeInfo* actual = ResourceTypeOf(json)) return actual;
  }
  if (declared == nullptr) return ResourceTypeOf(json);
  return declared;
}

// Appends json (an array or a single value) with its "_name" twin.
void AppendValues(const fhir::Json* json, const fhir::Json* ext, const fhir::TypeInfo* type,
                  Collection* out) {
  if (json != nullptr && json->is_array()) {
    const auto& items = json->items();
    for (size_t i = 0; i < items.size(); ++i) {
      const fhir::Json* e = nullptr;
      if (ext != nullptr && ext->is_array() && i < ext->items().size() &&
          !ext->items()[i].is_null()) {
        e = &ext->items()[i];
      }
      if (items[i].is_null() && e == nullptr) continue;
      out->push_back(Value::Node(NodeRef{&items[i], ChildType(type, items[i]), e}));
    }
    return;
  }
  if (json == nullptr && ext != nullptr && ext->is_array()) {
    // Extensions on primitives whose values are all absent.
    for (const fhir::Json& e : ext->items()) {
      if (!e.is_null()) out->push_back(Value::Node(NodeRef{&NullJson(), type, &e}));
    }
    return;
  }
  if (json == nullptr) {
    if (ext != nullptr) out->push_back(Value::Node(NodeRef{&NullJson(), type, ext}));
    return;
  }
  if (json->is_null() && ext == nullptr) return;
  out->push_back(Value::Node(NodeRef{json, ChildType(type, *json), ext}));
}

// The "_name" twin of member name, found without building the key.
const fhir::Json* FindExt(const fhir::Json& object, std::string_view name) {
  for (const auto& [key, child] : object.members()) {
    if (key.size() == name.size() + 1 && key[0] == '_' &&
        std::string_view(key).substr(1) == name) {
      return &child;
    }
  }
  return nullptr;
}

// The object holding a node's children: the node itself, or for a primitive the
// "_name" object carrying its id and extensions.
const fhir::Json* ChildObject(const NodeRef& node) {
  if (node.type != nullptr && node.type->kind == fhir::TypeKind::kPrimitive) {
    return node.primitive_ext;
  }
  return node.json;
}

void ChoiceChildren(const fhir::Json& object, const fhir::ElementInfo& element, Collection* out) {
  for (const auto& [key, child] : object.members()) {
    if (key.size() <= element.name.size() || key.compare(0, element.name.size(), element.name) != 0) {
      continue;
    }
    std::string_view type_name = fhir::ChoiceTypeOf(element, key);
    if (type_name.empty()) continue;
    const fhir::Json* ext = FindExt(object, key);
    AppendValues(&child, ext, fhir::FindType(type_name), out);
  }
  // A choice primitive that has only an extension ("_valueString").
  for (const auto& [key, child] : object.members()) {
    if (key.size() < 2 || key[0] != '_') continue;
    std::string_view bare = std::string_view(key).substr(1);
    if (bare.compare(0, element.name.size(), element.name) != 0) continue;
    std::string_view type_name = fhir::ChoiceTypeOf(element, bare);
    if (type_name.empty() || object.Find(bare) != nullptr) continue;
    AppendValues(nullptr, &child, fhir::FindType(type_name), out);
  }
}

}  // namespace

Value ResourceNode(const fhir::Json& resource) {
  return Value::Node(NodeRef{&resource, ResourceTypeOf(resource), nullptr});
}

void ChildrenNamed(const Value& item, std::string_view name, Collection* out) {
  if (!item.is_node()) return;
  const NodeRef& node = item.node();
  const fhir::Json* object = ChildObject(node);
  if (object == nullptr || !object->is_object()) return;
  const fhir::Json& json = *object;
  if (node.type == nullptr) {
    AppendValues(json.Find(name), FindExt(json, name), nullptr, out);
    return;
  }
  const fhir::ElementInfo* element = node.type->FindElement(name);
  if (element == nullptr) return;
  if (element->is_choice) {
    ChoiceChildren(json, *element, out);
    return;
  }
  const fhir::TypeInfo* type =
      element->types.empty() ? nullptr : fhir::FindType(element->types.front());
  AppendValues(json.Find(name), FindExt(json, name), type, out);
}

void AllChildren(const Value& item, Collection* out) {
  if (!item.is_node()) return;
  const NodeRef& node = item.node();
  const fhir::Json* object = ChildObject(node);
  if (object == nullptr || !object->is_object()) return;
  const fhir::Json& json = *object;
  if (node.type == nullptr) {
    for (const auto& [key, child] : json.members()) {
      if (key == "resourceType" || key.empty() || key[0] == '_') continue;
      AppendValues(&child, FindExt(json, key), nullptr, out);
    }
    return;
  }
  for (const fhir::ElementInfo& element : node.type->elements) {
    if (element.is_choice) {
      ChoiceChildren(json, element, out);
      continue;
    }
    const fhir::Json* child = json.Find(element.name);
    const fhir::Json* ext = FindExt(json, element.name);
    if (child == nullptr && ext == nullptr) continue;
    const fhir::TypeInfo* type =
        element.types.empty() ? nullptr : fhir::FindType(element.types.front());
    AppendValues(child, ext, type, out);
  }
}

}  // namespace vigil::fhirpath
