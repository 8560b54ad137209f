#include "ingest/mqtt/reading.h"

#include <optional>
#include <vector>

#include "ai/signals.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "fhir/json.h"
#include "ingest/mqtt/units.h"

namespace vigil::mqtt {
namespace {

using fhir::Json;

constexpr size_t kMaxDeviceId = 64;

absl::Status Invalid(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool ValidDeviceId(std::string_view id) {
  if (id.empty() || id.size() > kMaxDeviceId) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsDigit(c) || c == '.' ||
              c == '_' || c == '-' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// A LOINC code: 1-7 digits, '-', one check digit.
bool ValidLoinc(std::string_view code) {
  size_t dash = code.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash > 7 || code.size() != dash + 2) return false;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i != dash && !IsDigit(code[i])) return false;
  }
  return true;
}

// YYYY-MM-DDThh:mm:ss[.f+](Z|+hh:mm|-hh:mm): the form devices must send.
bool HasDateTimeShape(std::string_view t) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (t.size() < kShape.size() + 1) return false;
  for (size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' ? !IsDigit(t[i]) : t[i] != kShape[i]) return false;
  }
  size_t i = kShape.size();
  if (t[i] == '.') {
    size_t start = ++i;
    while (i < t.size() && IsDigit(t[i])) ++i;
    if (i == start) return false;
  }
  std::string_view zone = t.substr(i);
  if (zone == "Z") return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && IsDigit(zone[1]) &&
         IsDigit(zone[2]) && zone[3] == ':' && IsDigit(zone[4]) && IsDigit(zone[5]);
}

// The member as a string; nullopt when absent; an error when not a string.
absl::StatusOr<std::optional<std::string>> OptionalString(const Json& message, std::string_view name) {
  const Json* m = message.Find(name);
  if (m == nullptr || m->is_null()) return std::nullopt;
  if (!m->is_string()) return Invalid(StrCat("'", name, "' must be a string"));
  return m->text();
}

absl::StatusOr<std::string> ParseDevice(const Json& message, std::string_view topic_device) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<std::string> device, OptionalString(message, "device"));
  if (device && !topic_device.empty() && *device != topic_device) {
    return Invalid(StrCat("'device' '", *device, "' differs from the device '", topic_device,
                          "' of the topic"));
  }
  std::string id = device ? *device : std::string(topic_device);
  if (id.empty()) {
    return Invalid("no device id: give 'device', or publish on a topic whose filter has a '+' "
                   "for it (devices/+/vitals)");
  }
  if (!ValidDeviceId(id)) {
    return Invalid(StrCat("device id '", id, "' must be 1-64 characters of A-Z a-z 0-9 . _ - :"));
  }
  return id;
}

absl::StatusOr<PatientIdentifier> ParsePatient(const Json& message) {
  const Json* p = message.Find("patient");
  if (p == nullptr || p->is_null()) return Invalid("'patient' is missing");
  PatientIdentifier out;
  if (p->is_string()) {
    size_t bar = p->text().find('|');
    if (bar != std::string::npos) {
      out.system = p->text().substr(0, bar);
      out.value = p->text().substr(bar + 1);
    }
  } else if (p->is_object()) {
    const Json* system = p->Find("system");
    const Json* value = p->Find("value");
    if (system != nullptr && system->is_string()) out.system = system->text();
    if (value != nullptr && value->is_string()) out.value = value->text();
  }
  if (out.system.empty() || out.value.empty()) {
    return Invalid("'patient' must be an identifier \"system|value\" or {\"system\": ..., "
                   "\"value\": ...} with both parts");
  }
  return out;
}

std::string VitalNames() {
  std::string out;
  for (const ai::SignalInfo& info : ai::AllSignals()) {
    if (info.kind != ai::SignalKind::kVital) continue;
    out += out.empty() ? "" : ", ";
    out += info.name;
  }
  return out;
}

// The LOINC code; the signal when the table has it.
absl::StatusOr<std::pair<std::string, std::optional<ai::Signal>>> ParseCode(const Json& message) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<std::string> code, OptionalString(message, "code"));
  VIGIL_ASSIGN_OR_RETURN(std::optional<std::string> name, OptionalString(message, "name"));
  std::optional<ai::Signal> named;
  if (name) {
    named = ai::SignalByName(*name);
    if (!named || ai::Info(*named).kind != ai::SignalKind::kVital) {
      return Invalid(StrCat("'name' '", *name, "' is not a vital-sign name; use one of ",
                            VitalNames(), ", or a LOINC 'code'"));
    }
  }
  if (!code) {
    if (!named) return Invalid("give the measurement as 'code' (LOINC) or 'name'");
    return std::pair{std::string(ai::Info(*named).loinc), named};
  }
  if (!ValidLoinc(*code)) {
    return Invalid(StrCat("'code' '", *code, "' is not a LOINC code (digits, '-', check digit)"));
  }
  std::optional<ai::Signal> coded = ai::SignalByLoinc(*code);
  if (named && coded != named) {
    return Invalid(StrCat("'code' ", *code, " and 'name' ", *name, " name different measurements"));
  }
  return std::pair{*code, coded};
}

absl::Status ParseTime(const Json& message, DeviceReading& out) {
  const Json* t = message.Find("time");
  if (t == nullptr || t->is_null()) return Invalid("'time' is missing");
  std::optional<int64_t> ms;
  if (t->is_string() && HasDateTimeShape(t->text())) ms = ParseFhirDateTimeMs(t->text());
  if (!ms) {
    return Invalid("'time' must be an ISO 8601 date-time with seconds and a UTC offset, e.g. "
                   "2026-05-01T08:15:00Z or 2026-05-01T10:15:00+02:00");
  }
  out.time = t->text();
  out.time_ms = *ms;
  return absl::OkStatus();
}

absl::Status ParseQuantity(const Json& message, std::optional<ai::Signal> signal, DeviceReading& out) {
  const Json* value = message.Find("value");
  if (value == nullptr || value->is_null()) return Invalid("'value' is missing");
  if (!value->is_number()) return Invalid("'value' must be a JSON number");
  VIGIL_ASSIGN_OR_RETURN(std::optional<std::string> unit, OptionalString(message, "unit"));
  std::string_view sent = unit ? std::string_view(*unit) : std::string_view();
  absl::StatusOr<internal::Quantity> q = signal
                                             ? internal::SignalQuantity(*signal, value->text(), sent)
                                             : internal::OtherQuantity(value->text(), sent);
  if (!q.ok()) return q.status();
  out.value = q->value;
  out.unit = q->unit;
  out.ucum = q->ucum;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DeviceReading> ParseReading(std::string_view payload, std::string_view topic_device) {
  absl::StatusOr<Json> message = fhir::ParseJson(payload);
  if (!message.ok()) return Invalid(StrCat("the payload is not JSON: ", Message(message.status())));
  if (!message->is_object()) return Invalid("the payload must be a JSON object");
  DeviceReading out;
  VIGIL_ASSIGN_OR_RETURN(out.device, ParseDevice(*message, topic_device));
  VIGIL_ASSIGN_OR_RETURN(out.patient, ParsePatient(*message));
  VIGIL_ASSIGN_OR_RETURN(auto code, ParseCode(*message));
  out.loinc = code.first;
  if (code.second) {
    const ai::SignalInfo& info = ai::Info(*code.second);
    out.display = std::string(info.display);
    out.laboratory = info.kind == ai::SignalKind::kLab;
  }
  VIGIL_RETURN_IF_ERROR(ParseQuantity(*message, code.second, out));
  VIGIL_RETURN_IF_ERROR(ParseTime(*message, out));
  return out;
}

std::string ReadingKey(const DeviceReading& reading) {
  return StrCat(reading.device, "/", reading.loinc, "/", FormatInstant(reading.time_ms));
}

namespace {

std::vector<std::string_view> Levels(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t slash = s.find('/');; slash = s.find('/', start)) {
    out.push_back(s.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

// The index of the level the first '+' matched, -1 when none; nullopt when
// topic does not match filter.
std::optional<int> Match(std::string_view filter, std::string_view topic) {
  std::vector<std::string_view> f = Levels(filter);
  std::vector<std::string_view> t = Levels(topic);
  int plus = -1;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") return plus;  // the rest, including the parent level itself
    if (i >= t.size()) return std::nullopt;
    if (f[i] == "+") {
      if (plus < 0) plus = static_cast<int>(i);
    } else if (f[i] != t[i]) {
      return std::nullopt;
    }
  }
  if (f.size() != t.size()) return std::nullopt;
  return plus;
}

}  // namespace

bool TopicMatches(std::string_view filter, std::string_view topic) {
  return Match(filter, topic).has_value();
}

std::string TopicDevice(std::string_view filter, std::string_view topic) {
  std::optional<int> plus = Match(filter, topic);
  if (!plus || *plus < 0) return "";
  return std::string(Levels(topic)[static_cast<size_t>(*plus)]);
}

}  // namespace vigil::mqtt
