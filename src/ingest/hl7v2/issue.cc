#include "ingest/hl7v2/issue.h"

#include "base/str.h"

namespace vigil::hl7v2 {

const char* ErrorCodeText(ErrorCode code) {
  switch (code) {
    case ErrorCode::kSegmentSequence: return "Segment sequence error";
    case ErrorCode::kRequiredFieldMissing: return "Required field missing";
    case ErrorCode::kDataTypeError: return "Data type error";
    case ErrorCode::kTableValueNotFound: return "Table value not found";
    case ErrorCode::kUnsupportedMessageType: return "Unsupported message type";
    case ErrorCode::kUnsupportedEventCode: return "Unsupported event code";
    case ErrorCode::kInternalError: return "Application internal error";
  }
  return "Application internal error";
}

std::string Issue::Location() const {
  if (segment.empty()) return "message";
  std::string out = segment;
  if (sequence > 1) out += StrCat("(", sequence, ")");
  if (field > 0) out += StrCat("-", field);
  if (field > 0 && repetition > 1) out += StrCat("[", repetition, "]");
  if (field > 0 && component > 0) out += StrCat(".", component);
  return out;
}

std::string Issue::ToString() const {
  return StrCat(is_error() ? "" : "warning: ", Location(), ": ", message);
}

bool HasErrors(const std::vector<Issue>& issues) {
  for (const Issue& issue : issues) {
    if (issue.is_error()) return true;
  }
  return false;
}

absl::Status ErrorsToStatus(const std::vector<Issue>& issues) {
  std::string text;
  for (const Issue& issue : issues) {
    if (!issue.is_error()) continue;
    if (!text.empty()) text += "\n";
    text += issue.ToString();
  }
  return text.empty() ? absl::OkStatus() : absl::InvalidArgumentError(text);
}

}  // namespace vigil::hl7v2
