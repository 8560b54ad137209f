#include "fhir/validate.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

#include "base/str.h"
#include "fhir/model.h"
#include "fhir/primitive_check.h"

namespace vigil::fhir {
namespace {

// Bits of the per-element presence mask while walking one object.
constexpr uint8_t kHasValue = 1;      // "birthDate" (or "valueQuantity" for a choice)
constexpr uint8_t kHasExtension = 2;  // "_birthDate"

// The type of a Reference's "reference" ("Patient" for "Patient/1",
// "http://x/fhir/Patient/1/_history/2" or "Patient?identifier=a|b"), or empty when
// it names none: a contained "#id", a "urn:uuid:", anything else unknown.
std::string_view ReferencedType(std::string_view ref) {
  if (ref.empty() || ref[0] == '#' || ref.starts_with("urn:")) return {};
  if (size_t q = ref.find('?'); q != std::string_view::npos) {
    std::string_view type = ref.substr(0, q);
    return type.find('/') == std::string_view::npos && IsResourceType(type) ? type
                                                                            : std::string_view();
  }
  if (size_t h = ref.find("/_history/"); h != std::string_view::npos) ref = ref.substr(0, h);
  size_t last = ref.rfind('/');
  if (last == std::string_view::npos || last == 0) return {};
  size_t before = ref.rfind('/', last - 1);
  std::string_view type = ref.substr(before == std::string_view::npos ? 0 : before + 1,
                                     last - (before == std::string_view::npos ? 0 : before + 1));
  return IsResourceType(type) ? type : std::string_view();
}

// The PrimitiveKind of each type in AllTypes(), looked up once.
PrimitiveKind KindOf(const TypeInfo& type) {
  static const std::vector<PrimitiveKind>* const kKinds = [] {
    auto* kinds = new std::vector<PrimitiveKind>();
    for (const TypeInfo& t : AllTypes()) kinds->push_back(PrimitiveKindOf(t.name));
    return kinds;
  }();
  std::span<const TypeInfo> all = AllTypes();
  auto p = reinterpret_cast<uintptr_t>(&type);
  auto begin = reinterpret_cast<uintptr_t>(all.data());
  if (p < begin || p >= reinterpret_cast<uintptr_t>(all.data() + all.size())) {
    return PrimitiveKindOf(type.name);  // a caller-built TypeInfo
  }
  return (*kKinds)[static_cast<size_t>(&type - all.data())];
}

// Walks one resource tree. The location is kept as a stack of segments and only
// rendered into a string when an issue is reported: valid data (the common case)
// builds no strings at all.
class Validator {
 public:
  explicit Validator(const ValidateOptions& options) : options_(options) {}

  std::vector<ValidationIssue> Take() && { return std::move(issues_); }

  // A resource whose type comes from its own resourceType member.
  void WalkResource(const Json& resource) {
    const Json* type_name = resource.Find("resourceType");
    if (type_name == nullptr || !type_name->is_string() || !IsResourceType(type_name->text())) {
      Report("structure", "resourceType", "missing or unknown resourceType");
      return;
    }
    const TypeInfo* type = FindType(type_name->text());
    bool root = path_.empty();
    if (root) path_.push_back({type->name, -1});
    WalkObject(resource, *type);
    if (root) path_.pop_back();
  }

 private:
  struct Segment {
    std::string_view name;
    int64_t index;  // -1: not an array item
  };

  // Members of object against type: each known member's value, the `_x`
  // extensions, then the required elements that were missing.
  void WalkObject(const Json& object, const TypeInfo& type) {
    std::span<const ElementInfo> elements = type.elements;
    std::array<uint8_t, 128> inline_seen{};
    std::vector<uint8_t> heap_seen;
    uint8_t* seen = inline_seen.data();
    if (elements.size() > inline_seen.size()) {
      heap_seen.resize(elements.size());
      seen = heap_seen.data();
    }
    bool is_resource = type.kind == TypeKind::kResource;
    for (const auto& [key_string, value] : object.members()) {
      std::string_view key = key_string;
      if (key == "fhir_comments" || (is_resource && key == "resourceType")) continue;
      if (key.starts_with('_')) {
        WalkPrimitiveExtension(object, type, key, value, seen);
        continue;
      }
      const ElementInfo* element = type.FindJsonMember(key);
      if (element == nullptr) {
        UnknownMember(type, key);
        continue;
      }
      uint8_t& mark = seen[element - elements.data()];
      if (element->is_choice && (mark & kHasValue)) {
        Report("structure", key,
               StrCat("more than one value for choice element ", element->name, "[x]"));
      }
      mark |= kHasValue;
      const TypeInfo* member_type =
          element->is_choice ? FindType(ChoiceTypeOf(*element, key)) : type.ElementType(*element);
      if (member_type == nullptr) continue;  // the model names no type (never in R4)
      path_.push_back({key, -1});
      WalkMember(object, key, value, *element, *member_type, is_resource && element->name == "id");
      path_.pop_back();
    }
    for (size_t i = 0; i < elements.size(); ++i) {
      if (elements[i].min > 0 && seen[i] == 0) MissingRequired(elements[i]);
    }
  }

  void UnknownMember(const TypeInfo& type, std::string_view key) {
    for (const ElementInfo& e : type.elements) {
      if (e.is_choice && key.size() > e.name.size() && key.starts_with(e.name) &&
          key[e.name.size()] >= 'A' && key[e.name.size()] <= 'Z') {
        Report("structure", key,
               StrCat("type ", key.substr(e.name.size()), " is not allowed for ", e.name, "[x]"));
        return;
      }
    }
    Report("structure", key, "unknown element");
  }

  void MissingRequired(const ElementInfo& element) {
    std::string name(element.name);
    if (element.is_choice) name += "[x]";
    Report("required", name,
           StrCat("required element ", name, " is missing (min ", element.min, ")"));
  }

  // A member's value: an array exactly when the element repeats, never empty.
  void WalkMember(const Json& parent, std::string_view key, const Json& value,
                  const ElementInfo& element, const TypeInfo& type, bool resource_id) {
    if (!element.is_array) {
      if (value.is_array()) {
        Report("structure", {}, "an array where a single value belongs (max cardinality 1)");
        return;
      }
      return WalkItem(value, element, type, resource_id, nullptr);
    }
    if (!value.is_array()) {
      Report("structure", {}, "a single value where an array belongs (the element repeats)");
      return;
    }
    if (value.items().empty()) {
      Report("structure", {}, "empty array (FHIR values are never empty)");
      return;
    }
    const Json* extensions = nullptr;  // "_given" beside "given", for null items
    if (type.kind == TypeKind::kPrimitive) extensions = FindExtension(parent, key);
    for (size_t i = 0; i < value.items().size(); ++i) {
      path_.back().index = static_cast<int64_t>(i);
      const Json* extension =
          extensions != nullptr && extensions->is_array() && i < extensions->items().size()
              ? &extensions->items()[i]
              : nullptr;
      WalkItem(value.items()[i], element, type, false, extension);
    }
    path_.back().index = -1;
  }

  // One value of type. extension: the matching item of a repeating primitive's
  // "_x" array (a null value is allowed where it holds an object).
  void WalkItem(const Json& item, const ElementInfo& element, const TypeInfo& type,
                bool resource_id, const Json* extension) {
    switch (type.kind) {
      case TypeKind::kPrimitive:
        if (item.is_null() && extension != nullptr && extension->is_object()) return;
        return CheckPrimitiveValue(item, element, type, resource_id);
      case TypeKind::kResource:
        if (!item.is_object()) return Report("structure", {}, "must be a resource (a JSON object)");
        return WalkResource(item);
      case TypeKind::kComplex:
      case TypeKind::kBackbone:
        if (!item.is_object()) return Report("structure", {}, "must be a JSON object");
        if (item.members().empty()) {
          return Report("structure", {}, "empty object (FHIR values are never empty)");
        }
        WalkObject(item, type);
        if (&type == kReference) CheckReferenceTarget(item, element);
        return;
    }
  }

  void CheckPrimitiveValue(const Json& item, const ElementInfo& element, const TypeInfo& type,
                           bool resource_id) {
    PrimitiveProblem problem =
        CheckPrimitive(resource_id ? PrimitiveKind::kId : KindOf(type), item);
    if (problem) {
      return Report(problem.wrong_kind ? "structure" : "value", {},
                    StrCat(type.name, ": ", problem.message));
    }
    if (element.required_codes.empty()) return;
    if (!std::binary_search(element.required_codes.begin(), element.required_codes.end(),
                            std::string_view(item.text()))) {
      Report("value", {},
             StrCat("'", Clip(item.text()), "' is not a code of the required value set ",
                    element.required_value_set));
    }
  }

  // Reference.reference "Type/id" must name one of the element's target types.
  void CheckReferenceTarget(const Json& reference, const ElementInfo& element) {
    if (element.target_types.empty()) return;
    const Json* ref = reference.Find("reference");
    if (ref == nullptr || !ref->is_string()) return;
    std::string_view type_name = ReferencedType(ref->text());
    if (type_name.empty()) return;
    const TypeInfo* type = FindType(type_name);
    for (std::string_view target : element.target_types) {
      if (type->IsA(target)) return;
    }
    std::string allowed;
    for (std::string_view target : element.target_types) {
      allowed += StrCat(allowed.empty() ? "" : ", ", target);
    }
    Report("value", "reference",
           StrCat("a reference to ", type_name, " is not allowed here (allowed: ", allowed, ")"));
  }

  // "_birthDate": the id and extensions of primitive birthDate; for a repeating
  // primitive an array of such objects and nulls, parallel to the values.
  void WalkPrimitiveExtension(const Json& parent, const TypeInfo& type, std::string_view key,
                              const Json& value, uint8_t* seen) {
    std::string_view name = key.substr(1);
    const ElementInfo* element = type.FindJsonMember(name);
    const TypeInfo* member_type = nullptr;
    if (element != nullptr) {
      member_type =
          element->is_choice ? FindType(ChoiceTypeOf(*element, name)) : type.ElementType(*element);
    }
    if (member_type == nullptr || member_type->kind != TypeKind::kPrimitive) {
      return Report("structure", key, "unknown element");
    }
    seen[element - type.elements.data()] |= kHasExtension;
    path_.push_back({key, -1});
    if (!element->is_array) {
      WalkExtensionItem(value);
    } else if (!value.is_array()) {
      Report("structure", {}, "a single value where an array belongs (the element repeats)");
    } else if (value.items().empty()) {
      Report("structure", {}, "empty array (FHIR values are never empty)");
    } else {
      const Json* values = parent.Find(name);
      size_t count = values != nullptr && values->is_array() ? values->items().size() : 0;
      if (values != nullptr && count != value.items().size()) {
        Report("structure", {},
               StrCat("has ", value.items().size(), " items but ", name, " has ", count,
                      " (the arrays are parallel)"));
      }
      for (size_t i = 0; i < value.items().size(); ++i) {
        const Json& item = value.items()[i];
        path_.back().index = static_cast<int64_t>(i);
        bool value_null = i >= count || values->items()[i].is_null();
        if (!item.is_null()) {
          WalkExtensionItem(item);
        } else if (value_null) {
          Report("structure", {}, StrCat("neither a value nor an extension for item ", i));
        }
      }
      path_.back().index = -1;
    }
    path_.pop_back();
  }

  void WalkExtensionItem(const Json& item) {
    static const TypeInfo* const kElement = FindType("Element");
    if (!item.is_object()) return Report("structure", {}, "must be a JSON object");
    if (item.members().empty()) {
      return Report("structure", {}, "empty object (FHIR values are never empty)");
    }
    WalkObject(item, *kElement);
  }

  // The "_key" member of parent, without building the name.
  static const Json* FindExtension(const Json& parent, std::string_view key) {
    for (const auto& [name, value] : parent.members()) {
      if (name.size() == key.size() + 1 && name[0] == '_' &&
          std::string_view(name).substr(1) == key) {
        return &value;
      }
    }
    return nullptr;
  }

  static std::string_view Clip(std::string_view s) {
    constexpr size_t kMax = 64;
    if (s.size() <= kMax) return s;
    s = s.substr(0, kMax);
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0x80)) s.remove_suffix(1);
    return s;
  }

  // An issue at the current location, or at its child `child` when given.
  void Report(std::string_view code, std::string_view child, std::string message) {
    if (issues_.size() >= options_.max_issues) return;
    std::string expression;
    for (const Segment& s : path_) {
      if (!expression.empty()) expression += '.';
      expression += s.name;
      if (s.index >= 0) expression += StrCat("[", s.index, "]");
    }
    if (!child.empty()) {
      if (!expression.empty()) expression += '.';
      expression += child;
    }
    issues_.push_back({"error", std::string(code), std::move(expression), std::move(message)});
  }

  const TypeInfo* const kReference = FindType("Reference");
  const ValidateOptions& options_;
  std::vector<Segment> path_;
  std::vector<ValidationIssue> issues_;
};

}  // namespace

std::vector<ValidationIssue> ValidateResource(const Json& resource,
                                              const ValidateOptions& options) {
  Validator validator(options);
  if (!resource.is_object())
    return {{"error", "structure", "", "a resource must be a JSON object"}};
  validator.WalkResource(resource);
  return std::move(validator).Take();
}

bool HasErrors(const std::vector<ValidationIssue>& issues) {
  return std::any_of(issues.begin(), issues.end(),
                     [](const ValidationIssue& i) { return i.severity == "error"; });
}

}  // namespace vigil::fhir
