#include "fhirpath/value.h"

#include <memory>

#include "base/str.h"

namespace vigil::fhirpath {
namespace {

// A FHIR Quantity node (or subtype: Age, Duration, ...) as a System Quantity.
std::optional<Value> QuantityNode(const fhir::Json& json) {
  const fhir::Json* v = json.Find("value");
  if (v == nullptr || !v->is_number()) return std::nullopt;
  auto d = fhirpath::Decimal::Parse(v->text());
  if (!d) return std::nullopt;
  std::string unit = "1";
  if (const fhir::Json* code = json.Find("code"); code && code->is_string()) {
    const fhir::Json* system = json.Find("system");
    bool ucum =
        system == nullptr || (system->is_string() && system->text() == "http://unitsofmeasure.org");
    if (ucum) unit = code->text();
  } else if (const fhir::Json* u = json.Find("unit"); u && u->is_string()) {
    unit = u->text();
  }
  return Value::Quantity(fhirpath::Quantity{*d, std::move(unit)});
}

std::optional<Value> FromScalar(const fhir::Json& json, fhir::SystemType type) {
  using fhir::SystemType;
  switch (type) {
    case SystemType::kBoolean:
      if (json.is_bool()) return Value::Boolean(json.bool_value());
      return std::nullopt;
    case SystemType::kInteger: {
      if (!json.is_number()) return std::nullopt;
      auto d = fhirpath::Decimal::Parse(json.text());
      if (!d) return std::nullopt;
      auto i = d->ToInt();
      if (!i) return std::nullopt;
      return Value::Integer(*i);
    }
    case SystemType::kDecimal: {
      if (!json.is_number()) return std::nullopt;
      auto d = fhirpath::Decimal::Parse(json.text());
      if (!d) return std::nullopt;
      return Value::Decimal(*d);
    }
    case SystemType::kDate: {
      auto t = json.is_string() ? Temporal::ParseDate(json.text()) : std::nullopt;
      if (!t) return std::nullopt;
      return Value::Temporal(*t);
    }
    case SystemType::kDateTime: {
      auto t = json.is_string() ? Temporal::ParseDateTime(json.text()) : std::nullopt;
      if (!t) return std::nullopt;
      return Value::Temporal(*t);
    }
    case SystemType::kTime: {
      auto t = json.is_string() ? Temporal::ParseTime(json.text()) : std::nullopt;
      if (!t) return std::nullopt;
      return Value::Temporal(*t);
    }
    case SystemType::kString:
      if (json.is_string()) return Value::BorrowedString(json.text());
      return std::nullopt;
    case SystemType::kNone: break;
  }
  return std::nullopt;
}

// A scalar with no type information: infer from the JSON kind.
std::optional<Value> Untyped(const fhir::Json& json) {
  switch (json.kind()) {
    case fhir::JsonKind::kBool: return Value::Boolean(json.bool_value());
    case fhir::JsonKind::kString: return Value::String(json.text());
    case fhir::JsonKind::kNumber: {
      bool fractional = json.text().find_first_of(".eE") != std::string::npos;
      return FromScalar(json, fractional ? fhir::SystemType::kDecimal : fhir::SystemType::kInteger);
    }
    default: return std::nullopt;
  }
}

}  // namespace

struct Value::SharedString : Value::Shared {
  explicit SharedString(std::string s) : text(std::move(s)) {}
  std::string text;
};

struct Value::SharedQuantity : Value::Shared {
  explicit SharedQuantity(fhirpath::Quantity q) : quantity(std::move(q)) {}
  fhirpath::Quantity quantity;
};

void Value::ReleaseShared() {
  if (shared_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete shared_;
  shared_ = nullptr;
}

Value Value::Boolean(bool b) {
  Value v;
  v.kind_ = ValueKind::kBoolean;
  v.payload_.boolean = b;
  return v;
}

Value Value::Integer(int64_t i) {
  Value v;
  v.kind_ = ValueKind::kInteger;
  v.payload_.integer = i;
  return v;
}

Value Value::Decimal(fhirpath::Decimal d) {
  Value v;
  v.kind_ = ValueKind::kDecimal;
  std::construct_at(&v.payload_.decimal, d);
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.kind_ = ValueKind::kString;
  auto* shared = new SharedString(std::move(s));
  v.shared_ = shared;
  v.payload_.string = {shared->text.data(), shared->text.size()};
  return v;
}

Value Value::BorrowedString(std::string_view s) {
  Value v;
  v.kind_ = ValueKind::kString;
  v.payload_.string = {s.data(), s.size()};
  return v;
}

Value Value::Temporal(fhirpath::Temporal t) {
  Value v;
  v.kind_ = t.kind == TemporalKind::kDate       ? ValueKind::kDate
            : t.kind == TemporalKind::kDateTime ? ValueKind::kDateTime
                                                : ValueKind::kTime;
  std::construct_at(&v.payload_.temporal, t);
  return v;
}

Value Value::Quantity(fhirpath::Quantity q) {
  Value v;
  v.kind_ = ValueKind::kQuantity;
  auto* shared = new SharedQuantity(std::move(q));
  v.shared_ = shared;
  v.payload_.quantity = &shared->quantity;
  return v;
}

Value Value::Node(NodeRef node) {
  Value v;
  v.kind_ = ValueKind::kNode;
  std::construct_at(&v.payload_.node, node);
  return v;
}

std::string_view Value::TypeName() const {
  switch (kind()) {
    case ValueKind::kBoolean: return "Boolean";
    case ValueKind::kInteger: return "Integer";
    case ValueKind::kDecimal: return "Decimal";
    case ValueKind::kString: return "String";
    case ValueKind::kDate: return "Date";
    case ValueKind::kDateTime: return "DateTime";
    case ValueKind::kTime: return "Time";
    case ValueKind::kQuantity: return "Quantity";
    case ValueKind::kNode: {
      const NodeRef& n = node();
      if (n.type != nullptr) return n.type->name;
      if (n.json != nullptr && n.json->is_object()) {
        if (const fhir::Json* rt = n.json->Find("resourceType"); rt && rt->is_string()) {
          return rt->text();
        }
      }
      return "";
    }
  }
  return "";
}

std::optional<Value> Value::AsSystem() const {
  if (!is_node()) return *this;
  const NodeRef& n = node();
  if (n.json == nullptr) return std::nullopt;
  if (n.type == nullptr) return Untyped(*n.json);
  if (n.type->kind == fhir::TypeKind::kPrimitive) return FromScalar(*n.json, n.type->system_type);
  if (n.json->is_object() && n.type->IsA("Quantity")) return QuantityNode(*n.json);
  return std::nullopt;
}

fhir::Json ToJson(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kBoolean: return fhir::Json::Bool(value.boolean());
    case ValueKind::kInteger: return fhir::Json::Number(std::to_string(value.integer()));
    case ValueKind::kDecimal: return fhir::Json::Number(value.decimal().ToString());
    case ValueKind::kString: return fhir::Json::String(std::string(value.string()));
    case ValueKind::kDate:
    case ValueKind::kDateTime:
    case ValueKind::kTime: return fhir::Json::String(value.temporal().ToString());
    case ValueKind::kQuantity: {
      const fhirpath::Quantity& q = value.quantity();
      fhir::Json out = fhir::Json::Object();
      out.Set("value", fhir::Json::Number(q.value.ToString()));
      if (Quantity::IsCalendarUnit(q.unit)) {
        out.Set("unit", fhir::Json::String(q.unit));
      } else {
        out.Set("unit", fhir::Json::String(q.unit));
        out.Set("system", fhir::Json::String("http://unitsofmeasure.org"));
        out.Set("code", fhir::Json::String(q.unit));
      }
      return out;
    }
    case ValueKind::kNode: return value.node().json ? *value.node().json : fhir::Json();
  }
  return fhir::Json();
}

fhir::Json ToJson(const Collection& collection) {
  fhir::Json out = fhir::Json::Array();
  for (const Value& v : collection) out.Push(ToJson(v));
  return out;
}

}  // namespace vigil::fhirpath
