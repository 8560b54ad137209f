// FHIR element navigation over the Json tree, typed by the generated model.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/inlined_vector.h"
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
    if (key.size() == name.size() + 1 && key[0] == '_' && std::string_view(key).substr(1) == name) {
      return &child;
    }
  }
  return nullptr;
}

// Member `name` and its "_name" twin, in one pass over the object.
std::pair<const fhir::Json*, const fhir::Json*> FindWithExt(const fhir::Json& object,
                                                            std::string_view name) {
  const fhir::Json* value = nullptr;
  const fhir::Json* ext = nullptr;
  if (name.empty()) return {value, ext};
  // Checking length and first letter before comparing avoids most memcmp calls.
  for (const auto& [key, child] : object.members()) {
    std::string_view k = key;
    if (k.size() == name.size()) {
      if (k[0] == name[0] && k == name) value = &child;
    } else if (k.size() == name.size() + 1 && k[0] == '_' && k[1] == name[0] &&
               k.substr(1) == name) {
      ext = &child;
    }
  }
  return {value, ext};
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
    if (key.size() <= element.name.size() ||
        key.compare(0, element.name.size(), element.name) != 0) {
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
  if (node.type == nullptr) {
    const fhir::Json* object = ChildObject(node);
    if (object == nullptr || !object->is_object()) return;
    auto [value, ext] = FindWithExt(*object, name);
    AppendValues(value, ext, nullptr, out);
    return;
  }
  // Path names, not JSON names: "value" selects value[x]; "valueQuantity" is no step.
  const fhir::ElementInfo* element = node.type->FindElement(name);
  if (element != nullptr) ChildrenOfElement(item, *element, out);
}

void ChildrenOfElement(const Value& item, const fhir::ElementInfo& element, Collection* out) {
  const NodeRef& node = item.node();
  const fhir::Json* object = ChildObject(node);
  if (object == nullptr || !object->is_object()) return;
  if (element.is_choice) {
    ChoiceChildren(*object, element, out);
    return;
  }
  auto [value, ext] = FindWithExt(*object, element.name);
  AppendValues(value, ext, node.type->ElementType(element), out);
}

namespace {

// Whether element is the one JSON member `key` belongs to (confirms a cache hit).
bool ElementMatchesKey(const fhir::ElementInfo& element, std::string_view key) {
  if (!element.is_choice) return element.name == key;
  return !fhir::ChoiceTypeOf(element, key).empty();
}

// TypeInfo::FindJsonMember, cached: children() looks up every member it meets.
const fhir::ElementInfo* JsonMemberElement(const fhir::TypeInfo& type, std::string_view key) {
  // Direct-mapped, per thread, keyed by the addresses of the type and of the key's
  // characters: JSON member names and expression names are looked up again and
  // again at the same address (descendants(), repeated evaluation). A hit is
  // confirmed by comparing names, so an address reused for other text is harmless.
  struct Entry {
    const fhir::TypeInfo* type = nullptr;
    const char* key = nullptr;
    const fhir::ElementInfo* element = nullptr;
  };
  constexpr size_t kSlots = 512;
  thread_local Entry cache[kSlots];
  auto hash =
      (reinterpret_cast<uintptr_t>(&type) >> 3) ^ (reinterpret_cast<uintptr_t>(key.data()) >> 1);
  Entry& slot = cache[(hash ^ (hash >> 9)) % kSlots];
  if (slot.type == &type && slot.key == key.data() && ElementMatchesKey(*slot.element, key)) {
    return slot.element;
  }
  const fhir::ElementInfo* element = type.FindJsonMember(key);
  if (element != nullptr) slot = {&type, key.data(), element};
  return element;
}

}  // namespace

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
  // Children come in definition order. Walking the members present (rather than
  // every element the type defines) keeps descendants() linear in the data.
  struct Present {
    const fhir::ElementInfo* element;
    std::string_view key;  // the JSON name ("valueQuantity" for value[x])
    const fhir::Json* value;
    const fhir::Json* ext;  // the "_key" twin
  };
  absl::InlinedVector<Present, 16> present;
  bool has_twins = false;
  for (const auto& [key, child] : json.members()) {
    if (key.starts_with('_')) {
      has_twins = true;
    } else if (key != "resourceType") {
      if (const fhir::ElementInfo* e = JsonMemberElement(*node.type, key)) {
        present.push_back({e, key, &child, nullptr});
      }
    }
  }
  if (has_twins) {  // attach "_key" members to their values, or add them alone
    for (const auto& [key, child] : json.members()) {
      if (!key.starts_with('_')) continue;
      std::string_view name = std::string_view(key).substr(1);
      auto twin = std::find_if(present.begin(), present.end(),
                               [&](const Present& p) { return p.key == name; });
      if (twin != present.end()) {
        twin->ext = &child;
      } else if (const fhir::ElementInfo* e = JsonMemberElement(*node.type, name)) {
        present.push_back({e, name, nullptr, &child});
      }
    }
  }
  // Members are nearly always already in definition order: insertion sort is
  // linear then, and allocates nothing.
  for (size_t i = 1; i < present.size(); ++i) {
    for (size_t j = i; j > 0 && present[j].element < present[j - 1].element; --j) {
      std::swap(present[j], present[j - 1]);
    }
  }
  for (const Present& p : present) {
    const fhir::TypeInfo* type = p.element->is_choice
                                     ? fhir::FindType(fhir::ChoiceTypeOf(*p.element, p.key))
                                     : node.type->ElementType(*p.element);
    AppendValues(p.value, p.ext, type, out);
  }
}

}  // namespace vigil::fhirpath
