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
//
// A data problem with several findings (a resource that fails validation) also
// attaches the list, one HttpIssue per finding, which the REST edge turns into
// one OperationOutcome.issue each; edges that report one line (import
// dead-letters) use the message, which should summarize the list.
//
//   return HttpError(422, "processing", "2 validation errors: ...", issues);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace vigil {

absl::Status HttpError(int http_status, std::string_view issue_code, std::string_view message);

// One finding about bad input (an OperationOutcome.issue, with FHIR's codes).
struct HttpIssue {
  std::string severity;     // "error", "warning", ...
  std::string code;         // FHIR IssueType: "structure", "required", "value"...
  std::string expression;   // FHIRPath location; may be empty
  std::string diagnostics;  // for a person
  friend bool operator==(const HttpIssue&, const HttpIssue&) = default;
};

// HttpError with the findings attached (as the payload "vigil.issues").
absl::Status HttpError(int http_status, std::string_view issue_code, std::string_view message,
                       const std::vector<HttpIssue>& issues);

// The attached findings; empty when there are none.
std::vector<HttpIssue> IssuesOf(const absl::Status& status);

// to, with from's findings attached (for code that re-wraps a status with a new
// message, e.g. to prefix a Bundle entry's index).
absl::Status WithIssuesOf(absl::Status to, const absl::Status& from);

// The attached HTTP status, or the canonical code's mapping (500 for our own failures).
int HttpStatusOf(const absl::Status& status);

// The attached issue code, or one derived from the canonical code ("invalid",
// "not-found", "conflict", "exception"...).
std::string IssueCodeOf(const absl::Status& status);

// Whether the status was made by HttpError (as opposed to a failure of our own code).
bool HasHttpStatus(const absl::Status& status);

}  // namespace vigil
