// Internal to the v2 -> FHIR mapping: OBX-6 units to UCUM.
//
// A small table of units that labs write in non-UCUM spellings ("mg/dl" is
// fine, "K/uL" means 10*3/uL, "beats/min" is /min; docs/hl7v2-mapping.md
// lists them), then pass-through when OBX-6.3 says UCUM or the unit parses
// as UCUM already. Anything else has no UCUM code: the Quantity keeps the
// unit text only.
#pragma once

#include <string>
#include <string_view>

namespace vigil::hl7v2::internal {

// The UCUM code for unit (OBX-6.1) in coding_system (OBX-6.3); "" when unknown.
std::string ToUcum(std::string_view unit, std::string_view coding_system);

}  // namespace vigil::hl7v2::internal
