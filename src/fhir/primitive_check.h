// The lexical rules of the FHIR R4 primitive types, for the validator.
//
// Each R4 primitive has a JSON kind (boolean, number or string) and a regex in
// its StructureDefinition (profiles-types.json). These functions implement those
// regexes by hand: validation runs on every write, and a hand-written scanner is
// about a hundred times faster than std::regex. Where the spec's regex is known to
// be wrong (base64Binary's omits '/'), the spec's prose wins.
//
// Thread-safety: stateless; safe everywhere.
//
//   CheckPrimitive("date", Json::String("2024-13-01")).message;  // "not a valid date ..."
#pragma once

#include <cstdint>
#include <string_view>

#include "fhir/json.h"

namespace vigil::fhir {

// The primitives with their own lexical rules; everything else is kString
// (string, markdown, xhtml: any non-empty JSON string).
enum class PrimitiveKind : uint8_t {
  kString,
  kBoolean,
  kInteger,
  kUnsignedInt,
  kPositiveInt,
  kDecimal,
  kDate,
  kDateTime,
  kInstant,
  kTime,
  kCode,
  kId,
  kUri,
  kOid,
  kUuid,
  kBase64Binary,
};

// The kind of primitive type type_name ("url" and "canonical" are kUri).
PrimitiveKind PrimitiveKindOf(std::string_view type_name);

struct PrimitiveProblem {
  // The wrong JSON kind (a number for a string type) rather than a bad lexical form.
  bool wrong_kind = false;
  std::string_view message;  // empty: no problem; otherwise static text
  explicit operator bool() const { return !message.empty(); }
};

// What is wrong with value as the JSON value of primitive type type_name
// ("dateTime", "positiveInt", ...); a false result when nothing is. Unknown type
// names are checked as strings (non-empty).
PrimitiveProblem CheckPrimitive(std::string_view type_name, const Json& value);
// The same for a kind looked up once (the validator's hot path).
PrimitiveProblem CheckPrimitive(PrimitiveKind kind, const Json& value);

// Whether id is a valid FHIR id: [A-Za-z0-9\-\.]{1,64}.
bool IsFhirId(std::string_view id);

}  // namespace vigil::fhir
