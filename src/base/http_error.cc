#include "base/http_error.h"

#include <optional>
#include <string>
#include <vector>
#include <utility>

#include "absl/strings/cord.h"

namespace vigil {
namespace {

constexpr char kHttpPayload[] = "vigil.http";
// One line per issue: severity, code, expression, diagnostics separated by tabs;
// backslash, tab and newline inside a field are escaped as \\, \t and \n.
constexpr char kIssuesPayload[] = "vigil.issues";

void AppendEscaped(std::string_view field, std::string* out) {
  for (char c : field) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

std::string EncodeIssues(const std::vector<HttpIssue>& issues) {
  std::string out;
  for (const HttpIssue& issue : issues) {
    for (const std::string* field :
         {&issue.severity, &issue.code, &issue.expression, &issue.diagnostics}) {
      if (field != &issue.severity) out.push_back('\t');
      AppendEscaped(*field, &out);
    }
    out.push_back('\n');
  }
  return out;
}

std::vector<HttpIssue> DecodeIssues(std::string_view text) {
  std::vector<HttpIssue> issues;
  HttpIssue issue;
  std::string* fields[] = {&issue.severity, &issue.code, &issue.expression, &issue.diagnostics};
  size_t field = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      issues.push_back(std::move(issue));
      issue = HttpIssue();
      field = 0;
    } else if (c == '\t') {
      if (field < 3) ++field;
    } else if (c == '\\' && i + 1 < text.size()) {
      char e = text[++i];
      fields[field]->push_back(e == 't' ? '\t' : e == 'n' ? '\n' : e);
    } else {
      fields[field]->push_back(c);
    }
  }
  return issues;
}

// Payload format: "<status> <issue-code>".
std::optional<std::pair<int, std::string>> PayloadOf(const absl::Status& status) {
  auto payload = status.GetPayload(kHttpPayload);  // absl::optional in Debian's Abseil
  if (!payload) return std::nullopt;
  std::string text(*payload);
  size_t space = text.find(' ');
  if (space == std::string::npos) return std::nullopt;
  return std::make_pair(std::stoi(text.substr(0, space)), text.substr(space + 1));
}

int CanonicalHttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists: return 409;
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kFailedPrecondition: return 412;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

std::string CanonicalIssueCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange: return "invalid";
    case absl::StatusCode::kUnauthenticated: return "login";
    case absl::StatusCode::kPermissionDenied: return "forbidden";
    case absl::StatusCode::kNotFound: return "not-found";
    case absl::StatusCode::kAlreadyExists: return "duplicate";
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition: return "conflict";
    case absl::StatusCode::kResourceExhausted: return "throttled";
    case absl::StatusCode::kUnimplemented: return "not-supported";
    case absl::StatusCode::kUnavailable: return "transient";
    default: return "exception";
  }
}

}  // namespace

absl::Status HttpError(int http_status, std::string_view issue_code, std::string_view message) {
  absl::StatusCode code = http_status == 404   ? absl::StatusCode::kNotFound
                          : http_status == 409 ? absl::StatusCode::kAborted
                          : http_status == 412 ? absl::StatusCode::kFailedPrecondition
                          : http_status >= 500 ? absl::StatusCode::kInternal
                                               : absl::StatusCode::kInvalidArgument;
  absl::Status status(code, absl::string_view(message.data(), message.size()));
  status.SetPayload(kHttpPayload, absl::Cord(std::to_string(http_status) + " " +
                                             std::string(issue_code)));
  return status;
}

absl::Status HttpError(int http_status, std::string_view issue_code, std::string_view message,
                       const std::vector<HttpIssue>& issues) {
  absl::Status status = HttpError(http_status, issue_code, message);
  if (!issues.empty()) status.SetPayload(kIssuesPayload, absl::Cord(EncodeIssues(issues)));
  return status;
}

std::vector<HttpIssue> IssuesOf(const absl::Status& status) {
  auto payload = status.GetPayload(kIssuesPayload);
  if (!payload) return {};
  return DecodeIssues(std::string(*payload));
}

absl::Status WithIssuesOf(absl::Status to, const absl::Status& from) {
  auto payload = from.GetPayload(kIssuesPayload);
  if (payload && !to.ok()) to.SetPayload(kIssuesPayload, *payload);
  return to;
}

int HttpStatusOf(const absl::Status& status) {
  if (auto payload = PayloadOf(status)) return payload->first;
  return CanonicalHttpStatus(status.code());
}

std::string IssueCodeOf(const absl::Status& status) {
  if (auto payload = PayloadOf(status)) return payload->second;
  return CanonicalIssueCode(status.code());
}

bool HasHttpStatus(const absl::Status& status) { return PayloadOf(status).has_value(); }

}  // namespace vigil
