#include "ingest/hl7v2/ack.h"

#include "base/str.h"
#include "ingest/hl7v2/escape.h"

namespace vigil::hl7v2 {
namespace {

const char* AckCodeText(AckCode code) {
  switch (code) {
    case AckCode::kAccept: return "AA";
    case AckCode::kError: return "AE";
    case AckCode::kReject: return "AR";
  }
  return "AE";
}

// Versions before 2.5 have no ERR-2..ERR-8; they read ERR-1 (CM_ELD).
bool UsesErr1(const std::string& version) {
  return version.starts_with("2.1") || version.starts_with("2.2") || version.starts_with("2.3") ||
         version.starts_with("2.4");
}

// An original field as written (escaped), for copying into the ACK.
std::string RawField(const Message& m, int field) {
  const Segment* msh = m.Find("MSH");
  return msh ? std::string(m.Field(*msh, field).raw()) : std::string();
}

std::string ErrSegment(const Issue& issue, const Delimiters& d, bool err1) {
  const std::string c(1, d.component), f(1, d.field);
  const std::string code = std::to_string(static_cast<int>(issue.code));
  const std::string text = Escape(ErrorCodeText(issue.code), d);
  std::string err = "ERR" + f;
  if (err1) {  // segment^sequence^field^code&text&HL70357
    std::string sub = d.subcomponent ? std::string(1, d.subcomponent) : c;
    err += Escape(issue.segment, d) + c + std::to_string(issue.sequence) + c +
           std::to_string(issue.field) + c + code + sub + text + sub + "HL70357";
  }
  err += f;
  if (!issue.segment.empty()) {
    err += Escape(issue.segment, d) + c + std::to_string(issue.sequence);
    if (issue.field > 0) err += c + std::to_string(issue.field);
    if (issue.field > 0 && (issue.repetition > 0 || issue.component > 0)) {
      err += c + std::to_string(issue.repetition > 0 ? issue.repetition : 1);
    }
    if (issue.field > 0 && issue.component > 0) err += c + std::to_string(issue.component);
  }
  err += f + code + c + text + c + "HL70357";
  err += f + (issue.is_error() ? "E" : "W");
  err += f + f + f + f + Escape(issue.ToString(), d);
  return err;
}

}  // namespace

AckCode AckCodeFor(const std::vector<Issue>& issues) {
  AckCode result = AckCode::kAccept;
  for (const Issue& issue : issues) {
    if (!issue.is_error()) continue;
    if (issue.code == ErrorCode::kUnsupportedMessageType ||
        issue.code == ErrorCode::kUnsupportedEventCode) {
      return AckCode::kReject;
    }
    result = AckCode::kError;
  }
  return result;
}

std::string BuildAck(const Message& original, AckCode code, const std::vector<Issue>& issues,
                     const AckOptions& options) {
  const Delimiters& d = original.delimiters();
  const std::string f(1, d.field), c(1, d.component);
  std::string encoding{d.component, d.repetition};
  if (d.escape) encoding += d.escape;
  if (d.escape && d.subcomponent) encoding += d.subcomponent;
  const std::string version = original.Version();

  std::string out = "MSH" + f + encoding + f + RawField(original, 5) + f + RawField(original, 6) +
                    f + RawField(original, 3) + f + RawField(original, 4) + f +
                    Escape(options.timestamp, d) + f + f + "ACK" + c +
                    Escape(original.TriggerEvent(), d) + c + "ACK" + f +
                    Escape(options.control_id, d) + f + RawField(original, 11) + f +
                    RawField(original, 12) + "\r";
  out += "MSA" + f + AckCodeText(code) + f + Escape(original.ControlId(), d);
  for (const Issue& issue : issues) {
    if (issue.is_error()) {  // MSA-3, text message (withdrawn in 2.5, still read by many)
      out += f + Escape(issue.ToString(), d);
      break;
    }
  }
  out += "\r";
  for (const Issue& issue : issues) out += ErrSegment(issue, d, UsesErr1(version)) + "\r";
  return out;
}

}  // namespace vigil::hl7v2
