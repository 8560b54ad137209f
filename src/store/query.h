// A planned search, in terms of index rows (store/index.h).
//
// search/ turns a FHIR search URL into a Query: parameters resolved to their
// types, values parsed (dates to intervals, prefixes, token system|code), chains
// and _has turned into nested queries. Every store executes the same Query, so
// REST and search code never see SQL.
//
// Semantics (the FHIR R4 search page, restated in index terms):
//   - A resource matches a Query when it has `type` and matches every Clause.
//   - A resource matches a Clause when some predicate in `any_of` matches some
//     index row of that clause's param, or of its row_params when it has them
//     (the comma OR of one URL parameter),
//     or, when `negate` (token :not), when no predicate matches any row.
//   - Range predicates compare the row's interval [low, high] with the search
//     interval [low, high] by prefix, as the spec's search page defines:
//       eq: row within search         ne: not eq
//       gt: row.high > search.high    lt: row.low < search.low
//       ge: row.high >= search.low    le: row.low <= search.high  (overlap)
//       sa: row.low > search.high     eb: row.high < search.low
//       ap: intervals overlap after widening search by 10% of its value
//          (numbers, quantities) or of its distance from now (dates: the gap
//          between now and the nearer end of the interval, 0 if now is inside;
//          see store/range_match.h, which every store uses)
//     Numbers and quantities differ: the row is its value (a point), and
//     gt/lt/ge/le compare it with the search value itself ("gt100" matches
//     100.2); eq/ne/sa/eb/ap use the search interval (NumberSearchInterval).
//   - Paging: `offset`/`count` over the matches in `sort` order, ties broken by
//     a stable store order, so that pages never overlap or skip while the
//     data does not change.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vigil::store {

struct Query;

enum class Prefix : uint8_t { kEq, kNe, kGt, kLt, kGe, kLe, kSa, kEb, kAp };

// Token rows: system|code. nullopt = any; an empty system = "no system" (|code).
struct TokenMatch {
  std::optional<std::string> system;
  std::optional<std::string> code;
};
// Token :text — the row's normalized text starts with `text` (normalized) or
// contains it as a word prefix.
struct TokenTextMatch {
  std::string text;
};

struct StringMatch {
  enum class Mode : uint8_t { kStartsWith, kExact, kContains };
  Mode mode = Mode::kStartsWith;
  // Normalized for kStartsWith/kContains (see StringRow), verbatim for kExact.
  std::string value;
};

struct NumberMatch {
  Prefix prefix = Prefix::kEq;
  double value = 0;
  double low = 0;
  double high = 0;
};

struct DateMatch {
  Prefix prefix = Prefix::kEq;
  int64_t low = 0;
  int64_t high = 0;
};

struct QuantityMatch {
  NumberMatch number;
  std::optional<std::string> system;  // nullopt = any
  // Matches the row's code, or its unit text when no system was given.
  std::optional<std::string> code;
};

// Reference rows: by type and id, or by url. An empty type is any of
// `target_types` (the parameter's targets), or any type when that is empty.
struct ReferenceMatch {
  std::string target_type;
  std::string target_id;
  std::string url;  // used when target_id is empty
  std::vector<std::string> target_types = {};
};

// kBelow: the row's value starts with `value`; kAbove: `value` starts with the
// row's value (plain byte prefixes, no path-segment logic).
struct UriMatch {
  enum class Mode : uint8_t { kExact, kBelow, kAbove };
  Mode mode = Mode::kExact;
  std::string value;
};

// :missing=true (the resource has no row for the param) / false (it has one).
struct MissingMatch {
  bool missing = true;
};

// Chained parameter: a reference row of `param` whose target matches `target`
// (target->type is the target resource type).
struct ChainMatch {
  std::shared_ptr<const Query> target;
};

// _has: some resource of source->type matches `source` and refers to this
// resource through its reference parameter `reference_param`.
struct ReverseChainMatch {
  std::string reference_param;
  std::shared_ptr<const Query> source;
};

// The resource's logical id is one of these (_id). Its param is "_id".
struct IdMatch {
  std::string id;
};

// One component of a CompositeMatch: the predicate its component parameter
// would use on its own, matched against one CompositePart (index.h) with the
// same semantics as against an ordinary row of that kind.
using ComponentPredicate = std::variant<TokenMatch, StringMatch, NumberMatch, DateMatch,
                                        QuantityMatch, ReferenceMatch, UriMatch>;

// Composite ("code-value-quantity=http://loinc.org|8480-6$gt140"): some
// CompositeRow of the clause's param (kind kComposite) has a part i matching
// parts[i] for every i (a row with fewer parts does not match). All
// components match on the SAME row, i.e. within one element of the
// composite's context, never across elements. parts[i] must be of the kind
// of the row's part i (both follow the component parameter's type); a
// mismatch has no defined result.
struct CompositeMatch {
  std::vector<ComponentPredicate> parts;
};

// Compartment membership (search/compartments.h): some reference row whose
// param is one of `params` targets target_type/target_id (any id of
// target_type when target_id is empty). The clause's own param is ignored;
// use kind kReference and param "_compartment".
struct CompartmentMatch {
  std::vector<std::string> params;
  std::string target_type;
  std::string target_id;
};

using Predicate = std::variant<TokenMatch, TokenTextMatch, StringMatch, NumberMatch, DateMatch,
                               QuantityMatch, ReferenceMatch, UriMatch, MissingMatch, ChainMatch,
                               ReverseChainMatch, IdMatch, CompartmentMatch, CompositeMatch>;

// A composite's part as the predicate it is on its own row kind.
inline Predicate AsPredicate(const ComponentPredicate& part) {
  return std::visit([](const auto& p) -> Predicate { return p; }, part);
}

// Which kind of index row a clause or sort key reads. kComposite (CompositeRow)
// is never a sort key.
enum class RowKind : uint8_t {
  kToken,
  kString,
  kDate,
  kNumber,
  kQuantity,
  kReference,
  kUri,
  kId,
  kComposite,
};

// A composite parameter that has no composite rows of its own
// (search::ParamDef::component_params): its one element is the resource, and
// its component i's values are the rows of parts[i] on it.
struct ComponentRows {
  struct Part {
    std::string param;
    RowKind kind = RowKind::kToken;
  };
  std::string param;
  std::vector<Part> parts;
};

struct Clause {
  std::string param;
  RowKind kind = RowKind::kToken;
  bool negate = false;  // token :not
  // OR; all predicates have a type that fits `kind` (MissingMatch fits all).
  std::vector<Predicate> any_of;
  // The params whose rows stand for `param`'s: empty = `param` itself. Set
  // for a parameter derived as the union of others (search::ParamDef::union_of,
  // e.g. combo-code = code | component-code), whose own rows are not written.
  std::vector<std::string> row_params = {};
  // Reference rows only: when set, rows of row_params[0] count only when they
  // target this type (the other row_params' rows count whole). Set for a
  // parameter that narrows another to one target type
  // (search::ParamDef::narrows): Observation's patient reads subject's rows
  // that target a Patient, and its own (references only an absolute URL types).
  std::string row_target_type = {};
  // Composite clauses only: those of the params the clause reads (its
  // RowFilter) whose component values are other params' rows. A
  // CompositeMatch also matches a resource that has, for every part i, a row
  // of the kind of part i whose param is parts[i].param and that matches part
  // i (a row of each, not necessarily one element's: there is one element);
  // MissingMatch counts a resource with rows of all of parts' params as
  // having a value. Composite rows of these params (written by an older
  // build) hold the same values and are still read.
  std::vector<ComponentRows> component_rows = {};
};

// Which index rows a clause or sort key reads: those of `params` (its
// row_params, or its param), where reference rows of params[0] must target
// `target_type` when that is set.
struct RowFilter {
  std::vector<std::string> params;
  std::string target_type;

  template <typename ClauseOrSortKey>
  static RowFilter Of(const ClauseOrSortKey& c) {
    return {c.row_params.empty() ? std::vector<std::string>{c.param} : c.row_params,
            c.row_target_type};
  }

  template <typename Row>
  bool Reads(const Row& r) const {
    if (std::find(params.begin(), params.end(), r.param) == params.end()) return false;
    if constexpr (requires { r.target_type; }) {
      return target_type.empty() || r.param != params[0] || r.target_type == target_type;
    }
    return true;
  }
};

// _sort key: rows of `param`; ascending uses each resource's smallest value
// (string: normalized, token: code, date: low, number/quantity: value, uri:
// value, reference: "type/id", or url when it has no id), descending its
// largest. Resources without a row sort last in both directions.
// param "_id" (kind kId) sorts by logical id.
struct SortKey {
  std::string param;
  RowKind kind = RowKind::kString;
  bool descending = false;
  std::vector<std::string> row_params = {};  // as in Clause
  std::string row_target_type = {};          // as in Clause
};

enum class TotalMode : uint8_t { kNone, kEstimate, kAccurate };

struct Query {
  std::string type;  // resource type; required
  std::vector<Clause> all_of;
  std::vector<SortKey> sort;
  size_t offset = 0;
  size_t count = 50;  // 0 = only the total is wanted
  TotalMode total = TotalMode::kAccurate;
};

}  // namespace vigil::store
