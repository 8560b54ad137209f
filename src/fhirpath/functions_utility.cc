// Spec sections 5.8 (tree navigation), 5.9 (utility), 6.5 (not), iif, aggregate,
// sort and the precision/boundary functions of FHIRPath 2.0.
#include <algorithm>
#include <chrono>
#include <ctime>

#include "base/str.h"
#include "fhirpath/functions.h"
#include "fhirpath/operators.h"

namespace vigil::fhirpath {
namespace {

using Result = absl::StatusOr<Collection>;

Result Iif(const FnCall& call) {
  if (!call.node.children.empty() && call.input.size() > 1) {
    return call.Error("the input must hold at most one item");
  }
  bool on_item = !call.node.children.empty() && call.input.size() == 1;
  auto branch = [&](size_t i) { return on_item ? call.ArgOn(i, call.input[0], 0) : call.Arg(i); };
  auto criterion = branch(0);
  if (!criterion.ok()) return criterion;
  if (criterion->size() > 1) return call.Error("the criterion must be a single Boolean");
  bool take = false;
  if (criterion->size() == 1) {
    auto v = (*criterion)[0].AsSystem();
    if (!v || v->kind() != ValueKind::kBoolean)
      return call.Error("the criterion must be a Boolean");
    take = v->boolean();
  }
  if (take) return branch(1);
  if (call.arg_count() > 2) return branch(2);
  return Collection{};
}

Result Trace(const FnCall& call) {
  auto name = call.StringArg(0);
  if (!name.ok()) return name.status();
  if (call.ctx.options != nullptr && call.ctx.options->trace) {
    Collection shown = call.input;
    if (call.arg_count() > 1) {
      shown.clear();
      for (size_t i = 0; i < call.input.size(); ++i) {
        auto r = call.ArgOn(1, call.input[i], static_cast<int64_t>(i));
        if (!r.ok()) return r;
        shown.insert(shown.end(), r->begin(), r->end());
      }
    }
    call.ctx.options->trace(name->value_or(""), shown);
  }
  return call.input;
}

Result Not(const FnCall& call) {
  auto b = ToBoolean(call.input);
  if (!b.ok()) return call.Error(Message(b.status()));
  if (!*b) return Collection{};
  return Single(Value::Boolean(!**b));
}

Result Children(const FnCall& call) {
  Collection out;
  for (const Value& v : call.input) AllChildren(v, &out);
  return out;
}

// Breadth-first: the result is its own work queue, so nothing is copied twice.
Result Descendants(const FnCall& call) {
  Collection out;
  for (const Value& v : call.input) AllChildren(v, &out);
  for (size_t i = 0; i < out.size(); ++i) {
    Value item = out[i];  // AllChildren appends to `out`, which may reallocate
    AllChildren(item, &out);
  }
  return out;
}

Result Aggregate(const FnCall& call) {
  Collection total;
  if (call.arg_count() > 1) {
    auto init = call.Arg(1);
    if (!init.ok()) return init;
    total = std::move(*init);
  }
  for (size_t i = 0; i < call.input.size(); ++i) {
    Collection focus{call.input[i]};
    EvalContext scope = call.ctx;
    scope.this_items = &focus;
    scope.index = static_cast<int64_t>(i);
    scope.total = &total;
    auto r = Eval(call.ArgNode(0), focus, scope);
    if (!r.ok()) return r;
    total = std::move(*r);
  }
  return total;
}

// sort(key...): a key written as -expr sorts descending.
Result Sort(const FnCall& call) {
  struct Keyed {
    Value item;
    std::vector<Collection> keys;
  };
  std::vector<Keyed> rows;
  std::vector<bool> descending;
  std::vector<const Node*> key_nodes;
  for (const auto& arg : call.node.args) {
    bool desc = arg->kind == NodeKind::kUnary && arg->name == "-";
    descending.push_back(desc);
    key_nodes.push_back(desc ? arg->children[0].get() : arg.get());
  }
  for (size_t i = 0; i < call.input.size(); ++i) {
    Keyed row{call.input[i], {}};
    Collection focus{call.input[i]};
    EvalContext scope = call.ctx;
    scope.this_items = &focus;
    scope.index = static_cast<int64_t>(i);
    for (const Node* key : key_nodes) {
      auto r = Eval(*key, focus, scope);
      if (!r.ok()) return r;
      if (r->size() > 1) return call.Error("a sort key must give at most one item");
      row.keys.push_back(std::move(*r));
    }
    rows.push_back(std::move(row));
  }
  absl::Status error;
  auto compare = [&](const Collection& a, const Collection& b) -> int {
    auto c = CompareItems(a[0], b[0]);
    if (!c.ok()) {
      error = c.status();
      return 0;
    }
    return c->value_or(0);
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const Keyed& x, const Keyed& y) {
    if (key_nodes.empty()) return compare({x.item}, {y.item}) < 0;
    for (size_t k = 0; k < key_nodes.size(); ++k) {
      const Collection& a = x.keys[k];
      const Collection& b = y.keys[k];
      // Items without a key come first in either direction.
      if (a.empty() || b.empty()) {
        if (a.empty() != b.empty()) return a.empty();
        continue;
      }
      int c = compare(a, b);
      if (c != 0) return descending[k] ? c > 0 : c < 0;
    }
    return false;
  });
  if (!error.ok()) return call.Error(Message(error));
  Collection out;
  for (Keyed& row : rows) out.push_back(std::move(row.item));
  return out;
}

Temporal NowTemporal(TemporalKind kind) {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  Temporal t;
  t.kind = kind;
  t.year = tm.tm_year + 1900;
  t.month = tm.tm_mon + 1;
  t.day = tm.tm_mday;
  t.hour = tm.tm_hour;
  t.minute = tm.tm_min;
  t.second = tm.tm_sec;
  t.millisecond = static_cast<int>(ms % 1000);
  t.precision =
      kind == TemporalKind::kDate ? TemporalPrecision::kDay : TemporalPrecision::kMillisecond;
  if (kind == TemporalKind::kDateTime) t.tz_offset_minutes = 0;
  return t;
}

Result Now(const FnCall&) { return Single(Value::Temporal(NowTemporal(TemporalKind::kDateTime))); }
Result Today(const FnCall&) { return Single(Value::Temporal(NowTemporal(TemporalKind::kDate))); }
Result TimeOfDay(const FnCall&) {
  return Single(Value::Temporal(NowTemporal(TemporalKind::kTime)));
}

Result Precision(const FnCall& call) {
  auto v = call.SingleInput();
  if (!v.ok()) return v.status();
  if (!*v) return Collection{};
  const Value& x = **v;
  if (x.kind() == ValueKind::kDecimal) return Single(Value::Integer(x.decimal().scale()));
  if (x.kind() == ValueKind::kInteger) return Single(Value::Integer(0));
  if (x.kind() == ValueKind::kDate || x.kind() == ValueKind::kDateTime ||
      x.kind() == ValueKind::kTime) {
    return Single(Value::Integer(x.temporal().PrecisionDigits()));
  }
  return call.Error("precision() applies to Decimal, Date, DateTime and Time");
}

Result Comparable(const FnCall& call) {
  auto v = call.SingleInput();
  if (!v.ok()) return v.status();
  auto other = call.Arg(0);
  if (!other.ok()) return other;
  if (!*v || other->empty()) return Collection{};
  auto o = (*other)[0].AsSystem();
  if ((*v)->kind() != ValueKind::kQuantity || !o || o->kind() != ValueKind::kQuantity) {
    return call.Error("comparable() applies to Quantities");
  }
  bool ok = Quantity::Compare((*v)->quantity(), o->quantity()).has_value();
  return Single(Value::Boolean(ok));
}

std::optional<Decimal> DecimalBoundary(const Decimal& d, std::optional<int64_t> digits, bool high) {
  std::optional<int> precision;
  if (digits) precision = static_cast<int>(*digits);
  return high ? d.HighBoundary(precision) : d.LowBoundary(precision);
}

template <bool kHigh>
Result Boundary(const FnCall& call) {
  auto v = call.SingleInput();
  if (!v.ok()) return v.status();
  std::optional<int64_t> digits;
  if (call.arg_count() > 0) {
    auto d = call.IntegerArg(0);
    if (!d.ok()) return d.status();
    digits = *d;
  }
  if (!*v) return Collection{};
  const Value& x = **v;
  switch (x.kind()) {
    case ValueKind::kInteger:
    case ValueKind::kDecimal: {
      Decimal d = x.kind() == ValueKind::kInteger ? Decimal::FromInt(x.integer()) : x.decimal();
      auto b = DecimalBoundary(d, digits, kHigh);
      if (!b) return Collection{};
      return Single(Value::Decimal(*b));
    }
    case ValueKind::kQuantity: {
      auto b = DecimalBoundary(x.quantity().value, digits, kHigh);
      if (!b) return Collection{};
      return Single(Value::Quantity(Quantity{*b, x.quantity().unit}));
    }
    case ValueKind::kDate:
    case ValueKind::kDateTime:
    case ValueKind::kTime: {
      std::optional<int> d;
      if (digits) d = static_cast<int>(*digits);
      auto b = kHigh ? x.temporal().HighBoundary(d) : x.temporal().LowBoundary(d);
      if (!b) return Collection{};
      return Single(Value::Temporal(*b));
    }
    default: return call.Error("applies to numbers, Quantities and dates");
  }
}

const FunctionDef kFunctions[] = {
    {"lowBoundary", 0, 1, Boundary<false>},
    {"highBoundary", 0, 1, Boundary<true>},
    {"iif", 2, 3, Iif},
    {"trace", 1, 2, Trace},
    {"not", 0, 0, Not},
    {"children", 0, 0, Children},
    {"descendants", 0, 0, Descendants},
    {"aggregate", 1, 2, Aggregate},
    {"sort", 0, 8, Sort},
    {"now", 0, 0, Now},
    {"today", 0, 0, Today},
    {"timeOfDay", 0, 0, TimeOfDay},
    {"precision", 0, 0, Precision},
    {"comparable", 1, 1, Comparable},
};

}  // namespace

std::span<const FunctionDef> UtilityFunctions() { return kFunctions; }

}  // namespace vigil::fhirpath
