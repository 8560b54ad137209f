// Value conversions shared by the indexer and the search-URL parser, so that an
// indexed row and a search value written the same way get the same interval:
// dates to millisecond ranges by precision, decimals to the range their
// precision implies, reference strings to type/id/url.
//
// Time zones: a dateTime (or search value) with a clock but no offset is read as
// UTC. The spec leaves it to the server ("the server's local time"); Vigil
// servers run in UTC, and choosing one fixed rule keeps index and query in step.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fhirpath/temporal.h"

namespace vigil::search {

// A closed interval of epoch milliseconds (UTC).
struct TimeRange {
  int64_t low = 0;
  int64_t high = 0;
};

// The instants a Date or DateTime covers at its precision: 2020 ->
// [2020-01-01T00:00:00.000Z, 2020-12-31T23:59:59.999Z]. nullopt for a Time.
std::optional<TimeRange> TemporalRange(const fhirpath::Temporal& t);
// A FHIR date, dateTime or instant ("2020", "2020-03", "2020-03-04",
// "2020-03-04T10:00:00+01:00", "2020-03-04T10:00:00.123Z"); nullopt if malformed.
std::optional<TimeRange> ParseDateRange(std::string_view text);

// A decimal with the interval its written precision implies: "100" ->
// [99.5, 100.5], "1.50" -> [1.495, 1.505], "1e2" -> [50, 150].
struct NumberRange {
  double value = 0;
  double low = 0;
  double high = 0;
};
// Accepts JSON/FHIR decimal syntax: [-+]digits[.digits][(e|E)[-+]digits];
// nullopt otherwise.
std::optional<NumberRange> ParseNumberRange(std::string_view text);

// A reference string split for ReferenceRow / ReferenceMatch.
struct ParsedReference {
  std::string type;  // set for relative "Type/id" references to a known type
  std::string id;
  std::string url;  // the reference without "/_history/n" or a canonical "|version"
};
// "Patient/1" -> {Patient, 1, "Patient/1"}; "Patient/1/_history/2" ->
// {Patient, 1, "Patient/1"}; "http://x/fhir/Patient/1" -> {"", "", url};
// "urn:uuid:..." and conditional references ("Patient?identifier=...") -> url
// only. nullopt for contained references ("#x") and empty text.
std::optional<ParsedReference> ParseReferenceText(std::string_view text, bool canonical = false);

// The resource type a reference string names: "Patient" for "Patient/1",
// "http://x/fhir/Patient/1" and "http://x/fhir/Patient/1/_history/2"; empty
// when it names no known resource type.
std::string_view ReferenceTargetType(std::string_view text);

}  // namespace vigil::search
