#include "ingest/hl7v2/map_context.h"

#include <cstdint>

#include "base/str.h"
#include "ingest/hl7v2/datetime.h"

namespace vigil::hl7v2::internal {
namespace {

uint64_t Fnv1a(std::string_view s, uint64_t hash) {
  for (unsigned char c : s) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

uint64_t Mix(uint64_t z) {  // splitmix64 finalizer
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  uint32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (b(i + k) & 0x3F);
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

Issue MapContext::MakeIssue(const Segment& seg, int field, int component, std::string text) const {
  Issue issue;
  issue.segment = seg.name();
  issue.sequence = message_.OccurrenceOf(seg);
  issue.field = field;
  issue.component = component;
  issue.message = std::move(text);
  return issue;
}

void MapContext::Error(const Segment& seg, int field, ErrorCode code, std::string text,
                       int component) {
  Issue issue = MakeIssue(seg, field, component, std::move(text));
  issue.code = code;
  issues_.push_back(std::move(issue));
}

void MapContext::Warning(const Segment& seg, int field, std::string text, int component) {
  Issue issue = MakeIssue(seg, field, component, std::move(text));
  issue.severity = Issue::Severity::kWarning;
  issues_.push_back(std::move(issue));
}

std::string MapContext::Urn(std::string_view key) const {
  std::string seed = StrCat(message_.Get("MSH-3"), "|", message_.Get("MSH-4"), "|",
                            message_.ControlId(), "|", message_.Get("MSH-7"), "|", key);
  uint64_t hi = Mix(Fnv1a(seed, 0xcbf29ce484222325ULL));
  uint64_t lo = Mix(Fnv1a(seed, 0x84222325cbf29ce4ULL) ^ hi);
  hi = (hi & ~0xF000ULL) | 0x8000ULL;                         // version 8 (RFC 9562, custom)
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  return fmt::format("urn:uuid:{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

std::string MapContext::AddEntry(std::string_view key, fhir::Json resource, std::string_view method,
                                 std::string url, std::string if_none_exist) {
  std::string full_url = Urn(key);
  fhir::Json request = fhir::Json::Object();
  request.Set("method", fhir::Json::String(std::string(method)));
  request.Set("url", fhir::Json::String(std::move(url)));
  SetString(request, "ifNoneExist", if_none_exist);
  fhir::Json entry = fhir::Json::Object();
  entry.Set("fullUrl", fhir::Json::String(full_url));
  entry.Set("resource", std::move(resource));
  entry.Set("request", std::move(request));
  entries_.Push(std::move(entry));
  full_urls_.push_back(full_url);
  return full_url;
}

std::optional<std::string> MapContext::DateTime(const Segment& seg, int field,
                                                const Element& value) {
  std::string text = Text(value);
  if (text.empty()) return std::nullopt;
  DateTimeOptions options;
  options.default_offset = options_.default_offset;
  absl::StatusOr<std::string> converted = ToFhirDateTime(text, options);
  if (converted.ok()) return *converted;
  Error(seg, field, ErrorCode::kDataTypeError, std::string(vigil::Message(converted.status())));
  return std::nullopt;
}

std::optional<std::string> MapContext::Date(const Segment& seg, int field, const Element& value) {
  std::string text = Text(value);
  if (text.empty()) return std::nullopt;
  absl::StatusOr<std::string> converted = ToFhirDate(text);
  if (converted.ok()) return *converted;
  Error(seg, field, ErrorCode::kDataTypeError, std::string(vigil::Message(converted.status())));
  return std::nullopt;
}

std::string Clean(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8Length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (n > 1 || c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out.append(text.substr(i, n));
    i += n;
  }
  // Trimmed after the control characters are gone, so that "\0 \0" is empty.
  size_t begin = out.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  out = out.substr(begin, out.find_last_not_of(" \t\r\n") - begin + 1);
  if (out == "\"\"") return {};
  return out;
}

std::string Text(const Element& e) { return Clean(e.Text()); }

std::string CodeText(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : Clean(text)) {
    bool ws = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (ws) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string UriText(std::string_view text) {
  std::string out;
  for (char c : Clean(text)) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool IsEmpty(const fhir::Json& value) {
  if (value.is_null()) return true;
  if (value.is_string()) return value.text().empty();
  if (value.is_object()) return value.members().empty();
  if (value.is_array()) return value.items().empty();
  return false;
}

void SetString(fhir::Json& obj, std::string key, const std::string& value) {
  if (!value.empty()) obj.Set(std::move(key), fhir::Json::String(value));
}

void SetIfNotEmpty(fhir::Json& obj, std::string key, fhir::Json value) {
  if (!IsEmpty(value)) obj.Set(std::move(key), std::move(value));
}

void Append(fhir::Json& obj, const std::string& key, fhir::Json value) {
  if (IsEmpty(value)) return;
  fhir::Json* array = obj.Find(key);
  if (array == nullptr) array = &obj.Set(key, fhir::Json::Array());
  array->Push(std::move(value));
}

std::string QueryEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '/';
    if (keep)
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

fhir::Json Reference(std::string ref) {
  fhir::Json r = fhir::Json::Object();
  r.Set("reference", fhir::Json::String(std::move(ref)));
  return r;
}

}  // namespace vigil::hl7v2::internal
