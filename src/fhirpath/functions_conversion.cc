// FHIRPath conversion functions (spec 5.5): toX() and convertsToX() for
// Boolean, Integer, Decimal, String, Date, DateTime, Time and Quantity.
//
// Each takes a single focus: empty -> empty, several items -> execution error.
// toX() returns empty when the item cannot be converted; convertsToX() returns
// whether toX() would give a value. (iif() lives with the utility functions.)
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "fhirpath/functions.h"

namespace vigil::fhirpath {
namespace {

using Converter = std::optional<Value> (*)(const Value& v);

// --- Lexical forms (spec 5.5 tables) -------------------------------------------

// (\+|-)?\d+ ; with_fraction also allows (\.\d+)? .
bool IsNumberText(std::string_view s, bool with_fraction) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == digits) return false;
  if (with_fraction && i < s.size() && s[i] == '.') {
    size_t frac = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == frac) return false;
  }
  return i == s.size();
}

std::optional<Decimal> ParseDecimalText(std::string_view s) {
  if (!IsNumberText(s, true)) return std::nullopt;
  if (s[0] == '+') s.remove_prefix(1);
  return Decimal::Parse(s);
}

std::optional<bool> ParseBooleanText(std::string_view s) {
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true" || lower == "t" || lower == "yes" || lower == "y" || lower == "1" ||
      lower == "1.0") {
    return true;
  }
  if (lower == "false" || lower == "f" || lower == "no" || lower == "n" || lower == "0" ||
      lower == "0.0") {
    return false;
  }
  return std::nullopt;
}

// FHIRPath quantity text: a number, then optionally whitespace and either a
// quoted UCUM unit ('mg') or a calendar duration keyword (day, weeks).
std::optional<Quantity> ParseQuantityText(std::string_view s) {
  size_t end = 0;
  if (end < s.size() && (s[end] == '+' || s[end] == '-')) ++end;
  while (end < s.size() && (std::isdigit(static_cast<unsigned char>(s[end])) || s[end] == '.')) {
    ++end;
  }
  std::optional<Decimal> value = ParseDecimalText(s.substr(0, end));
  if (!value) return std::nullopt;
  std::string_view rest = s.substr(end);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) {
    rest.remove_prefix(1);
  }
  if (rest.empty()) return Quantity{*value, "1"};
  if (rest.size() >= 3 && rest.front() == '\'' && rest.back() == '\'') {
    std::string_view unit = rest.substr(1, rest.size() - 2);
    if (unit.find('\'') != std::string_view::npos) return std::nullopt;
    return Quantity{*value, std::string(unit)};
  }
  if (Quantity::IsCalendarUnit(rest)) return Quantity{*value, std::string(rest)};
  return std::nullopt;
}

// --- Converters: the System value of v as type X, or nullopt -------------------

std::optional<Value> AsBoolean(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kBoolean: return v;
    case ValueKind::kInteger:
      if (v.integer() == 0 || v.integer() == 1) return Value::Boolean(v.integer() == 1);
      return std::nullopt;
    case ValueKind::kDecimal:
      if (v.decimal().Compare(Decimal::FromInt(0)) == 0) return Value::Boolean(false);
      if (v.decimal().Compare(Decimal::FromInt(1)) == 0) return Value::Boolean(true);
      return std::nullopt;
    case ValueKind::kString:
      if (auto b = ParseBooleanText(v.string())) return Value::Boolean(*b);
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::optional<Value> AsInteger(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kInteger: return v;
    case ValueKind::kBoolean: return Value::Integer(v.boolean() ? 1 : 0);
    case ValueKind::kString: {
      if (!IsNumberText(v.string(), false)) return std::nullopt;
      std::optional<Decimal> d = ParseDecimalText(v.string());
      std::optional<int64_t> i = d ? d->ToInt() : std::nullopt;
      if (!i) return std::nullopt;
      return Value::Integer(*i);
    }
    default: return std::nullopt;
  }
}

std::optional<Value> AsDecimalValue(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kDecimal: return v;
    case ValueKind::kInteger: return Value::Decimal(Decimal::FromInt(v.integer()));
    case ValueKind::kBoolean: return Value::Decimal(*Decimal::Parse(v.boolean() ? "1.0" : "0.0"));
    case ValueKind::kString:
      if (auto d = ParseDecimalText(v.string())) return Value::Decimal(*d);
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::optional<Value> AsString(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kString: return v;
    case ValueKind::kBoolean: return Value::String(v.boolean() ? "true" : "false");
    case ValueKind::kInteger: return Value::String(std::to_string(v.integer()));
    case ValueKind::kDecimal: return Value::String(v.decimal().ToString());
    case ValueKind::kDate:
    case ValueKind::kDateTime:
    case ValueKind::kTime: return Value::String(v.temporal().ToString());
    case ValueKind::kQuantity: return Value::String(v.quantity().ToString());
    case ValueKind::kNode: return std::nullopt;
  }
  return std::nullopt;
}

// A DateTime cut down to its date part (precision at most day, no zone).
Temporal DatePart(const Temporal& t) {
  Temporal d;
  d.kind = TemporalKind::kDate;
  d.precision = std::min(t.precision, TemporalPrecision::kDay);
  d.year = t.year;
  d.month = t.month;
  d.day = t.day;
  return d;
}

std::optional<Value> AsDate(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kDate: return v;
    case ValueKind::kDateTime: return Value::Temporal(DatePart(v.temporal()));
    case ValueKind::kString: {
      if (auto d = Temporal::ParseDate(v.string())) return Value::Temporal(*d);
      if (auto dt = Temporal::ParseDateTime(v.string())) return Value::Temporal(DatePart(*dt));
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

std::optional<Value> AsDateTime(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kDateTime: return v;
    case ValueKind::kDate: {
      Temporal t = v.temporal();
      t.kind = TemporalKind::kDateTime;
      return Value::Temporal(t);
    }
    case ValueKind::kString:
      if (auto t = Temporal::ParseDateTime(v.string())) return Value::Temporal(*t);
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::optional<Value> AsTime(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kTime: return v;
    case ValueKind::kString: {
      std::string_view text = v.string();
      if (text.starts_with('T')) text.remove_prefix(1);
      if (auto t = Temporal::ParseTime(text)) return Value::Temporal(*t);
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

std::optional<Quantity> ToQuantityValue(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kQuantity: return v.quantity();
    case ValueKind::kInteger: return Quantity{Decimal::FromInt(v.integer()), "1"};
    case ValueKind::kDecimal: return Quantity{v.decimal(), "1"};
    case ValueKind::kBoolean: return Quantity{*Decimal::Parse(v.boolean() ? "1.0" : "0.0"), "1"};
    case ValueKind::kString: return ParseQuantityText(v.string());
    default: return std::nullopt;
  }
}

// toQuantity([unit]): with a unit, the quantity converted to it (empty when the
// units are not commensurable). The unit argument must be a single String; an
// empty unit argument means no conversion.
std::optional<Value> AsQuantity(const Value& v, const std::optional<std::string>& unit) {
  std::optional<Quantity> q = ToQuantityValue(v);
  if (!q) return std::nullopt;
  if (unit && *unit != q->unit) {
    q = q->ConvertTo(*unit);
    if (!q) return std::nullopt;
  }
  return Value::Quantity(std::move(*q));
}

// --- Function bodies ---------------------------------------------------------------

// The single focus item as a System value. Unlike FnCall::SingleInput(), a
// complex FHIR element is not an error: it is returned as is and simply does
// not convert (Patient.name.toString() is empty, convertsToString() false).
absl::StatusOr<std::optional<Value>> ConversionInput(const FnCall& call) {
  if (call.input.empty()) return std::nullopt;
  if (call.input.size() > 1) return call.Error("the input must be a single item");
  std::optional<Value> v = call.input[0].AsSystem();
  return v ? *v : call.input[0];
}

absl::StatusOr<Collection> ToX(const FnCall& call, Converter convert) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Value> v, ConversionInput(call));
  if (!v) return Collection{};
  std::optional<Value> out = convert(*v);
  if (!out) return Collection{};
  return Collection{std::move(*out)};
}

absl::StatusOr<Collection> ConvertsToX(const FnCall& call, Converter convert) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Value> v, ConversionInput(call));
  if (!v) return Collection{};
  return Collection{Value::Boolean(convert(*v).has_value())};
}

absl::StatusOr<Collection> QuantityFunction(const FnCall& call, bool test_only) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Value> v, ConversionInput(call));
  if (!v) return Collection{};
  std::optional<std::string> unit;
  if (call.arg_count() > 0) {
    VIGIL_ASSIGN_OR_RETURN(unit, call.StringArg(0));
  }
  std::optional<Value> out = AsQuantity(*v, unit);
  if (test_only) return Collection{Value::Boolean(out.has_value())};
  if (!out) return Collection{};
  return Collection{std::move(*out)};
}

absl::StatusOr<Collection> ToBooleanFn(const FnCall& c) { return ToX(c, AsBoolean); }
absl::StatusOr<Collection> ConvertsToBoolean(const FnCall& c) { return ConvertsToX(c, AsBoolean); }
absl::StatusOr<Collection> ToInteger(const FnCall& c) { return ToX(c, AsInteger); }
absl::StatusOr<Collection> ConvertsToInteger(const FnCall& c) { return ConvertsToX(c, AsInteger); }
absl::StatusOr<Collection> ToDecimal(const FnCall& c) { return ToX(c, AsDecimalValue); }
absl::StatusOr<Collection> ConvertsToDecimal(const FnCall& c) {
  return ConvertsToX(c, AsDecimalValue);
}
absl::StatusOr<Collection> ToStringFn(const FnCall& c) { return ToX(c, AsString); }
absl::StatusOr<Collection> ConvertsToString(const FnCall& c) { return ConvertsToX(c, AsString); }
absl::StatusOr<Collection> ToDate(const FnCall& c) { return ToX(c, AsDate); }
absl::StatusOr<Collection> ConvertsToDate(const FnCall& c) { return ConvertsToX(c, AsDate); }
absl::StatusOr<Collection> ToDateTime(const FnCall& c) { return ToX(c, AsDateTime); }
absl::StatusOr<Collection> ConvertsToDateTime(const FnCall& c) {
  return ConvertsToX(c, AsDateTime);
}
absl::StatusOr<Collection> ToTime(const FnCall& c) { return ToX(c, AsTime); }
absl::StatusOr<Collection> ConvertsToTime(const FnCall& c) { return ConvertsToX(c, AsTime); }
absl::StatusOr<Collection> ToQuantity(const FnCall& c) { return QuantityFunction(c, false); }
absl::StatusOr<Collection> ConvertsToQuantity(const FnCall& c) { return QuantityFunction(c, true); }

constexpr FunctionDef kConversionFunctions[] = {
    {"toBoolean", 0, 0, ToBooleanFn}, {"convertsToBoolean", 0, 0, ConvertsToBoolean},
    {"toInteger", 0, 0, ToInteger},   {"convertsToInteger", 0, 0, ConvertsToInteger},
    {"toDecimal", 0, 0, ToDecimal},   {"convertsToDecimal", 0, 0, ConvertsToDecimal},
    {"toString", 0, 0, ToStringFn},   {"convertsToString", 0, 0, ConvertsToString},
    {"toDate", 0, 0, ToDate},         {"convertsToDate", 0, 0, ConvertsToDate},
    {"toDateTime", 0, 0, ToDateTime}, {"convertsToDateTime", 0, 0, ConvertsToDateTime},
    {"toTime", 0, 0, ToTime},         {"convertsToTime", 0, 0, ConvertsToTime},
    {"toQuantity", 0, 1, ToQuantity}, {"convertsToQuantity", 0, 1, ConvertsToQuantity},
};

}  // namespace

std::span<const FunctionDef> ConversionFunctions() { return kConversionFunctions; }

}  // namespace vigil::fhirpath
