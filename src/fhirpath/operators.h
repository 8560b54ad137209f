// FHIRPath operators on single values: equality, equivalence, ordering and
// arithmetic, with the spec's implicit conversions (Integer -> Decimal,
// Date -> DateTime, FHIR primitives -> System values).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "absl/status/statusor.h"
#include "fhirpath/value.h"

namespace vigil::fhirpath {

// Every binary operator, resolved from its text once by the parser.
enum class Op : uint8_t {
  kNone,
  kImplies,
  kOr,
  kXor,
  kAnd,
  kIn,
  kContains,
  kEqual,
  kEquivalent,
  kNotEqual,
  kNotEquivalent,
  kLess,
  kGreater,
  kLessOrEqual,
  kGreaterOrEqual,
  kUnion,
  kPlus,
  kMinus,
  kConcat,
  kTimes,
  kDivide,
  kDiv,
  kMod,
};

// The operator spelled `text`, or kNone.
Op OpFromText(std::string_view text);

// '=' on two items: nullopt when the answer is unknown (e.g. dates of different
// precision), false for values of unrelated types.
std::optional<bool> ItemsEqual(const Value& a, const Value& b);
// '~' on two items.
bool ItemsEquivalent(const Value& a, const Value& b);
// Ordering: -1/0/1, nullopt when unknown (precision), error when not comparable.
absl::StatusOr<std::optional<int>> CompareItems(const Value& a, const Value& b);

// '=' and '~' on collections (spec section 6.1).
std::optional<bool> CollectionsEqual(const Collection& a, const Collection& b);
bool CollectionsEquivalent(const Collection& a, const Collection& b);

// Arithmetic: op is one of kPlus kMinus kTimes kDivide kDiv kMod. Empty when the result is
// undefined (division by zero); error for operand types the operator does not accept.
absl::StatusOr<Collection> Arithmetic(Op op, const Value& a, const Value& b);

// Whether c already holds an item equal to v (used by union, distinct, in).
bool ContainsEqual(const Collection& c, const Value& v);

// The items of `first` then `second`, without duplicates (FHIRPath '|' and union()).
Collection UnionOf(const Collection& first, const Collection& second);

// The values seen so far, by FHIRPath '=' (used by distinct, union, intersect,
// exclude, repeat). Strings, numbers and booleans are hashed on a canonical key
// (1 and 1.0 share one); other values are compared one by one, as ContainsEqual
// does. Keys borrow nothing: a SeenValues may outlive the values added to it.
class SeenValues {
 public:
  // Whether a value equal to v was added.
  bool Contains(const Value& v) const;
  // Adds v; returns false when an equal value was already there.
  bool Add(const Value& v);

 private:
  std::unordered_set<std::string> keys_;
  Collection others_;
};

}  // namespace vigil::fhirpath
