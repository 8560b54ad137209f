#include "server/mllp/fallback_ack.h"

#include <atomic>
#include <cctype>
#include <ctime>

#include "base/str.h"
#include "ingest/hl7v2/parser.h"

namespace vigil::mllp {

std::string Hl7Timestamp(int64_t ms_since_epoch) {
  std::time_t seconds = static_cast<std::time_t>(ms_since_epoch / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%S+0000", &utc);
  return text;
}

std::string NextAckControlId(int64_t now_ms) {
  static std::atomic<uint64_t> sequence{0};
  return StrCat("VIGIL-", now_ms, "-", sequence.fetch_add(1));
}

std::string BestEffortControlId(std::string_view raw) {
  std::string_view line = raw.substr(0, raw.find_first_of("\r\n"));
  if (line.size() < 4 || !line.starts_with("MSH")) return "";
  char separator = line[3];
  size_t start = 0;
  for (int field = 0; field < 9; ++field) {  // MSH-10 is the 10th piece
    start = line.find(separator, start);
    if (start == std::string_view::npos) return "";
    ++start;
  }
  std::string_view value = line.substr(start, line.find(separator, start) - start);
  std::string out;
  for (char c : value) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') out += c;
  }
  return out;
}

std::string FallbackAck(std::string_view raw, hl7v2::AckCode code, hl7v2::ErrorCode error,
                        std::string_view reason, int64_t now_ms) {
  std::string_view first_line = raw.substr(0, raw.find_first_of("\r\n"));
  absl::StatusOr<hl7v2::Message> original = hl7v2::ParseMessage(first_line);
  if (!original.ok()) {
    original = hl7v2::ParseMessage(
        StrCat("MSH|^~\\&|||||||ACK|", BestEffortControlId(raw), "|P|2.5"));
  }
  hl7v2::Issue issue;
  issue.code = error;
  issue.message = std::string(reason);
  hl7v2::AckOptions options;
  options.control_id = NextAckControlId(now_ms);
  options.timestamp = Hl7Timestamp(now_ms);
  return hl7v2::BuildAck(*original, code, {issue}, options);
}

}  // namespace vigil::mllp
