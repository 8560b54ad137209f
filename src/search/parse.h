// Search-URL parsing: a type's search parameters -> a store::Query plan plus the
// result-shaping options (_include, _summary, _elements, ...).
//
//   auto parsed = search::ParseSearch(search::Registry::Default(), "Observation",
//                                     {{"code", "http://loinc.org|8302-2"},
//                                      {"date", "ge2020-01"}, {"_count", "10"}}, {});
//
// Input: percent-decoded (name, value) pairs in URL order. A repeated name is
// an AND (one Clause each); commas inside a value are an OR (one Clause with
// several predicates); "\," is a literal comma ("\|", "\$", "\\" likewise).
// Empty values are ignored, as the spec requires.
//
// Supported (https://hl7.org/fhir/R4/search.html):
//   prefixes    eq ne gt lt ge le sa eb ap on date, number and quantity values
//   date        YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm]
//               -> [low, high] (no offset: UTC, as in search/values.h)
//   token       system|code, |code, system|, code; :not, :text, :of-type
//               (system|type-code|value -> a "<param>:of-type" clause);
//               :in / :not-in=<ValueSet url> (search/value_sets.h: each code
//               as system|code and as |code; 400 when the value set cannot be
//               expanded)
//   string      starts-with (default), :exact, :contains
//   reference   Type/id, id (typed when the param has one target), absolute
//               URL, :Type modifier; _id; :identifier=system|value (a token
//               clause on "<param>:identifier", the Reference.identifier rows)
//   uri         exact, :below, :above
//   quantity    [prefix]number|system|code, [prefix]number||code, [prefix]number
//   composite   one value per component separated by '$' ("\$" is a literal),
//               each read by its component parameter's type with no modifier
//               (code-value-quantity=http://loinc.org|8480-6$gt140) -> a
//               kComposite clause of CompositeMatch; only :missing as modifier
//   any type    :missing=true|false
//   chains      subject:Patient.name=x, patient.organization.name=x (any depth
//               up to kMaxChainDepth). A reference param with several targets
//               and no :Type chains into every target type that has the chained
//               param: one ChainMatch per target type, OR-ed in one Clause.
//   _has        _has:Observation:patient:code=1234 (nestable) -> a Clause with
//               param "_has", kind kReference, one ReverseChainMatch
//   control     _sort=a,-b; _count (capped at max_count, 0 allowed); _offset;
//               _total=none|estimate|accurate; _summary; _elements;
//               _include / _revinclude (Type:param[:Target], :iterate);
//               _include=* and _include=Type:* (every reference parameter:
//               an Include with an empty param);
//               _format and _pretty are ignored (REST handles them)
//   _summary=count sets query.count to 0 (only the total is wanted).
//
// Errors (InvalidArgument, message fit for an OperationOutcome, HTTP 400):
// malformed dates or numbers, unknown prefixes, unknown or unsupported
// modifiers, malformed token/quantity/reference values, a bad _sort param,
// _count/_offset not a non-negative integer, bad _total/_summary/_include
// values, an unknown resource type, a composite value with the wrong number
// of components, an unknown or unexpandable value set for :in / :not-in.
// Unknown or unsupported parameters (special ones such as Location.near,
// _text, _content, _list, _filter, ...) are an error in
// strict mode (Prefer: handling=strict) and a warning otherwise, and are left
// out of the plan.
//
// self_params lists the parameters actually used, for the Bundle's self/next
// links: the search parameters in their URL order as given, then _sort,
// _count (always, the effective value), _total, _summary, _elements,
// _include, _revinclude, _offset (when not 0), each in that canonical form.
//
// Thread-safety: a pure function of its arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "search/registry.h"
#include "store/query.h"

namespace vigil::search {

inline constexpr int kMaxChainDepth = 4;

struct Include {
  std::string source_type;
  std::string param;  // empty = every reference parameter (_include=Type:*)
  std::string target_type;  // empty = every target of param
  bool iterate = false;
};

struct SearchOptions {
  bool strict = false;  // Prefer: handling=strict
  size_t default_count = 50;
  size_t max_count = 1000;
  int64_t now_ms = 0;  // for date 'ap'; the store widens, so parsing does not need it yet
};

struct ParsedSearch {
  store::Query query;
  std::vector<Include> includes, revincludes;
  std::string summary;                // "", "true", "count", "data", "text", "false"
  std::vector<std::string> elements;  // _elements
  std::vector<std::string> warnings;  // lenient: "unknown search parameter 'foo' ignored", ...
  std::vector<std::pair<std::string, std::string>> self_params;
};

using SearchParams = std::vector<std::pair<std::string, std::string>>;

absl::StatusOr<ParsedSearch> ParseSearch(const Registry& registry, std::string_view type,
                                         const SearchParams& params, const SearchOptions& options);

}  // namespace vigil::search
