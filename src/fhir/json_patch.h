// JSON Patch (RFC 6902) over fhir::Json: add, remove, replace, move, copy, test,
// with JSON Pointer (RFC 6901) paths ("/name/0/given/-", "~1" for '/', "~0" for '~').
//
// The patch is applied to a copy; on any error the document is left unchanged.
// Errors: InvalidArgument for a malformed patch (not an array of operation
// objects, unknown op, missing member, bad pointer) and for operations that
// cannot apply (a path that does not exist, an index out of range);
// FailedPrecondition when a "test" operation does not match.
#pragma once

#include "absl/status/status.h"
#include "fhir/json.h"

namespace vigil::fhir {

absl::Status ApplyJsonPatch(const Json& patch, Json& document);

}  // namespace vigil::fhir
