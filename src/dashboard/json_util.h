// Small readers of FHIR JSON and builders of the dashboard's own JSON, shared by
// the dashboard's endpoints (docs/dashboard.md).
//
// Readers never fail: an absent or mistyped element reads as "" / nullopt.
// Builders write numbers with 12 significant digits (enough for any clinical value,
// and unit conversions leave no float noise) and NaN or infinity
// as null (JSON has neither).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fhir/json.h"

namespace vigil::dashboard {

// --- reading FHIR ---

// The string at j (a JSON string), else "".
std::string_view Text(const fhir::Json* j);
// resource[key] as a string, else "".
std::string_view TextAt(const fhir::Json& resource, std::string_view key);
// A JSON number (FHIR decimals keep their text) as a double.
std::optional<double> NumberOf(const fhir::Json* j);

struct Code {
  std::string system;
  std::string code;
  std::string display;
};
// The first coding of a CodeableConcept that has a code.
std::optional<Code> FirstCoding(const fhir::Json* codeable);
// A label for a CodeableConcept: its text, else the first display, else the first code.
std::string ConceptLabel(const fhir::Json* codeable);
// Whether a CodeableConcept has a coding with this system and code.
bool HasCoding(const fhir::Json* codeable, std::string_view system, std::string_view code);
// "Given Family" of the first (preferably official) HumanName, else "".
std::string PersonName(const fhir::Json& patient);
// The value of the first sub-extension named `url` of a complex extension.
const fhir::Json* SubExtension(const fhir::Json& extension, std::string_view url);
// The first extension of resource with this url.
const fhir::Json* ExtensionOf(const fhir::Json& resource, std::string_view url);

// --- building the dashboard's JSON ---

fhir::Json Str(std::string_view s);
fhir::Json Num(double v);
fhir::Json Int(int64_t v);
// {"system","code","display"} (display omitted when empty).
fhir::Json CodeJson(const Code& code);
// An instant (FormatInstant) or null when absent.
fhir::Json InstantOrNull(std::optional<int64_t> ms);

}  // namespace vigil::dashboard
