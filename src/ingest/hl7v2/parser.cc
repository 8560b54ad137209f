#include "ingest/hl7v2/parser.h"

#include <charconv>
#include <string>

#include "base/status.h"
#include "base/str.h"

namespace vigil::hl7v2 {
namespace {

struct Line {
  std::string_view text;
  int number;  // 1-based physical line of the input
};

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

// Splits at CR, LF and CRLF, skipping a UTF-8 BOM and blank lines.
std::vector<Line> SplitLines(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<Line> lines;
  int number = 1;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\r' && text[i] != '\n') continue;
    std::string_view line = text.substr(start, i - start);
    if (!IsBlank(line)) lines.push_back({line, number});
    if (i < text.size() && text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    ++number;
    start = i + 1;
  }
  return lines;
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// A delimiter is printable ASCII, not a letter, digit or space.
bool IsDelimiterChar(char c) { return c > ' ' && c < 0x7f && !IsAlnum(c); }

bool IsSegmentName(std::string_view s) {
  if (s.size() != 3 || s[0] < 'A' || s[0] > 'Z') return false;
  return (IsAlnum(s[1]) && !(s[1] >= 'a' && s[1] <= 'z')) &&
         (IsAlnum(s[2]) && !(s[2] >= 'a' && s[2] <= 'z'));
}

bool IsHeader(std::string_view name) { return name == "MSH" || name == "FHS" || name == "BHS"; }

std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) {
    if (c >= ' ' && c < 0x7f)
      out.push_back(c);
    else
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
  }
  return s.size() > 40 ? out + "..." : out;
}

absl::Status LineError(const Line& line, std::string_view what) {
  return absl::InvalidArgumentError(StrCat("line ", line.number, ": ", what));
}

// The delimiters a header segment (MSH, FHS, BHS) declares in fields 1 and 2.
absl::StatusOr<Delimiters> ParseDelimiters(const Line& line) {
  std::string_view name = line.text.substr(0, 3);
  if (line.text.size() < 4) {
    return LineError(line, StrCat(name, " is truncated: no field separator (", name, "-1)"));
  }
  Delimiters d;
  d.field = line.text[3];
  if (!IsDelimiterChar(d.field)) {
    return LineError(line, StrCat("column 4: ", name, "-1: '", Printable(line.text.substr(3, 1)),
                                  "' cannot be the field separator"));
  }
  std::string_view enc = line.text.substr(4);
  enc = enc.substr(0, enc.find(d.field));
  if (enc.size() < 2 || enc.size() > 5) {
    return LineError(line, StrCat("column 5: ", name, "-2: encoding characters '", Printable(enc),
                                  "' must be 2 to 5 characters (component, repetition, escape, "
                                  "sub-component)"));
  }
  std::string seen(1, d.field);
  for (size_t i = 0; i < enc.size(); ++i) {
    if (!IsDelimiterChar(enc[i]) || seen.find(enc[i]) != std::string::npos) {
      return LineError(line, StrCat("column ", 5 + i, ": ", name, "-2: encoding character '",
                                    Printable(enc.substr(i, 1)),
                                    "' is not a distinct printable non-alphanumeric character"));
    }
    seen.push_back(enc[i]);
  }
  d.component = enc[0];
  d.repetition = enc[1];
  d.escape = enc.size() > 2 ? enc[2] : '\0';
  d.subcomponent = enc.size() > 3 ? enc[3] : '\0';
  return d;
}

std::vector<std::string> SplitFields(std::string_view s, char separator) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    size_t end = s.find(separator, start);
    fields.emplace_back(s.substr(start, end == std::string_view::npos ? s.npos : end - start));
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

absl::StatusOr<Segment> SplitSegment(const Line& line, const Delimiters& d) {
  std::string_view name = line.text.substr(0, 3);
  if (!IsSegmentName(name) || (line.text.size() > 3 && line.text[3] != d.field)) {
    return LineError(line, StrCat("'", Printable(line.text),
                                  "' is not a segment: expected a three-character segment ID "
                                  "followed by '",
                                  std::string_view(&d.field, 1), "'"));
  }
  std::vector<std::string> fields;
  if (line.text.size() > 3) {
    std::string_view rest = line.text.substr(4);
    if (IsHeader(name)) {
      fields.emplace_back(1, d.field);
      size_t end = rest.find(d.field);
      fields.emplace_back(rest.substr(0, end));
      if (end != std::string_view::npos) {
        for (std::string& f : SplitFields(rest.substr(end + 1), d.field))
          fields.push_back(std::move(f));
      }
    } else {
      fields = SplitFields(rest, d.field);
    }
  }
  while (!fields.empty() && fields.back().empty()) fields.pop_back();
  return Segment(std::string(name), std::move(fields), line.number);
}

// One message from lines[begin, end); lines[begin] starts with "MSH".
absl::StatusOr<Message> ParseLines(const std::vector<Line>& lines, size_t begin, size_t end) {
  VIGIL_ASSIGN_OR_RETURN(Delimiters d, ParseDelimiters(lines[begin]));
  std::vector<Segment> segments;
  for (size_t i = begin; i < end; ++i) {
    VIGIL_ASSIGN_OR_RETURN(Segment seg, SplitSegment(lines[i], d));
    segments.push_back(std::move(seg));
  }
  Message message(d, std::move(segments));
  if (message.MessageCode().empty()) {
    return LineError(lines[begin], "MSH-9 (message type) is missing: the message is truncated");
  }
  return message;
}

// BTS-1 (batch message count) against the messages since the last BHS.
absl::Status CheckBatchCount(const Line& line, const Segment& bts, const Delimiters& d,
                             size_t counted) {
  std::string text = bts.Field(1, d).Text();
  size_t declared = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), declared);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
      declared == counted) {
    return absl::OkStatus();
  }
  return LineError(line,
                   StrCat("BTS-1 declares ", declared, " messages but the batch has ", counted));
}

}  // namespace

absl::StatusOr<Message> ParseMessage(std::string_view text) {
  std::vector<Line> lines = SplitLines(text);
  if (lines.empty()) return absl::InvalidArgumentError("empty input: no MSH segment");
  if (!lines[0].text.starts_with("MSH")) {
    return LineError(lines[0], StrCat("a message must start with an MSH segment, found '",
                                      Printable(lines[0].text.substr(0, 3)), "'"));
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view name = lines[i].text.substr(0, 3);
    if (name == "MSH" || name == "FHS" || name == "BHS" || name == "BTS" || name == "FTS") {
      return LineError(lines[i], StrCat("unexpected ", name, ": the input is a batch of messages"));
    }
  }
  return ParseLines(lines, 0, lines.size());
}

absl::StatusOr<Batch> ParseBatch(std::string_view text) {
  std::vector<Line> lines = SplitLines(text);
  Batch batch;
  Delimiters envelope_delimiters;
  size_t message_start = lines.size();  // none open
  size_t in_batch = 0;                  // messages since the last BHS
  auto close = [&](size_t end) {
    if (message_start < end) {
      batch.messages.push_back(ParseLines(lines, message_start, end));
      ++in_batch;
    }
    message_start = lines.size();
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view name = lines[i].text.substr(0, 3);
    if (name == "MSH") {
      close(i);
      message_start = i;
    } else if (name == "FHS" || name == "BHS" || name == "BTS" || name == "FTS") {
      close(i);
      if (name != "BTS" && name != "FTS") {
        VIGIL_ASSIGN_OR_RETURN(envelope_delimiters, ParseDelimiters(lines[i]));
      }
      VIGIL_ASSIGN_OR_RETURN(Segment seg, SplitSegment(lines[i], envelope_delimiters));
      if (name == "BHS") in_batch = 0;
      if (name == "BTS") {
        VIGIL_RETURN_IF_ERROR(CheckBatchCount(lines[i], seg, envelope_delimiters, in_batch));
      }
      batch.envelope.push_back(std::move(seg));
    } else if (message_start == lines.size()) {
      return LineError(lines[i], StrCat("'", Printable(lines[i].text.substr(0, 3)),
                                        "' before the first MSH segment"));
    }
  }
  close(lines.size());
  if (batch.messages.empty() && batch.envelope.empty()) {
    return absl::InvalidArgumentError("empty input: no MSH segment");
  }
  return batch;
}

}  // namespace vigil::hl7v2
