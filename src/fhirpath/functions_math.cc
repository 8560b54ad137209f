// FHIRPath math functions (spec 5.7).
//
// Each takes a single Integer or Decimal focus (abs also a Quantity): empty
// focus -> empty, several items or another type -> execution error. ceiling,
// floor and truncate return Integer; abs keeps the input type; exp, ln, log,
// sqrt and fractional powers are computed in double precision and returned as
// Decimal rounded to 15 significant digits (Decimal::FromDouble), which removes
// binary noise such as 2.9999999999999996. A result that cannot be represented
// (sqrt(-1), ln(0), (-1).power(0.5), overflow) is empty.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "base/status.h"
#include "fhirpath/functions.h"

namespace vigil::fhirpath {
namespace {

Collection One(Value v) { return Collection{std::move(v)}; }

bool IsNumber(const Value& v) {
  return v.kind() == ValueKind::kInteger || v.kind() == ValueKind::kDecimal;
}

Decimal AsDecimal(const Value& v) {
  return v.kind() == ValueKind::kInteger ? Decimal::FromInt(v.integer()) : v.decimal();
}

double AsDouble(const Value& v) {
  return v.kind() == ValueKind::kInteger ? static_cast<double>(v.integer())
                                         : v.decimal().ToDouble();
}

// A double result as a Decimal (Decimal::FromDouble keeps 15 significant
// digits); empty when the value is not finite.
Collection DecimalResult(double d) {
  std::optional<Decimal> dec = Decimal::FromDouble(d);
  if (!dec) return {};
  return One(Value::Decimal(*dec));
}

// The single numeric focus (Integer or Decimal), or nullopt when empty.
absl::StatusOr<std::optional<Value>> NumberInput(const FnCall& call) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Value> v, call.SingleInput());
  if (v && !IsNumber(*v)) return call.Error("input must be an Integer or a Decimal");
  return v;
}

// Argument i as an Integer or Decimal, or nullopt when empty.
absl::StatusOr<std::optional<Value>> NumberArg(const FnCall& call, size_t i) {
  VIGIL_ASSIGN_OR_RETURN(Collection arg, call.Arg(i));
  if (arg.empty()) return std::nullopt;
  if (arg.size() > 1) return call.Error("argument must be a single number");
  std::optional<Value> v = arg[0].AsSystem();
  if (!v || !IsNumber(*v)) return call.Error("argument must be an Integer or a Decimal");
  return v;
}

absl::StatusOr<Collection> Abs(const FnCall& call) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Value> v, call.SingleInput());
  if (!v) return Collection{};
  switch (v->kind()) {
    case ValueKind::kInteger:
      if (v->integer() == INT64_MIN) return Collection{};
      return One(Value::Integer(std::llabs(v->integer())));
    case ValueKind::kDecimal: return One(Value::Decimal(v->decimal().Abs()));
    case ValueKind::kQuantity: {
      Quantity q = v->quantity();
      q.value = q.value.Abs();
      return One(Value::Quantity(std::move(q)));
    }
    default: return call.Error("input must be an Integer, a Decimal or a Quantity");
  }
}

// ceiling / floor / truncate: Integer stays; Decimal is rounded by fn to an Integer.
absl::StatusOr<Collection> ToWhole(const FnCall& call, Decimal (Decimal::*fn)() const) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Value> v, NumberInput(call));
  if (!v) return Collection{};
  if (v->kind() == ValueKind::kInteger) return One(*v);
  std::optional<int64_t> i = (v->decimal().*fn)().ToInt();
  if (!i) return Collection{};
  return One(Value::Integer(*i));
}

absl::StatusOr<Collection> Ceiling(const FnCall& call) { return ToWhole(call, &Decimal::Ceiling); }
absl::StatusOr<Collection> Floor(const FnCall& call) { return ToWhole(call, &Decimal::Floor); }
absl::StatusOr<Collection> Truncate(const FnCall& call) {
  return ToWhole(call, &Decimal::Truncate);
}

// Applies a double -> double function to the numeric focus.
absl::StatusOr<Collection> RealFunction(const FnCall& call, double (*fn)(double)) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Value> v, NumberInput(call));
  if (!v) return Collection{};
  return DecimalResult(fn(AsDouble(*v)));
}

double Exp(double x) { return std::exp(x); }
double Ln(double x) { return x > 0 ? std::log(x) : NAN; }
double Sqrt(double x) { return x >= 0 ? std::sqrt(x) : NAN; }

absl::StatusOr<Collection> ExpFn(const FnCall& call) { return RealFunction(call, Exp); }
absl::StatusOr<Collection> LnFn(const FnCall& call) { return RealFunction(call, Ln); }
absl::StatusOr<Collection> SqrtFn(const FnCall& call) { return RealFunction(call, Sqrt); }

absl::StatusOr<Collection> Log(const FnCall& call) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Value> v, NumberInput(call));
  if (!v) return Collection{};
  VIGIL_ASSIGN_OR_RETURN(std::optional<Value> base, NumberArg(call, 0));
  if (!base) return Collection{};
  double x = AsDouble(*v), b = AsDouble(*base);
  if (x <= 0 || b <= 0 || b == 1) return Collection{};
  return DecimalResult(std::log(x) / std::log(b));
}

// base^exponent by squaring, exactly; nullopt on overflow.
std::optional<int64_t> IntegerPower(int64_t base, int64_t exponent) {
  int64_t result = 1;
  while (exponent > 0) {
    if (exponent & 1) {
      if (__builtin_mul_overflow(result, base, &result)) return std::nullopt;
    }
    exponent >>= 1;
    if (exponent > 0 && __builtin_mul_overflow(base, base, &base)) return std::nullopt;
  }
  return result;
}

// base^exponent for a non-negative integer exponent, exactly; nullopt on overflow.
std::optional<Decimal> DecimalPower(Decimal base, int64_t exponent) {
  Decimal result = Decimal::FromInt(1);
  while (exponent > 0) {
    if (exponent & 1) {
      std::optional<Decimal> r = result.Mul(base);
      if (!r) return std::nullopt;
      result = *r;
    }
    exponent >>= 1;
    if (exponent > 0) {
      std::optional<Decimal> b = base.Mul(base);
      if (!b) return std::nullopt;
      base = *b;
    }
  }
  return result;
}

// power(): Integer^non-negative Integer is an Integer; a Decimal base with an
// Integer exponent is computed exactly when it fits; everything else in double.
absl::StatusOr<Collection> Power(const FnCall& call) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Value> v, NumberInput(call));
  if (!v) return Collection{};
  VIGIL_ASSIGN_OR_RETURN(std::optional<Value> e, NumberArg(call, 0));
  if (!e) return Collection{};
  if (e->kind() == ValueKind::kInteger && e->integer() >= 0) {
    if (v->kind() == ValueKind::kInteger) {
      std::optional<int64_t> r = IntegerPower(v->integer(), e->integer());
      if (r) return One(Value::Integer(*r));
      return Collection{};
    }
    if (std::optional<Decimal> r = DecimalPower(v->decimal(), e->integer())) {
      return One(Value::Decimal(*r));
    }
  }
  return DecimalResult(std::pow(AsDouble(*v), AsDouble(*e)));
}

// round([precision]): Decimal, half away from zero; precision must be >= 0.
absl::StatusOr<Collection> Round(const FnCall& call) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Value> v, NumberInput(call));
  if (!v) return Collection{};
  int64_t precision = 0;
  if (call.arg_count() > 0) {
    VIGIL_ASSIGN_OR_RETURN(std::optional<int64_t> p, call.IntegerArg(0));
    if (!p) return Collection{};
    if (*p < 0) return call.Error("precision must not be negative");
    precision = *p;
  }
  Decimal d = AsDecimal(*v);
  if (precision > 28) precision = 28;
  return One(Value::Decimal(d.Round(static_cast<int>(precision))));
}

// clang-format off
constexpr FunctionDef kMathFunctions[] = {
    {"abs", 0, 0, Abs},
    {"ceiling", 0, 0, Ceiling},
    {"exp", 0, 0, ExpFn},
    {"floor", 0, 0, Floor},
    {"ln", 0, 0, LnFn},
    {"log", 1, 1, Log},
    {"power", 1, 1, Power},
    {"round", 0, 1, Round},
    {"sqrt", 0, 0, SqrtFn},
    {"truncate", 0, 0, Truncate},
};
// clang-format on

}  // namespace

std::span<const FunctionDef> MathFunctions() { return kMathFunctions; }

}  // namespace vigil::fhirpath
