// Spec section 5.1: existence functions.
#include "base/str.h"
#include "fhirpath/functions.h"
#include "fhirpath/operators.h"

namespace vigil::fhirpath {
namespace {

using Result = absl::StatusOr<Collection>;

Result Bool(bool b) { return Single(Value::Boolean(b)); }

Result Empty(const FnCall& call) { return Bool(call.input.empty()); }

Result Exists(const FnCall& call) {
  if (call.arg_count() == 0) return Bool(!call.input.empty());
  for (size_t i = 0; i < call.input.size(); ++i) {
    auto r = call.ArgOn(0, call.input[i], static_cast<int64_t>(i));
    if (!r.ok()) return r;
    auto b = ToBoolean(*r);
    if (!b.ok()) return call.Error(Message(b.status()));
    if (*b == true) return Bool(true);
  }
  return Bool(false);
}

Result All(const FnCall& call) {
  for (size_t i = 0; i < call.input.size(); ++i) {
    auto r = call.ArgOn(0, call.input[i], static_cast<int64_t>(i));
    if (!r.ok()) return r;
    auto b = ToBoolean(*r);
    if (!b.ok()) return call.Error(Message(b.status()));
    if (*b != true) return Bool(false);
  }
  return Bool(true);
}

// allTrue / anyTrue / allFalse / anyFalse over a collection of Booleans.
template <bool kWanted, bool kAll>
Result BooleanAggregate(const FnCall& call) {
  for (const Value& item : call.input) {
    auto v = item.AsSystem();
    if (!v || v->kind() != ValueKind::kBoolean) return call.Error("the input must be Booleans");
    bool match = v->boolean() == kWanted;
    if (kAll && !match) return Bool(false);
    if (!kAll && match) return Bool(true);
  }
  return Bool(kAll);
}

bool IsSubset(const Collection& a, const Collection& b) {
  for (const Value& v : a) {
    if (!ContainsEqual(b, v)) return false;
  }
  return true;
}

Result SubsetOf(const FnCall& call) {
  auto other = call.Arg(0);
  if (!other.ok()) return other;
  return Bool(IsSubset(call.input, *other));
}

Result SupersetOf(const FnCall& call) {
  auto other = call.Arg(0);
  if (!other.ok()) return other;
  return Bool(IsSubset(*other, call.input));
}

Result Count(const FnCall& call) {
  return Single(Value::Integer(static_cast<int64_t>(call.input.size())));
}

Result Distinct(const FnCall& call) { return UnionOf(call.input, Collection{}); }

Result IsDistinct(const FnCall& call) {
  return Bool(UnionOf(call.input, Collection{}).size() == call.input.size());
}

const FunctionDef kFunctions[] = {
    {"empty", 0, 0, Empty},
    {"exists", 0, 1, Exists},
    {"all", 1, 1, All},
    {"allTrue", 0, 0, BooleanAggregate<true, true>},
    {"anyTrue", 0, 0, BooleanAggregate<true, false>},
    {"allFalse", 0, 0, BooleanAggregate<false, true>},
    {"anyFalse", 0, 0, BooleanAggregate<false, false>},
    {"subsetOf", 1, 1, SubsetOf},
    {"supersetOf", 1, 1, SupersetOf},
    {"count", 0, 0, Count},
    {"distinct", 0, 0, Distinct},
    {"isDistinct", 0, 0, IsDistinct},
};

}  // namespace

std::span<const FunctionDef> ExistenceFunctions() { return kFunctions; }

}  // namespace vigil::fhirpath
