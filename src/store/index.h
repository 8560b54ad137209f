// Search-index rows: what the search layer extracts from one resource version
// and the store persists beside it, in the same transaction.
//
// The search layer (search/indexer.h) evaluates each search parameter's FHIRPath
// expression and normalizes the values into these rows; the store only keeps
// them and matches store::Query predicates (store/query.h) against them. Keeping
// the rows typed and store-neutral is what lets a PostgreSQL store follow
// without touching search or REST code.
//
// Conventions shared by every row and every store:
//   - `param` is the search parameter's code ("code", "patient", "_lastUpdated").
//   - Times are milliseconds since the Unix epoch (UTC). A date row is the
//     closed interval [low, high] its value covers: "2020" is
//     [2020-01-01T00:00:00.000, 2020-12-31T23:59:59.999]; an open Period end is
//     kMinTime / kMaxTime.
//   - Numbers and quantities keep the interval their precision implies
//     ("100" is [99.5, 100.5]) and the value itself.
//   - Strings are kept twice: `normalized` (case- and accent-folded, for the
//     default starts-with and :contains matches) and `exact`.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

namespace vigil::store {

inline constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

struct TokenRow {
  std::string param;
  std::string system;  // empty when the value has no system
  std::string code;
  // Display text (Coding.display, CodeableConcept.text, Identifier.type.text),
  // normalized like StringRow::normalized; for :text. May be empty.
  std::string text;
};

struct StringRow {
  std::string param;
  std::string normalized;
  std::string exact;
};

struct DateRow {
  std::string param;
  int64_t low = kMinTime;   // inclusive
  int64_t high = kMaxTime;  // inclusive
};

struct NumberRow {
  std::string param;
  double value = 0;
  double low = 0;   // value - half a unit of its last digit
  double high = 0;  // value + half a unit of its last digit
};

struct QuantityRow {
  std::string param;
  double value = 0;
  double low = 0;
  double high = 0;
  std::string system;  // e.g. "http://unitsofmeasure.org"; may be empty
  std::string code;    // e.g. "mg"; may be empty
  std::string unit;    // the human unit text (Quantity.unit); may be empty
};

// A reference to another resource. Relative references ("Patient/123") have
// target_type and target_id and an empty url; other absolute or canonical references keep only url, the
// reference text as written (without a "|version" suffix for canonicals).
struct ReferenceRow {
  std::string param;
  std::string target_type;
  std::string target_id;
  std::string url;
};

struct UriRow {
  std::string param;
  std::string value;
};

// One value of one component of a composite parameter: the row the component
// parameter would index on its own (its type decides the alternative), with
// `param` left empty. Reference :identifier and token :of-type rows are not
// made for components.
using CompositePart =
    std::variant<TokenRow, StringRow, DateRow, NumberRow, QuantityRow, ReferenceRow, UriRow>;

// A composite parameter ("code-value-quantity", "component-code-value-quantity"):
// the component values found in ONE element of the composite's context (the
// Observation itself, one Observation.component, one useContext), parts[i]
// for component i in definition order. An element whose components have
// several values (a CodeableConcept with two codings) yields one row per
// combination, so a match can never pair values taken from different elements.
struct CompositeRow {
  std::string param;
  std::vector<CompositePart> parts;
};

// Every index row of one resource version.
struct IndexEntries {
  std::vector<TokenRow> tokens;
  std::vector<StringRow> strings;
  std::vector<DateRow> dates;
  std::vector<NumberRow> numbers;
  std::vector<QuantityRow> quantities;
  std::vector<ReferenceRow> references;
  std::vector<UriRow> uris;
  std::vector<CompositeRow> composites;

  bool empty() const {
    return tokens.empty() && strings.empty() && dates.empty() && numbers.empty() &&
           quantities.empty() && references.empty() && uris.empty() && composites.empty();
  }
};

}  // namespace vigil::store
