#include "base/http_error.h"

#include <optional>
#include <utility>

#include "absl/strings/cord.h"

namespace vigil {
namespace {

constexpr char kHttpPayload[] = "vigil.http";

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
