// Internal to the v2 -> FHIR mapping: the state one message's mapping shares
// (the message, options, issues, the Bundle being built) and small helpers to
// build FHIR JSON that never contains empty values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fhir/json.h"
#include "ingest/hl7v2/issue.h"
#include "ingest/hl7v2/message.h"
#include "ingest/hl7v2/to_fhir.h"

namespace vigil::hl7v2::internal {

class MapContext {
 public:
  MapContext(const Message& message, const MapOptions& options)
      : message_(message), options_(options) {}

  const Message& message() const { return message_; }
  const MapOptions& options() const { return options_; }
  Element Field(const Segment& seg, int n) const { return message_.Field(seg, n); }

  // Records an issue at seg-field (component 0: the whole field).
  void Error(const Segment& seg, int field, ErrorCode code, std::string text, int component = 0);
  void Warning(const Segment& seg, int field, std::string text, int component = 0);
  std::vector<Issue>& issues() { return issues_; }
  bool failed() const { return HasErrors(issues_); }

  // A name-based UUID URN, stable for the same message and key.
  std::string Urn(std::string_view key) const;

  // Appends an entry; returns its fullUrl. url is the request URL ("Patient",
  // "Patient?identifier=..."). if_none_exist makes a POST conditional.
  std::string AddEntry(std::string_view key, fhir::Json resource, std::string_view method,
                       std::string url, std::string if_none_exist = "");
  fhir::Json& entries() { return entries_; }
  const std::vector<std::string>& full_urls() const { return full_urls_; }

  // Date conversions that record "<SEG-F>: invalid date '...'" as an error.
  std::optional<std::string> DateTime(const Segment& seg, int field, const Element& value);
  std::optional<std::string> Date(const Segment& seg, int field, const Element& value);

 private:
  Issue MakeIssue(const Segment& seg, int field, int component, std::string text) const;

  const Message& message_;
  const MapOptions& options_;
  std::vector<Issue> issues_;
  fhir::Json entries_ = fhir::Json::Array();
  std::vector<std::string> full_urls_;
};

// Text of a leaf for FHIR: trimmed, valid UTF-8 (bad bytes become U+FFFD),
// control characters other than tab/CR/LF removed; HL7's null `""` is "".
std::string Clean(std::string_view text);
// Clean(e.Text()).
std::string Text(const Element& e);
// text as a FHIR code: runs of whitespace become one space (codes allow no more).
std::string CodeText(std::string_view text);
// text as a FHIR uri: whitespace percent-encoded (uris allow none).
std::string UriText(std::string_view text);

// Sets obj[key] to a string when value is non-empty.
void SetString(fhir::Json& obj, std::string key, const std::string& value);
// Sets obj[key] when value is a non-empty object/array.
void SetIfNotEmpty(fhir::Json& obj, std::string key, fhir::Json value);
// Pushes value into obj[key] (an array, created on demand) when non-empty.
void Append(fhir::Json& obj, const std::string& key, fhir::Json value);
bool IsEmpty(const fhir::Json& value);

// Percent-encodes a search parameter value (RFC 3986 unreserved kept).
std::string QueryEncode(std::string_view s);
// A FHIR Reference {"reference": ref}.
fhir::Json Reference(std::string ref);

}  // namespace vigil::hl7v2::internal
