// Reading a JSON number (fhir::Json keeps numbers as their text, so decimals
// stay exact) as a double where arithmetic needs one.
#pragma once

#include <optional>

#include "fhir/json.h"

namespace vigil::fhir {

// The value of a JSON number as a double; nullopt for a null pointer, a
// non-number, or a number a double cannot hold (out of range).
std::optional<double> JsonDouble(const Json* j);

}  // namespace vigil::fhir
