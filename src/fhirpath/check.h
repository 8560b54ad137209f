// The compile step after parsing: resolves every function call to its
// FunctionDef (checking arity) and, when the root type is known, infers the
// FHIR types along paths so that misspelt or misplaced elements are reported
// at compile time ("name.given1" on Patient).
#pragma once

#include "absl/status/status.h"
#include "fhir/model.h"
#include "fhirpath/ast.h"

namespace vigil::fhirpath {

// Mutates only Node::function. root_type may be nullptr (no path checking).
// Errors: InvalidArgument "line L, column C: ..." for unknown functions, wrong
// argument counts and unknown elements.
absl::Status Check(Node& root, const fhir::TypeInfo* root_type);

}  // namespace vigil::fhirpath
