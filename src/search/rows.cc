#include "search/rows.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/str.h"
#include "search/normalize.h"
#include "search/values.h"

namespace vigil::search {
namespace {

using fhir::Json;
using fhirpath::Value;
using fhirpath::ValueKind;

constexpr double kInf = std::numeric_limits<double>::infinity();

// A member's scalar text (string or number), or empty.
std::string_view Text(const Json& object, std::string_view key) {
  const Json* j = object.Find(key);
  if (j == nullptr || !(j->is_string() || j->is_number())) return {};
  return j->text();
}

// A primitive node's value as text ("true"/"false" for booleans); empty if none.
std::string_view PrimitiveText(const Json& json) {
  if (json.is_string() || json.is_number()) return json.text();
  if (json.is_bool()) return json.bool_value() ? "true" : "false";
  return {};
}

// The text of a System value (String, Boolean, Integer, Decimal), or empty.
std::string SystemText(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kString: return std::string(v.string());
    case ValueKind::kBoolean: return v.boolean() ? "true" : "false";
    case ValueKind::kInteger: return StrCat(v.integer());
    case ValueKind::kDecimal: return v.decimal().ToString();
    default: return {};
  }
}

bool IsQuantityType(std::string_view t) {
  return t == "Quantity" || t == "Age" || t == "Duration" || t == "Count" || t == "Distance" ||
         t == "SimpleQuantity" || t == "MoneyQuantity";
}

// The FHIR types RowWriter::Quantity reads.
bool IsQuantityValueType(std::string_view t) {
  return IsQuantityType(t) || t == "Money" || t == "Range";
}

// Converter for one (parameter, value) pair.
class RowWriter {
 public:
  RowWriter(std::string_view code, store::IndexEntries* out) : code_(code), out_(out) {}

  std::string Token(const Value& v);
  std::string String(const Value& v);
  std::string Date(const Value& v);
  std::string Number(const Value& v);
  std::string Quantity(const Value& v);
  std::string Reference(const Value& v);
  std::string Uri(const Value& v);

 private:
  void AddToken(std::string_view system, std::string_view code, std::string text) {
    out_->tokens.push_back(
        {std::string(code_), std::string(system), std::string(code), std::move(text)});
  }
  void AddString(std::string_view s) {
    if (s.empty()) return;
    out_->strings.push_back({std::string(code_), NormalizeString(s), std::string(s)});
  }
  void AddStringMember(const Json& object, std::string_view key) {
    const Json* j = object.Find(key);
    if (j == nullptr) return;
    if (j->is_array()) {
      for (const Json& item : j->items()) AddString(PrimitiveText(item));
    } else {
      AddString(PrimitiveText(*j));
    }
  }
  void AddCodings(const Json& codeable);
  void AddIdentifier(const Json& identifier);
  std::string AddQuantity(const Json& q, std::string_view system, std::string_view code);
  std::string AddRange(const Json& range);
  std::string AddReferenceText(std::string_view text, bool canonical);
  std::string DateError(std::string_view text) { return StrCat("malformed date '", text, "'"); }

  std::string_view code_;
  store::IndexEntries* out_;
};

void RowWriter::AddCodings(const Json& codeable) {
  std::string cc_text = NormalizeString(Text(codeable, "text"));
  const Json* codings = codeable.Find("coding");
  bool any = false;
  if (codings != nullptr) {
    for (const Json& coding : codings->items()) {
      std::string text = cc_text;
      std::string_view display = Text(coding, "display");
      if (!display.empty()) {
        if (!text.empty()) text.push_back(' ');
        AppendNormalized(display, &text);
      }
      AddToken(Text(coding, "system"), Text(coding, "code"), std::move(text));
      any = true;
    }
  }
  // Text only: a row without system or code, so that :text still finds it.
  if (!any && !cc_text.empty()) AddToken("", "", std::move(cc_text));
}

void RowWriter::AddIdentifier(const Json& identifier) {
  std::string_view value = Text(identifier, "value");
  const Json* type = identifier.Find("type");
  AddToken(Text(identifier, "system"), value,
           type == nullptr ? std::string() : NormalizeString(Text(*type, "text")));
  const Json* codings = type == nullptr ? nullptr : type->Find("coding");
  if (codings == nullptr || value.empty()) return;
  for (const Json& coding : codings->items()) {
    std::string_view type_code = Text(coding, "code");
    if (type_code.empty()) continue;
    out_->tokens.push_back({StrCat(code_, ":of-type"), std::string(Text(coding, "system")),
                            StrCat(type_code, "|", value), std::string()});
  }
}

std::string RowWriter::Token(const Value& v) {
  if (!v.is_node()) {
    std::string text = SystemText(v);
    if (!text.empty()) AddToken("", text, "");
    return {};
  }
  const Json& json = *v.node().json;
  std::string_view type = v.TypeName();
  if (type == "CodeableConcept") {
    AddCodings(json);
  } else if (type == "Coding") {
    AddToken(Text(json, "system"), Text(json, "code"), NormalizeString(Text(json, "display")));
  } else if (type == "Identifier") {
    AddIdentifier(json);
  } else if (type == "ContactPoint") {
    std::string_view value = Text(json, "value");
    if (!value.empty()) AddToken(Text(json, "system"), value, "");
  } else if (!json.is_object()) {
    std::string_view text = PrimitiveText(json);
    if (!text.empty()) AddToken("", text, "");
  }
  return {};
}

std::string RowWriter::String(const Value& v) {
  if (!v.is_node()) {
    AddString(SystemText(v));
    return {};
  }
  const Json& json = *v.node().json;
  std::string_view type = v.TypeName();
  if (type == "HumanName") {
    for (std::string_view key : {"family", "given", "prefix", "suffix", "text"}) {
      AddStringMember(json, key);
    }
  } else if (type == "Address") {
    for (std::string_view key :
         {"line", "city", "district", "state", "postalCode", "country", "text"}) {
      AddStringMember(json, key);
    }
  } else if (!json.is_object()) {
    AddString(PrimitiveText(json));
  }
  return {};
}

std::string RowWriter::Date(const Value& v) {
  if (!v.is_node()) {
    if (v.kind() == ValueKind::kDate || v.kind() == ValueKind::kDateTime) {
      if (auto r = TemporalRange(v.temporal()))
        out_->dates.push_back({std::string(code_), r->low, r->high});
    }
    return {};
  }
  const Json& json = *v.node().json;
  std::string_view type = v.TypeName();
  if (type == "date" || type == "dateTime" || type == "instant") {
    std::string_view text = PrimitiveText(json);
    if (text.empty()) return {};
    auto r = ParseDateRange(text);
    if (!r) return DateError(text);
    out_->dates.push_back({std::string(code_), r->low, r->high});
  } else if (type == "Period") {
    store::DateRow row{std::string(code_), store::kMinTime, store::kMaxTime};
    std::string_view start = Text(json, "start"), end = Text(json, "end");
    if (start.empty() && end.empty()) return {};
    if (!start.empty()) {
      auto r = ParseDateRange(start);
      if (!r) return DateError(start);
      row.low = r->low;
    }
    if (!end.empty()) {
      auto r = ParseDateRange(end);
      if (!r) return DateError(end);
      row.high = r->high;
    }
    out_->dates.push_back(std::move(row));
  } else if (type == "Timing") {
    int64_t low = store::kMaxTime, high = store::kMinTime;
    auto widen = [&](std::string_view text, bool as_low, bool as_high) -> bool {
      auto r = ParseDateRange(text);
      if (!r) return false;
      if (as_low) low = std::min(low, r->low);
      if (as_high) high = std::max(high, r->high);
      return true;
    };
    if (const Json* events = json.Find("event")) {
      for (const Json& e : events->items()) {
        if (!widen(PrimitiveText(e), true, true)) return DateError(PrimitiveText(e));
      }
    }
    const Json* repeat = json.Find("repeat");
    const Json* bounds = repeat == nullptr ? nullptr : repeat->Find("boundsPeriod");
    if (bounds != nullptr) {
      std::string_view start = Text(*bounds, "start"), end = Text(*bounds, "end");
      if (!start.empty() && !widen(start, true, false)) return DateError(start);
      if (!end.empty() && !widen(end, false, true)) return DateError(end);
    }
    if (low <= high) out_->dates.push_back({std::string(code_), low, high});
  }
  return {};
}

std::string RowWriter::Number(const Value& v) {
  std::string system_text;
  std::string_view text;
  if (v.is_node()) {
    if (v.node().json->is_object()) return {};
    text = PrimitiveText(*v.node().json);
  } else if (v.kind() == ValueKind::kInteger || v.kind() == ValueKind::kDecimal) {
    system_text = SystemText(v);
    text = system_text;
  }
  if (text.empty()) return {};
  auto r = ParseNumberRange(text);
  if (!r) return StrCat("malformed number '", text, "'");
  out_->numbers.push_back({std::string(code_), r->value, r->low, r->high});
  return {};
}

std::string RowWriter::AddQuantity(const Json& q, std::string_view system, std::string_view code) {
  std::string_view value = Text(q, "value");
  if (value.empty()) return {};
  auto r = ParseNumberRange(value);
  if (!r) return StrCat("malformed quantity value '", value, "'");
  out_->quantities.push_back({std::string(code_), r->value, r->low, r->high, std::string(system),
                              std::string(code), std::string(Text(q, "unit"))});
  return {};
}

std::string RowWriter::AddRange(const Json& range) {
  const Json* low = range.Find("low");
  const Json* high = range.Find("high");
  std::optional<NumberRange> lo, hi;
  if (low != nullptr && !Text(*low, "value").empty()) lo = ParseNumberRange(Text(*low, "value"));
  if (high != nullptr && !Text(*high, "value").empty()) hi = ParseNumberRange(Text(*high, "value"));
  if (!lo && !hi) return {};
  const Json& unit_source = lo ? *low : *high;
  out_->quantities.push_back({std::string(code_), lo ? lo->value : hi->value, lo ? lo->low : -kInf,
                              hi ? hi->high : kInf, std::string(Text(unit_source, "system")),
                              std::string(Text(unit_source, "code")),
                              std::string(Text(unit_source, "unit"))});
  return {};
}

std::string RowWriter::Quantity(const Value& v) {
  if (!v.is_node()) {
    if (v.kind() != ValueKind::kQuantity) return {};
    const fhirpath::Quantity& q = v.quantity();
    auto r = ParseNumberRange(q.value.ToString());
    if (!r) return {};
    out_->quantities.push_back({std::string(code_), r->value, r->low, r->high,
                                "http://unitsofmeasure.org", q.unit, q.unit});
    return {};
  }
  const Json& json = *v.node().json;
  std::string_view type = v.TypeName();
  // TypeYieldsRows answers from the same test.
  if (!json.is_object() || !IsQuantityValueType(type)) return {};
  if (type == "Money") return AddQuantity(json, "urn:iso:std:iso:4217", Text(json, "currency"));
  if (type == "Range") return AddRange(json);
  return AddQuantity(json, Text(json, "system"), Text(json, "code"));
}

std::string RowWriter::AddReferenceText(std::string_view text, bool canonical) {
  std::optional<ParsedReference> ref = ParseReferenceText(text, canonical);
  if (!ref) return {};  // contained or empty
  // A local reference is matched by type and id; its text would only make the
  // row, and the reference-target index, larger.
  if (!ref->id.empty()) ref->url.clear();
  out_->references.push_back(
      {std::string(code_), std::move(ref->type), std::move(ref->id), std::move(ref->url)});
  return {};
}

std::string RowWriter::Reference(const Value& v) {
  if (!v.is_node()) {
    if (v.kind() == ValueKind::kString) return AddReferenceText(v.string(), false);
    return {};
  }
  const Json& json = *v.node().json;
  std::string_view type = v.TypeName();
  if (type == "Reference") {
    // Reference.identifier, for the :identifier modifier: a token row of its own.
    const Json* identifier = json.Find("identifier");
    std::string_view value = identifier == nullptr ? "" : Text(*identifier, "value");
    if (!value.empty()) {
      out_->tokens.push_back({StrCat(code_, ":identifier"),
                              std::string(Text(*identifier, "system")), std::string(value), ""});
    }
    return AddReferenceText(Text(json, "reference"), false);
  }
  if (json.is_string()) return AddReferenceText(json.text(), type == "canonical");
  return {};
}

std::string RowWriter::Uri(const Value& v) {
  std::string text = v.is_node() ? std::string(PrimitiveText(*v.node().json)) : SystemText(v);
  if (!text.empty()) out_->uris.push_back({std::string(code_), std::move(text)});
  return {};
}

}  // namespace

std::string AppendRows(ParamType type, std::string_view code, const Value& value,
                       store::IndexEntries* out) {
  RowWriter w(code, out);
  switch (type) {
    case ParamType::kToken: return w.Token(value);
    case ParamType::kString: return w.String(value);
    case ParamType::kDate: return w.Date(value);
    case ParamType::kNumber: return w.Number(value);
    case ParamType::kQuantity: return w.Quantity(value);
    case ParamType::kReference: return w.Reference(value);
    case ParamType::kUri: return w.Uri(value);
    case ParamType::kComposite:
    case ParamType::kSpecial: return {};
  }
  return {};
}

bool TypeYieldsRows(ParamType type, std::string_view fhir_type) {
  if (type == ParamType::kQuantity) return IsQuantityValueType(fhir_type);
  return true;
}

}  // namespace vigil::search
