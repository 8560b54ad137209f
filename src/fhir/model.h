// Type information for every FHIR R4 type and element.
//
// The tables behind this API are generated from the R4 StructureDefinitions
// (../shared/fhir-r4/profiles-types.json and profiles-resources.json) by
// tools/gen_fhir_model.py into model_data.inc; never edit that file by hand.
//
// Naming: a type is found by its FHIR name ("Patient", "HumanName", "string").
// Backbone elements get a type named by their definition path
// ("Patient.contact", "Questionnaire.item"); an element defined by
// contentReference ("Questionnaire.item.item") points at the referenced
// backbone type.
//
// Thread-safety: all data is immutable static storage; safe everywhere.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace vigil::fhir {

enum class TypeKind : uint8_t {
  kPrimitive,  // boolean, string, date, ... (JSON scalar + optional "_name" extension object)
  kComplex,    // HumanName, Quantity, Reference, ...
  kResource,   // Patient, Bundle, ... (and the abstract Resource, DomainResource)
  kBackbone,   // Patient.contact, ...
};

// The System (FHIRPath) type a FHIR primitive maps to.
enum class SystemType : uint8_t {
  kNone,  // not a primitive
  kBoolean,
  kString,
  kInteger,
  kDecimal,
  kDate,
  kDateTime,
  kTime,
};

struct ElementInfo {
  // JSON name; for a choice element the name without "[x]" ("value").
  std::string_view name;
  // Type names this element may hold: one, or several for a choice element.
  // Backbone and contentReference elements name the backbone type ("Patient.contact").
  std::span<const std::string_view> types;
  // For Reference / canonical elements: allowed target resource types ("Patient"), or
  // empty when any resource is allowed.
  std::span<const std::string_view> target_types;
  int min = 0;
  bool is_array = false;   // max is "*" or > 1
  bool is_choice = false;  // value[x]
  bool is_modifier = false;
  bool is_summary = false;
  // For a `code` element with a required binding whose value set the generator
  // could enumerate: the value set's URL (no version) and its codes, sorted.
  // Empty otherwise (no binding, a weaker one, or a value set such as MIME types
  // that is not a closed list), and then no code is enforced.
  std::string_view required_value_set = {};
  std::span<const std::string_view> required_codes = {};
};

struct TypeInfo {
  std::string_view name;
  TypeKind kind;
  SystemType system_type = SystemType::kNone;  // primitives only
  bool is_abstract = false;
  // The base type's name ("DomainResource" for Patient, "Element" for HumanName,
  // "BackboneElement" for Patient.contact); empty for Element and Resource.
  std::string_view base_name;
  // Every element of the type, inherited ones included, in definition order.
  std::span<const ElementInfo> elements;

  // The element called name (choice elements by their name without "[x]"), or nullptr.
  const ElementInfo* FindElement(std::string_view name) const;
  // The element a JSON member name belongs to: "birthDate", or "valueQuantity" for
  // value[x] (never the bare "value", which is not valid JSON for a choice); nullptr
  // when the type has no such member.
  const ElementInfo* FindJsonMember(std::string_view json_name) const;
  // The type of element (one of this type's elements), resolved once and cached:
  // FindType(element.types.front()). For choice elements use ChoiceTypeOf.
  const TypeInfo* ElementType(const ElementInfo& element) const;
  // The base type, or nullptr.
  const TypeInfo* base() const;
  // Whether this type is name or derives from it ("Patient" is "DomainResource" and "Resource").
  bool IsA(std::string_view name) const;
};

// The type called name, or nullptr.
const TypeInfo* FindType(std::string_view name);
// Whether name is a concrete resource type ("Patient": yes; "Resource", "HumanName": no).
bool IsResourceType(std::string_view name);
// Every type, in a stable order.
std::span<const TypeInfo> AllTypes();

// For a choice element and a JSON member name such as "valueQuantity", the type name
// it carries ("Quantity"), or empty when json_name is not name + capitalised type.
std::string_view ChoiceTypeOf(const ElementInfo& element, std::string_view json_name);

}  // namespace vigil::fhir
