#include "fhir/resource.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "fhir/model.h"

namespace vigil::fhir {
namespace {

// Error messages quote the offending resourceType; keep a hostile one short.
std::string Quote(std::string_view name) {
  constexpr size_t kMax = 64;
  if (name.size() <= kMax) return "'" + std::string(name) + "'";
  name = name.substr(0, kMax);
  // Do not cut a UTF-8 sequence in half.
  while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0x80)) name.remove_suffix(1);
  return "'" + std::string(name) + "...'";
}

// Plain concatenation: this abseil build's absl::string_view is not
// std::string_view, so absl::StrCat does not take one.
std::string Join(std::string_view path, std::string_view key) {
  std::string out;
  out.reserve(path.size() + 1 + key.size());
  out.append(path);
  if (!path.empty()) out.push_back('.');
  out.append(key);
  return out;
}

// A JSON member resolved against a type: its element and the type it carries
// ("Quantity" for "valueQuantity").
struct Resolved {
  const ElementInfo* element = nullptr;
  const TypeInfo* type = nullptr;
};

Resolved Resolve(const TypeInfo& type, std::string_view json_name) {
  const ElementInfo* e = type.FindJsonMember(json_name);
  if (e == nullptr) return {};
  if (e->is_choice) return {e, FindType(ChoiceTypeOf(*e, json_name))};
  if (e->types.empty()) return {};
  return {e, type.ElementType(*e)};
}

// Walks a resource tree, collecting the paths of members the model lacks.
class Walker {
 public:
  std::vector<std::string> Take() && { return std::move(unknown_); }

  // Walks a resource whose type comes from its own resourceType member.
  void WalkResource(const Json& resource, const std::string& path) {
    const Json* type_name = resource.Find("resourceType");
    const TypeInfo* type = nullptr;
    if (type_name != nullptr && type_name->is_string() && IsResourceType(type_name->text())) {
      type = FindType(type_name->text());
    }
    if (type == nullptr) {
      unknown_.push_back(Join(path, "resourceType"));
      return;
    }
    WalkObject(resource, *type, path.empty() ? type->name : path);
  }

 private:
  void WalkObject(const Json& object, const TypeInfo& type, std::string_view path) {
    for (const auto& [key, value] : object.members()) {
      if (key == "fhir_comments") continue;
      if (key == "resourceType" && type.kind == TypeKind::kResource) continue;
      if (key.starts_with('_')) {
        WalkPrimitiveExtension(type, key, value, path);
        continue;
      }
      Resolved member = Resolve(type, key);
      if (member.type == nullptr) {
        unknown_.push_back(Join(path, key));
      } else if (member.type->kind != TypeKind::kPrimitive) {
        WalkValue(value, *member.type, Join(path, key));
      }
    }
  }

  // "_birthDate": the id and extensions of primitive birthDate.
  void WalkPrimitiveExtension(const TypeInfo& type, const std::string& key, const Json& value,
                              std::string_view path) {
    Resolved member = Resolve(type, std::string_view(key).substr(1));
    if (member.type == nullptr || member.type->kind != TypeKind::kPrimitive) {
      unknown_.push_back(Join(path, key));
      return;
    }
    static const TypeInfo* const kElement = FindType("Element");
    WalkValue(value, *kElement, Join(path, key));
  }

  // value is one item or an array of items of type; nulls (allowed in the
  // arrays of primitive extensions) and misshapen items are skipped.
  void WalkValue(const Json& value, const TypeInfo& type, const std::string& path) {
    if (!value.is_array()) return WalkItem(value, type, path);
    for (size_t i = 0; i < value.items().size(); ++i) {
      WalkItem(value.items()[i], type, absl::StrCat(path, "[", i, "]"));
    }
  }

  void WalkItem(const Json& item, const TypeInfo& type, const std::string& path) {
    if (!item.is_object()) return;
    if (type.kind == TypeKind::kResource) return WalkResource(item, path);
    WalkObject(item, type, path);
  }

  std::vector<std::string> unknown_;
};

}  // namespace

absl::StatusOr<Json> ParseResource(std::string_view text) {
  absl::StatusOr<Json> json = ParseJson(text);
  if (!json.ok()) return json.status();
  if (!json->is_object()) return absl::InvalidArgumentError("resource must be a JSON object");
  const Json* type = json->Find("resourceType");
  if (type == nullptr || !type->is_string()) {
    return absl::InvalidArgumentError("missing resourceType");
  }
  if (!IsResourceType(type->text())) {
    return absl::InvalidArgumentError("unknown resource type " + Quote(type->text()));
  }
  return json;
}

std::vector<std::string> UnknownElements(const Json& resource) {
  Walker walker;
  walker.WalkResource(resource, "");
  return std::move(walker).Take();
}

}  // namespace vigil::fhir
