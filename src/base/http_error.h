// Status errors that carry an HTTP status and a FHIR issue code.
//
// Canonical Status codes map onto HTTP (InvalidArgument 400, NotFound 404,
// AlreadyExists 409, FailedPrecondition 412, ...), but FHIR needs statuses the
// canonical codes cannot say (405, 410, 413, 415, 422) and an OperationOutcome
// issue code ("deleted", "too-long", "multiple-matches"). HttpError() attaches
// both as a payload; any layer that reports bad input (REST, imports, HL7) makes
// its errors this way, and the edges read them back with HttpStatusOf /
// IssueCodeOf.
//
//   return HttpError(410, "deleted", "Patient/1 was deleted");
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace vigil {

absl::Status HttpError(int http_status, std::string_view issue_code, std::string_view message);

// The attached HTTP status, or the canonical code's mapping (500 for our own failures).
int HttpStatusOf(const absl::Status& status);

// The attached issue code, or one derived from the canonical code ("invalid",
// "not-found", "conflict", "exception"...).
std::string IssueCodeOf(const absl::Status& status);

// Whether the status was made by HttpError (as opposed to a failure of our own code).
bool HasHttpStatus(const absl::Status& status);

}  // namespace vigil
