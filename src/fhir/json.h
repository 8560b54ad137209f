// A JSON value tree for FHIR resources.
//
// Why not simdjson's DOM directly: FHIR decimals must round-trip exactly
// ("1.50" stays "1.50"), and resources are edited (meta, ids) before they are
// stored. Json keeps every number as its original text and object members in
// document order. Parsing uses simdjson's on-demand API (validates UTF-8 and
// structure); writing is a small hand-rolled emitter over that tree.
//
// Thread-safety: a const Json may be read from many threads at once.
//
// Example:
//   absl::StatusOr<Json> doc = ParseJson(R"({"resourceType":"Patient"})");
//   if (doc.ok()) std::string_view t = doc->Find("resourceType")->text();
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace vigil::fhir {

enum class JsonKind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

class Json {
 public:
  using Member = std::pair<std::string, Json>;

  Json() = default;  // null
  static Json Bool(bool b);
  // REQUIRES: raw is a valid JSON number; it is kept verbatim.
  static Json Number(std::string raw);
  static Json String(std::string s);
  static Json Array();
  static Json Object();

  JsonKind kind() const { return kind_; }
  bool is_null() const { return kind_ == JsonKind::kNull; }
  bool is_bool() const { return kind_ == JsonKind::kBool; }
  bool is_number() const { return kind_ == JsonKind::kNumber; }
  bool is_string() const { return kind_ == JsonKind::kString; }
  bool is_array() const { return kind_ == JsonKind::kArray; }
  bool is_object() const { return kind_ == JsonKind::kObject; }

  // REQUIRES: is_bool().
  bool bool_value() const { return bool_; }
  // The string's content (is_string) or the number's original text (is_number).
  const std::string& text() const { return text_; }
  // Array elements; empty unless is_array().
  const std::vector<Json>& items() const { return items_; }
  std::vector<Json>& items() { return items_; }
  // Object members in document order; empty unless is_object().
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& members() { return members_; }

  // The member named key, or nullptr (also for non-objects).
  const Json* Find(std::string_view key) const;
  Json* Find(std::string_view key);
  // Sets member key (replacing an existing one in place). REQUIRES: is_object().
  Json& Set(std::string key, Json value);
  // Removes member key; returns whether it existed.
  bool Erase(std::string_view key);
  // Appends to an array. REQUIRES: is_array().
  Json& Push(Json value);

  friend bool operator==(const Json& a, const Json& b);

 private:
  JsonKind kind_ = JsonKind::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<Json> items_;
  std::vector<Member> members_;
};

struct JsonParseOptions {
  // Deeper input is rejected (FHIR resources are rarely deeper than 20).
  size_t max_depth = 256;
};

// Parses one JSON document. Errors (InvalidArgument) name what is wrong:
// malformed JSON, invalid UTF-8, nesting deeper than max_depth, trailing content.
absl::StatusOr<Json> ParseJson(std::string_view text, const JsonParseOptions& options = {});

// Writes compact JSON, or indented with two spaces when pretty.
std::string WriteJson(const Json& value, bool pretty = false);
void AppendJson(const Json& value, bool pretty, std::string* out);
// Appends s as a quoted, escaped JSON string.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace vigil::fhir
