// Spec sections 5.2 (filtering and projection), 5.3 (subsetting) and 5.5 (combining).
#include "base/str.h"
#include "fhirpath/functions.h"
#include "fhirpath/operators.h"
#include "fhirpath/type_arg.h"

namespace vigil::fhirpath {
namespace {

using Result = absl::StatusOr<Collection>;

Result Where(const FnCall& call) {
  Collection out;
  for (size_t i = 0; i < call.input.size(); ++i) {
    auto r = call.ArgOn(0, call.input[i], static_cast<int64_t>(i));
    if (!r.ok()) return r;
    auto b = ToBoolean(*r);
    if (!b.ok()) return call.Error(Message(b.status()));
    if (*b == true) out.push_back(call.input[i]);
  }
  return out;
}

Result Select(const FnCall& call) {
  Collection out;
  for (size_t i = 0; i < call.input.size(); ++i) {
    auto r = call.ArgOn(0, call.input[i], static_cast<int64_t>(i));
    if (!r.ok()) return r;
    out.insert(out.end(), r->begin(), r->end());
  }
  return out;
}

Result Repeat(const FnCall& call) {
  Collection out;
  SeenValues seen;
  Collection frontier = call.input;
  while (!frontier.empty()) {
    Collection next;
    for (size_t i = 0; i < frontier.size(); ++i) {
      auto r = call.ArgOn(0, frontier[i], static_cast<int64_t>(i));
      if (!r.ok()) return r;
      for (Value& v : *r) {
        if (!seen.Add(v)) continue;  // cycles and duplicates stop here
        out.push_back(v);
        next.push_back(std::move(v));
      }
    }
    frontier = std::move(next);
  }
  return out;
}

Result OfType(const FnCall& call) {
  auto type = TypeArgument(call.ArgNode(0));
  if (!type.ok()) return call.Error(Message(type.status()));
  Collection out;
  for (const Value& v : call.input) {
    if (IsOfType(v, type->first, type->second, true)) out.push_back(v);
  }
  return out;
}

Result First(const FnCall& call) {
  if (call.input.empty()) return Collection{};
  return Single(call.input.front());
}

Result Last(const FnCall& call) {
  if (call.input.empty()) return Collection{};
  return Single(call.input.back());
}

Result Tail(const FnCall& call) {
  if (call.input.size() <= 1) return Collection{};
  return Collection(call.input.begin() + 1, call.input.end());
}

Result Skip(const FnCall& call) {
  auto n = call.IntegerArg(0);
  if (!n.ok()) return n.status();
  if (!*n) return Collection{};
  int64_t k = std::max<int64_t>(**n, 0);
  if (static_cast<size_t>(k) >= call.input.size()) return Collection{};
  return Collection(call.input.begin() + k, call.input.end());
}

Result Take(const FnCall& call) {
  auto n = call.IntegerArg(0);
  if (!n.ok()) return n.status();
  if (!*n || **n <= 0) return Collection{};
  size_t k = std::min(static_cast<size_t>(**n), call.input.size());
  return Collection(call.input.begin(), call.input.begin() + static_cast<ptrdiff_t>(k));
}

Result Single(const FnCall& call) {
  if (call.input.size() > 1) return call.Error("the input has more than one item");
  return call.input;
}

Result Intersect(const FnCall& call) {
  auto other = call.Arg(0);
  if (!other.ok()) return other;
  SeenValues in_other, added;
  for (const Value& v : *other) in_other.Add(v);
  Collection out;
  for (const Value& v : call.input) {
    if (in_other.Contains(v) && added.Add(v)) out.push_back(v);
  }
  return out;
}

Result Exclude(const FnCall& call) {
  auto other = call.Arg(0);
  if (!other.ok()) return other;
  SeenValues excluded;
  for (const Value& v : *other) excluded.Add(v);
  Collection out;
  for (const Value& v : call.input) {
    if (!excluded.Contains(v)) out.push_back(v);
  }
  return out;
}

Result UnionFn(const FnCall& call) {
  auto other = call.Arg(0);
  if (!other.ok()) return other;
  return UnionOf(call.input, *other);
}

Result Combine(const FnCall& call) {
  auto other = call.Arg(0);
  if (!other.ok()) return other;
  Collection out = call.input;
  out.insert(out.end(), other->begin(), other->end());
  return out;
}

const FunctionDef kFunctions[] = {
    {"where", 1, 1, Where},   {"select", 1, 1, Select},       {"repeat", 1, 1, Repeat},
    {"ofType", 1, 1, OfType}, {"first", 0, 0, First},         {"last", 0, 0, Last},
    {"tail", 0, 0, Tail},     {"skip", 1, 1, Skip},           {"take", 1, 1, Take},
    {"single", 0, 0, Single}, {"intersect", 1, 1, Intersect}, {"exclude", 1, 1, Exclude},
    {"union", 1, 1, UnionFn}, {"combine", 1, 1, Combine},
};

}  // namespace

std::span<const FunctionDef> FilteringFunctions() { return kFunctions; }

}  // namespace vigil::fhirpath
