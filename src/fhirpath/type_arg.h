// Reads a type specifier written as a function argument: ofType(Patient),
// is(FHIR.string), as(System.Integer).
#pragma once

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "fhirpath/ast.h"

namespace vigil::fhirpath {

// (namespace, name): ("", "Patient"), ("FHIR", "string"). Error when the argument
// is not a plain or qualified identifier.
absl::StatusOr<std::pair<std::string, std::string>> TypeArgument(const Node& arg);

}  // namespace vigil::fhirpath
