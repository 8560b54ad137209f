// FHIRPath parser: tokens -> AST (ast.h), following the N1 grammar's precedence.
#pragma once

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "fhirpath/ast.h"

namespace vigil::fhirpath {

// Errors: InvalidArgument "line L, column C: ..." naming what was expected.
// Nesting is limited (256 levels) so hostile input cannot exhaust the stack.
absl::StatusOr<std::unique_ptr<Node>> Parse(std::string_view text);

}  // namespace vigil::fhirpath
