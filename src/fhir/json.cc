#include "fhir/json.h"

#include <simdjson.h>

#include "absl/strings/str_cat.h"

namespace vigil::fhir {
namespace {

namespace od = simdjson::ondemand;

absl::Status ParseError(simdjson::error_code code, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid JSON: ", simdjson::error_message(code),
                   what.empty() ? "" : absl::StrCat(" (", std::string(what), ")")));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Consumes a run of digits from *s; returns how many there were.
size_t EatDigits(std::string_view* s) {
  size_t n = 0;
  while (n < s->size() && IsDigit((*s)[n])) ++n;
  s->remove_prefix(n);
  return n;
}

// Whether s is exactly one number per the JSON grammar (RFC 8259 section 6):
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  if (s.empty() || !IsDigit(s.front())) return false;
  if (s.front() == '0') {
    s.remove_prefix(1);
  } else {
    EatDigits(&s);
  }
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    if (EatDigits(&s) == 0) return false;
  }
  if (!s.empty() && (s.front() == 'e' || s.front() == 'E')) {
    s.remove_prefix(1);
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
    if (EatDigits(&s) == 0) return false;
  }
  return s.empty();
}

absl::StatusOr<Json> Build(od::value value, size_t depth, size_t max_depth);

absl::StatusOr<Json> BuildArray(od::array array, size_t depth, size_t max_depth) {
  Json out = Json::Array();
  for (auto element : array) {
    od::value v;
    if (auto err = element.get(v)) return ParseError(err, "array element");
    auto child = Build(v, depth + 1, max_depth);
    if (!child.ok()) return child.status();
    out.items().push_back(std::move(*child));
  }
  return out;
}

absl::StatusOr<Json> BuildObject(od::object object, size_t depth, size_t max_depth) {
  Json out = Json::Object();
  for (auto field : object) {
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return ParseError(err, "object key");
    od::value v;
    if (auto err = field.value().get(v)) return ParseError(err, key);
    auto child = Build(v, depth + 1, max_depth);
    if (!child.ok()) return child.status();
    out.members().emplace_back(std::string(key), std::move(*child));
  }
  return out;
}

absl::StatusOr<Json> Build(od::value value, size_t depth, size_t max_depth) {
  if (depth > max_depth) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON: nesting deeper than ", max_depth, " levels"));
  }
  od::json_type type;
  if (auto err = value.type().get(type)) return ParseError(err, "");
  switch (type) {
    case od::json_type::array: {
      od::array array;
      if (auto err = value.get_array().get(array)) return ParseError(err, "");
      return BuildArray(array, depth, max_depth);
    }
    case od::json_type::object: {
      od::object object;
      if (auto err = value.get_object().get(object)) return ParseError(err, "");
      return BuildObject(object, depth, max_depth);
    }
    case od::json_type::number: {
      // Validate the number's syntax ourselves and keep its original spelling:
      // get_number() rejects valid JSON beyond int64/double range
      // ("123456789012345678901234567890", "1e400"), which FHIR decimals may be.
      std::string_view raw = value.raw_json_token();
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' ||
                              raw.back() == '\t')) {
        raw.remove_suffix(1);
      }
      if (!IsJsonNumber(raw)) return ParseError(simdjson::NUMBER_ERROR, "number");
      return Json::Number(std::string(raw));
    }
    case od::json_type::string: {
      std::string_view s;
      if (auto err = value.get_string().get(s)) return ParseError(err, "string");
      return Json::String(std::string(s));
    }
    case od::json_type::boolean: {
      bool b;
      if (auto err = value.get_bool().get(b)) return ParseError(err, "boolean");
      return Json::Bool(b);
    }
    case od::json_type::null: {
      bool is_null = false;
      if (auto err = value.is_null().get(is_null); err || !is_null) {
        return ParseError(err ? err : simdjson::INCORRECT_TYPE, "null");
      }
      return Json();
    }
  }
  return absl::InvalidArgumentError("invalid JSON: unexpected token");
}

void Indent(bool pretty, int level, std::string* out) {
  if (!pretty) return;
  out->push_back('\n');
  out->append(static_cast<size_t>(level) * 2, ' ');
}

void Append(const Json& v, bool pretty, int level, std::string* out) {
  switch (v.kind()) {
    case JsonKind::kNull: out->append("null"); return;
    case JsonKind::kBool: out->append(v.bool_value() ? "true" : "false"); return;
    case JsonKind::kNumber: out->append(v.text()); return;
    case JsonKind::kString: AppendJsonString(v.text(), out); return;
    case JsonKind::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Json& item : v.items()) {
        if (!first) out->push_back(',');
        first = false;
        Indent(pretty, level + 1, out);
        Append(item, pretty, level + 1, out);
      }
      if (!v.items().empty()) Indent(pretty, level, out);
      out->push_back(']');
      return;
    }
    case JsonKind::kObject: {
      out->push_back('{');
      bool first = true;
      for (const auto& [key, item] : v.members()) {
        if (!first) out->push_back(',');
        first = false;
        Indent(pretty, level + 1, out);
        AppendJsonString(key, out);
        out->append(pretty ? ": " : ":");
        Append(item, pretty, level + 1, out);
      }
      if (!v.members().empty()) Indent(pretty, level, out);
      out->push_back('}');
      return;
    }
  }
}

}  // namespace

Json Json::Bool(bool b) {
  Json j;
  j.kind_ = JsonKind::kBool;
  j.bool_ = b;
  return j;
}

Json Json::Number(std::string raw) {
  Json j;
  j.kind_ = JsonKind::kNumber;
  j.text_ = std::move(raw);
  return j;
}

Json Json::String(std::string s) {
  Json j;
  j.kind_ = JsonKind::kString;
  j.text_ = std::move(s);
  return j;
}

Json Json::Array() {
  Json j;
  j.kind_ = JsonKind::kArray;
  return j;
}

Json Json::Object() {
  Json j;
  j.kind_ = JsonKind::kObject;
  return j;
}

const Json* Json::Find(std::string_view key) const {
  for (const auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

Json* Json::Find(std::string_view key) {
  for (auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

Json& Json::Set(std::string key, Json value) {
  if (Json* existing = Find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  members_.emplace_back(std::move(key), std::move(value));
  return members_.back().second;
}

bool Json::Erase(std::string_view key) {
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->first == key) {
      members_.erase(it);
      return true;
    }
  }
  return false;
}

Json& Json::Push(Json value) {
  items_.push_back(std::move(value));
  return items_.back();
}

bool operator==(const Json& a, const Json& b) {
  return a.kind_ == b.kind_ && a.bool_ == b.bool_ && a.text_ == b.text_ && a.items_ == b.items_ &&
         a.members_ == b.members_;
}

absl::StatusOr<Json> ParseJson(std::string_view text, const JsonParseOptions& options) {
  // Each thread keeps its own parser: allocation is amortised across documents.
  thread_local od::parser parser;
  simdjson::padded_string padded(text);
  od::document doc;
  if (auto err = parser.iterate(padded).get(doc)) return ParseError(err, "");
  od::value root;
  // A scalar document cannot be read as a value; FHIR documents are objects/arrays anyway.
  od::json_type type;
  if (auto err = doc.type().get(type)) return ParseError(err, "");
  absl::StatusOr<Json> result;
  if (type == od::json_type::object) {
    od::object object;
    if (auto err = doc.get_object().get(object)) return ParseError(err, "");
    result = BuildObject(object, 1, options.max_depth);
  } else if (type == od::json_type::array) {
    od::array array;
    if (auto err = doc.get_array().get(array)) return ParseError(err, "");
    result = BuildArray(array, 1, options.max_depth);
  } else {
    return absl::InvalidArgumentError("invalid JSON: expected an object or an array");
  }
  if (!result.ok()) return result;
  // At the end of the input current_location() is OUT_OF_BOUNDS; anything else is a
  // further token (simdjson 3.0 has no document::at_end()).
  const char* trailing = nullptr;
  if (doc.current_location().get(trailing) != simdjson::OUT_OF_BOUNDS) {
    return absl::InvalidArgumentError("invalid JSON: trailing content");
  }
  return result;
}

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t plain = 0;  // start of the run of characters written as they are
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.substr(plain, i - plain));
    plain = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[u >> 4]);
        out->push_back(kHex[u & 0xF]);
    }
  }
  out->append(s.substr(plain));
  out->push_back('"');
}

void AppendJson(const Json& value, bool pretty, std::string* out) { Append(value, pretty, 0, out); }

std::string WriteJson(const Json& value, bool pretty) {
  std::string out;
  AppendJson(value, pretty, &out);
  return out;
}

}  // namespace vigil::fhir
