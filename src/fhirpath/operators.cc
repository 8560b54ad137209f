#include "fhirpath/operators.h"

#include <algorithm>
#include <cctype>

#include "base/str.h"

namespace vigil::fhirpath {
namespace {

bool IsNumber(const Value& v) {
  return v.kind() == ValueKind::kInteger || v.kind() == ValueKind::kDecimal;
}

bool IsTemporal(const Value& v) {
  return v.kind() == ValueKind::kDate || v.kind() == ValueKind::kDateTime ||
         v.kind() == ValueKind::kTime;
}

Decimal AsDecimal(const Value& v) {
  return v.kind() == ValueKind::kInteger ? Decimal::FromInt(v.integer()) : v.decimal();
}

// Whitespace-normalised, lower-cased string for '~'.
std::string Normalise(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// Both complex FHIR nodes: structural equality of their JSON.
std::optional<bool> NodesEqual(const Value& a, const Value& b) {
  if (!a.is_node() || !b.is_node()) return false;
  const fhir::Json* ja = a.node().json;
  const fhir::Json* jb = b.node().json;
  if (ja == jb) return true;
  return *ja == *jb;
}

std::optional<bool> SystemEqual(const Value& a, const Value& b) {
  if (IsNumber(a) && IsNumber(b)) {
    if (a.kind() == ValueKind::kInteger && b.kind() == ValueKind::kInteger) {
      return a.integer() == b.integer();
    }
    return AsDecimal(a).Compare(AsDecimal(b)) == 0;
  }
  if (IsTemporal(a) && IsTemporal(b)) {
    // A time of day never equals a date.
    if ((a.kind() == ValueKind::kTime) != (b.kind() == ValueKind::kTime)) return false;
    return Temporal::Equal(a.temporal(), b.temporal());
  }
  if (a.kind() != b.kind()) {
    if (a.kind() == ValueKind::kQuantity && IsNumber(b)) {
      return Quantity::Equal(a.quantity(), Quantity{AsDecimal(b), "1"});
    }
    if (b.kind() == ValueKind::kQuantity && IsNumber(a)) {
      return Quantity::Equal(Quantity{AsDecimal(a), "1"}, b.quantity());
    }
    return false;
  }
  switch (a.kind()) {
    case ValueKind::kBoolean: return a.boolean() == b.boolean();
    case ValueKind::kString: return a.string() == b.string();
    case ValueKind::kQuantity: return Quantity::Equal(a.quantity(), b.quantity());
    default: return false;
  }
}

bool SystemEquivalent(const Value& a, const Value& b) {
  if (IsNumber(a) && IsNumber(b)) return Decimal::Equivalent(AsDecimal(a), AsDecimal(b));
  if (IsTemporal(a) && IsTemporal(b)) return Temporal::Equivalent(a.temporal(), b.temporal());
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kBoolean: return a.boolean() == b.boolean();
    case ValueKind::kString: return Normalise(a.string()) == Normalise(b.string());
    case ValueKind::kQuantity: return Quantity::Equivalent(a.quantity(), b.quantity());
    default: return false;
  }
}

absl::Status NotComparable(const Value& a, const Value& b) {
  return absl::InvalidArgumentError(
      StrCat("cannot compare ", a.TypeName(), " with ", b.TypeName()));
}

absl::StatusOr<Collection> One(Value v) { return Collection{std::move(v)}; }

absl::StatusOr<Collection> FromOptional(std::optional<Decimal> d) {
  if (!d) return Collection{};
  return One(Value::Decimal(*d));
}

absl::StatusOr<Collection> IntegerArithmetic(Op op, int64_t x, int64_t y) {
  int64_t r = 0;
  if (op == Op::kPlus) {
    if (__builtin_add_overflow(x, y, &r)) return Collection{};
  } else if (op == Op::kMinus) {
    if (__builtin_sub_overflow(x, y, &r)) return Collection{};
  } else if (op == Op::kTimes) {
    if (__builtin_mul_overflow(x, y, &r)) return Collection{};
  } else if (op == Op::kDiv) {
    if (y == 0) return Collection{};
    r = x / y;
  } else if (op == Op::kMod) {
    if (y == 0) return Collection{};
    r = x % y;
  } else {  // "/" always yields a Decimal
    return FromOptional(Decimal::FromInt(x).Div(Decimal::FromInt(y)));
  }
  return One(Value::Integer(r));
}

absl::StatusOr<Collection> DecimalArithmetic(Op op, const Decimal& x, const Decimal& y) {
  if (op == Op::kPlus) return FromOptional(x.Add(y));
  if (op == Op::kMinus) return FromOptional(x.Sub(y));
  if (op == Op::kTimes) return FromOptional(x.Mul(y));
  if (op == Op::kDivide) return FromOptional(x.Div(y));
  if (op == Op::kMod) return FromOptional(x.Mod(y));
  // div on decimals yields an Integer.
  auto q = x.IntDiv(y);
  if (!q) return Collection{};
  auto i = q->ToInt();
  if (!i) return Collection{};
  return One(Value::Integer(*i));
}

absl::StatusOr<Collection> QuantityArithmetic(Op op, const Quantity& x, const Quantity& y) {
  std::optional<Quantity> r;
  if (op == Op::kPlus) r = Quantity::Add(x, y);
  if (op == Op::kMinus) r = Quantity::Sub(x, y);
  if (op == Op::kTimes) r = Quantity::Mul(x, y);
  if (op == Op::kDivide) r = Quantity::Div(x, y);
  if (op == Op::kPlus || op == Op::kMinus) {
    if (!r)
      return absl::InvalidArgumentError(StrCat("cannot ", op == Op::kPlus ? "add" : "subtract",
                                               " quantities in '", x.unit, "' and '", y.unit, "'"));
  }
  if (!r) return Collection{};
  return One(Value::Quantity(std::move(*r)));
}

absl::StatusOr<Collection> TemporalArithmetic(Op op, const Temporal& t, const Quantity& q) {
  auto r = op == Op::kPlus ? t.Add(q.value, q.unit) : t.Subtract(q.value, q.unit);
  if (!r.ok()) return r.status();
  return One(Value::Temporal(*r));
}

constexpr std::pair<std::string_view, Op> kOps[] = {
    {"implies", Op::kImplies}, {"or", Op::kOr},
    {"xor", Op::kXor},         {"and", Op::kAnd},
    {"in", Op::kIn},           {"contains", Op::kContains},
    {"=", Op::kEqual},         {"~", Op::kEquivalent},
    {"!=", Op::kNotEqual},     {"!~", Op::kNotEquivalent},
    {"<", Op::kLess},          {">", Op::kGreater},
    {"<=", Op::kLessOrEqual},  {">=", Op::kGreaterOrEqual},
    {"|", Op::kUnion},         {"+", Op::kPlus},
    {"-", Op::kMinus},         {"&", Op::kConcat},
    {"*", Op::kTimes},         {"/", Op::kDivide},
    {"div", Op::kDiv},         {"mod", Op::kMod}};

std::string_view OpText(Op op) {
  for (const auto& [text, o] : kOps) {
    if (o == op) return text;
  }
  return "?";
}

// v as a System value without copying it when it already is one; a FHIR node
// is converted into *storage. nullptr when v has no System form.
const Value* SystemView(const Value& v, std::optional<Value>* storage) {
  if (!v.is_node()) return &v;
  *storage = v.AsSystem();
  return storage->has_value() ? &**storage : nullptr;
}

// A hashable key for values whose equality is plain value equality: strings,
// numbers (trailing zeros removed, so 1 = 1.0) and booleans. nullopt otherwise.
std::optional<std::string> EqualityKey(const Value& v) {
  std::optional<Value> storage;
  const Value* s = SystemView(v, &storage);
  if (s == nullptr) return std::nullopt;
  switch (s->kind()) {
    case ValueKind::kString: return StrCat("s", s->string());
    case ValueKind::kBoolean: return s->boolean() ? "b1" : "b0";
    case ValueKind::kInteger: return StrCat("n", s->integer());
    case ValueKind::kDecimal: {
      std::string text = s->decimal().ToString();
      if (text.find('.') != std::string::npos) {
        text.erase(text.find_last_not_of('0') + 1);
        if (text.back() == '.') text.pop_back();
      }
      if (text == "-0")
        return std::string("n0");  // (not text = "0": GCC 12 -Wrestrict false positive)
      return "n" + text;
    }
    default: return std::nullopt;
  }
}

}  // namespace

bool SeenValues::Contains(const Value& v) const {
  if (auto key = EqualityKey(v)) return keys_.count(*key) > 0;
  return ContainsEqual(others_, v);
}

bool SeenValues::Add(const Value& v) {
  if (auto key = EqualityKey(v)) return keys_.insert(std::move(*key)).second;
  if (ContainsEqual(others_, v)) return false;
  others_.push_back(v);
  return true;
}

Collection UnionOf(const Collection& first, const Collection& second) {
  Collection out;
  // Pairwise comparison is cheaper than hashing for the usual handful of items.
  if (first.size() + second.size() <= 8) {
    for (const Collection* c : {&first, &second}) {
      for (const Value& v : *c) {
        if (!ContainsEqual(out, v)) out.push_back(v);
      }
    }
    return out;
  }
  SeenValues seen;
  for (const Collection* c : {&first, &second}) {
    for (const Value& v : *c) {
      if (seen.Add(v)) out.push_back(v);
    }
  }
  return out;
}

Op OpFromText(std::string_view text) {
  for (const auto& [t, op] : kOps) {
    if (t == text) return op;
  }
  return Op::kNone;
}

std::optional<bool> ItemsEqual(const Value& a, const Value& b) {
  std::optional<Value> ta, tb;
  const Value* sa = SystemView(a, &ta);
  const Value* sb = SystemView(b, &tb);
  if (sa && sb) return SystemEqual(*sa, *sb);
  if (sa || sb) return false;
  return NodesEqual(a, b);
}

bool ItemsEquivalent(const Value& a, const Value& b) {
  std::optional<Value> ta, tb;
  const Value* sa = SystemView(a, &ta);
  const Value* sb = SystemView(b, &tb);
  if (sa && sb) return SystemEquivalent(*sa, *sb);
  if (sa || sb) return false;
  return NodesEqual(a, b).value_or(false);
}

absl::StatusOr<std::optional<int>> CompareItems(const Value& a, const Value& b) {
  std::optional<Value> ta, tb;
  const Value* sa = SystemView(a, &ta);
  const Value* sb = SystemView(b, &tb);
  if (!sa || !sb) return NotComparable(a, b);
  const Value& x = *sa;
  const Value& y = *sb;
  if (IsNumber(x) && IsNumber(y)) {
    if (x.kind() == ValueKind::kInteger && y.kind() == ValueKind::kInteger) {
      return std::optional<int>(x.integer() < y.integer() ? -1 : x.integer() > y.integer() ? 1 : 0);
    }
    return std::optional<int>(AsDecimal(x).Compare(AsDecimal(y)));
  }
  if (IsTemporal(x) && IsTemporal(y)) {
    bool time_x = x.kind() == ValueKind::kTime, time_y = y.kind() == ValueKind::kTime;
    if (time_x != time_y) return NotComparable(x, y);
    return Temporal::Compare(x.temporal(), y.temporal());
  }
  if (x.kind() == ValueKind::kString && y.kind() == ValueKind::kString) {
    int c = x.string().compare(y.string());
    return std::optional<int>(c < 0 ? -1 : c > 0 ? 1 : 0);
  }
  if (x.kind() == ValueKind::kQuantity && y.kind() == ValueKind::kQuantity) {
    auto c = Quantity::Compare(x.quantity(), y.quantity());
    if (!c) return std::optional<int>();
    return c;
  }
  return NotComparable(x, y);
}

std::optional<bool> CollectionsEqual(const Collection& a, const Collection& b) {
  if (a.empty() || b.empty()) return std::nullopt;
  if (a.size() != b.size()) return false;
  bool unknown = false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto eq = ItemsEqual(a[i], b[i]);
    if (!eq) {
      unknown = true;
    } else if (!*eq) {
      return false;
    }
  }
  if (unknown) return std::nullopt;
  return true;
}

bool CollectionsEquivalent(const Collection& a, const Collection& b) {
  if (a.size() != b.size()) return false;
  std::vector<bool> used(b.size(), false);
  for (const Value& x : a) {
    bool found = false;
    for (size_t j = 0; j < b.size() && !found; ++j) {
      if (!used[j] && ItemsEquivalent(x, b[j])) {
        used[j] = true;
        found = true;
      }
    }
    if (!found) return false;
  }
  return true;
}

absl::StatusOr<Collection> Arithmetic(Op op, const Value& a, const Value& b) {
  std::optional<Value> ta, tb;
  const Value* sa = SystemView(a, &ta);
  const Value* sb = SystemView(b, &tb);
  if (!sa || !sb) {
    return absl::InvalidArgumentError(StrCat("operator '", OpText(op), "' cannot be applied to ",
                                             a.TypeName(), " and ", b.TypeName()));
  }
  const Value& x = *sa;
  const Value& y = *sb;
  if (x.kind() == ValueKind::kInteger && y.kind() == ValueKind::kInteger) {
    return IntegerArithmetic(op, x.integer(), y.integer());
  }
  if (IsNumber(x) && IsNumber(y)) return DecimalArithmetic(op, AsDecimal(x), AsDecimal(y));
  if (op == Op::kPlus && x.kind() == ValueKind::kString && y.kind() == ValueKind::kString) {
    return One(Value::String(StrCat(x.string(), y.string())));
  }
  if (x.kind() == ValueKind::kQuantity || y.kind() == ValueKind::kQuantity) {
    if (IsTemporal(x) && (op == Op::kPlus || op == Op::kMinus)) {
      return TemporalArithmetic(op, x.temporal(), y.quantity());
    }
    if (op == Op::kPlus || op == Op::kMinus || op == Op::kTimes || op == Op::kDivide) {
      Quantity qx = x.kind() == ValueKind::kQuantity ? x.quantity()
                    : IsNumber(x)                    ? Quantity{AsDecimal(x), "1"}
                                                     : Quantity{};
      Quantity qy = y.kind() == ValueKind::kQuantity ? y.quantity()
                    : IsNumber(y)                    ? Quantity{AsDecimal(y), "1"}
                                                     : Quantity{};
      if ((x.kind() == ValueKind::kQuantity || IsNumber(x)) &&
          (y.kind() == ValueKind::kQuantity || IsNumber(y))) {
        return QuantityArithmetic(op, qx, qy);
      }
    }
  }
  return absl::InvalidArgumentError(StrCat("operator '", OpText(op), "' cannot be applied to ",
                                           x.TypeName(), " and ", y.TypeName()));
}

bool ContainsEqual(const Collection& c, const Value& v) {
  return std::any_of(c.begin(), c.end(),
                     [&](const Value& x) { return ItemsEqual(x, v).value_or(false); });
}

}  // namespace vigil::fhirpath
