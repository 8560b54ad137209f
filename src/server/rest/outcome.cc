#include "server/rest/outcome.h"

#include <string>
#include <utility>
#include <vector>

#include "server/rest/response.h"

namespace vigil::server {
OutcomeIssue IssueOf(const absl::Status& status) {
  OutcomeIssue issue;
  issue.code = IssueCodeOf(status);
  // Our own failures: the message may describe internals (file paths, SQL); the
  // client gets a generic text and the detail goes to the log by the caller.
  issue.diagnostics = HttpStatusOf(status) >= 500 && !HasHttpStatus(status)
                          ? std::string("internal server error")
                          : std::string(status.message());
  issue.severity = "error";
  return issue;
}

std::vector<OutcomeIssue> IssuesFor(const absl::Status& status) {
  std::vector<HttpIssue> attached = IssuesOf(status);
  if (attached.empty()) return {IssueOf(status)};
  std::vector<OutcomeIssue> issues;
  issues.reserve(attached.size());
  for (HttpIssue& a : attached) {
    issues.push_back({std::move(a.severity), std::move(a.code), std::move(a.diagnostics),
                      std::move(a.expression)});
  }
  return issues;
}

fhir::Json OperationOutcome(const std::vector<OutcomeIssue>& issues) {
  fhir::Json outcome = fhir::Json::Object();
  outcome.Set("resourceType", fhir::Json::String("OperationOutcome"));
  fhir::Json list = fhir::Json::Array();
  for (const OutcomeIssue& issue : issues) {
    fhir::Json item = fhir::Json::Object();
    item.Set("severity", fhir::Json::String(issue.severity));
    item.Set("code", fhir::Json::String(issue.code));
    if (!issue.diagnostics.empty()) item.Set("diagnostics", fhir::Json::String(issue.diagnostics));
    if (!issue.expression.empty()) {
      fhir::Json expressions = fhir::Json::Array();
      expressions.Push(fhir::Json::String(issue.expression));
      item.Set("expression", std::move(expressions));
    }
    list.Push(std::move(item));
  }
  outcome.Set("issue", std::move(list));
  return outcome;
}

HttpResponse ErrorResponse(const absl::Status& status) {
  return FhirResponse(HttpStatusOf(status), OperationOutcome(IssuesFor(status)), false);
}

HttpResponse ServerErrorResponse(int http_status, std::string_view message) {
  OutcomeIssue issue;
  issue.code = http_status == 413   ? "too-long"
               : http_status == 408 ? "timeout"
               : http_status == 429 ? "throttled"
               : http_status == 403 ? "forbidden"
               : http_status >= 500 ? "exception"
                                    : "structure";
  issue.diagnostics = std::string(message);
  return FhirResponse(http_status, OperationOutcome({issue}), false);
}

}  // namespace vigil::server
