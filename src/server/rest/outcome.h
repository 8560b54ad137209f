// Errors at the FHIR REST edge: one place turns a Status into an HTTP status and
// an OperationOutcome. Handlers return absl::Status errors, made with HttpError()
// (base/http_error.h) where the status or issue code matters.
//
// Messages go to the client as OperationOutcome.issue.diagnostics: they describe
// what is wrong with the request and never contain stack traces.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "base/http_error.h"
#include "fhir/json.h"
#include "server/http/http_server.h"

namespace vigil::server {

struct OutcomeIssue {
  std::string severity = "error";  // fatal | error | warning | information
  std::string code = "processing";
  std::string diagnostics;
  std::string expression;  // FHIRPath location; may be empty
};

fhir::Json OperationOutcome(const std::vector<OutcomeIssue>& issues);
// The one issue a status makes: its issue code and message.
OutcomeIssue IssueOf(const absl::Status& status);
// Every issue of a status: one per HttpIssue attached to it (validation findings,
// each with its expression), or IssueOf(status) when none is attached.
std::vector<OutcomeIssue> IssuesFor(const absl::Status& status);

// A complete response: status from HttpStatusOf, body an OperationOutcome with
// IssuesFor(status).
HttpResponse ErrorResponse(const absl::Status& status);
// For the HTTP server's own errors (400, 408, 413, 431, 500, 503) and its edge
// wrappers' (403 CORS, 429 rate limit).
HttpResponse ServerErrorResponse(int http_status, std::string_view message);

}  // namespace vigil::server
