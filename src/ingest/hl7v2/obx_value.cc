#include "ingest/hl7v2/obx_value.h"

#include <utility>

#include "base/str.h"
#include "ingest/hl7v2/datatypes.h"
#include "ingest/hl7v2/datetime.h"
#include "ingest/hl7v2/escape.h"
#include "ingest/hl7v2/units.h"

namespace vigil::hl7v2::internal {
namespace {

using fhir::Json;

constexpr std::string_view kUcum = "http://unitsofmeasure.org";

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

// {value, unit, system, code} from a decimal and OBX-6.
Json Quantity(const std::string& decimal, const Element& units) {
  Json q = Json::Object();
  q.Set("value", Json::Number(decimal));
  std::string unit = Text(units.Comp(1));
  std::string display = Text(units.Comp(2));
  SetString(q, "unit", unit.empty() ? display : unit);
  std::string ucum = ToUcum(unit, Text(units.Comp(3)));
  if (!ucum.empty()) {
    q.Set("system", Json::String(std::string(kUcum)));
    q.Set("code", Json::String(CodeText(ucum)));
  }
  return q;
}

bool MapNumeric(MapContext& ctx, const Segment& obx, const std::string& text, Json& obs) {
  std::optional<std::string> d = NormalizeDecimal(text);
  if (!d) {
    ctx.Error(obx, 5, ErrorCode::kDataTypeError, StrCat("invalid number '", text, "'"));
    return false;
  }
  obs.Set("valueQuantity", Quantity(*d, ctx.Field(obx, 6)));
  return true;
}

// SN: comparator ^ num1 ^ separator/suffix ^ num2.
void MapStructuredNumeric(MapContext& ctx, const Segment& obx, const Element& sn, Json& obs) {
  std::string comparator = Text(sn.Comp(1)), sep = Text(sn.Comp(3));
  std::string n1 = Text(sn.Comp(2)), n2 = Text(sn.Comp(4));
  std::optional<std::string> d1 = NormalizeDecimal(n1), d2 = NormalizeDecimal(n2);
  const Element units = ctx.Field(obx, 6);
  if (!d1 || (!n2.empty() && !d2) || (sep.empty() != n2.empty() && sep != "+")) {
    ctx.Error(obx, 5, ErrorCode::kDataTypeError,
              StrCat("invalid structured numeric '", sn.raw(), "'"));
    return;
  }
  if (sep.empty()) {
    Json q = Quantity(*d1, units);
    if (comparator == "<" || comparator == ">" || comparator == "<=" || comparator == ">=") {
      q.Set("comparator", Json::String(comparator));
    } else if (!comparator.empty() && comparator != "=") {
      ctx.Error(obx, 5, ErrorCode::kDataTypeError,
                StrCat("invalid SN comparator '", comparator, "'"));
      return;
    }
    obs.Set("valueQuantity", std::move(q));
  } else if (sep == "-" && comparator.empty()) {
    Json range = Json::Object();
    range.Set("low", Quantity(*d1, units));
    range.Set("high", Quantity(*d2, units));
    obs.Set("valueRange", std::move(range));
  } else if ((sep == ":" || sep == "/") && comparator.empty()) {
    Json ratio = Json::Object();
    ratio.Set("numerator", Quantity(*d1, Element()));
    ratio.Set("denominator", Quantity(*d2, Element()));
    obs.Set("valueRatio", std::move(ratio));
  } else {  // "2+" (categorical) or "1.2" (section): keep as written
    obs.Set("valueString", Json::String(StrCat(comparator, n1, sep, n2)));
  }
}

std::optional<std::string> FhirTime(std::string_view tm) {
  tm = tm.substr(0, tm.find_first_of("+-"));
  if (size_t dot = tm.find('.'); dot != std::string_view::npos) tm = tm.substr(0, dot);
  if (tm.size() != 4 && tm.size() != 6) return std::nullopt;
  for (char c : tm) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  if ((tm[0] - '0') * 10 + (tm[1] - '0') > 23 || tm[2] > '5' || (tm.size() == 6 && tm[4] > '5')) {
    return std::nullopt;
  }
  return StrCat(tm.substr(0, 2), ":", tm.substr(2, 2), ":",
                tm.size() == 6 ? tm.substr(4, 2) : "00");
}

// ST/TX/FT and other text: all repetitions, one per line.
// (These are primitives: a stray component separator is kept as text.)
std::string JoinedText(const Element& field, const Delimiters& delimiters) {
  std::string out;
  for (int r = 1; r <= field.RepCount(); ++r) {
    std::string text = Clean(Unescape(field.Rep(r).raw(), delimiters));
    if (text.empty()) continue;
    if (!out.empty()) out += "\n";
    out += text;
  }
  return out;
}

}  // namespace

std::optional<std::string> NormalizeDecimal(std::string_view nm) {
  std::string_view s = Trim(nm);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return std::nullopt;
  for (std::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (c < '0' || c > '9') return std::nullopt;
    }
  }
  size_t nonzero = whole.find_first_not_of('0');
  whole = nonzero == std::string_view::npos ? "0" : whole.substr(nonzero);
  std::string out = StrCat(negative ? "-" : "", whole);
  if (!fraction.empty()) out += StrCat(".", fraction);
  return out;
}

bool HasMappableValue(MapContext& ctx, const Segment& obx) {
  static constexpr std::string_view kMapped[] = {"NM",  "SN",  "ST", "TX", "FT", "ID",  "IS", "CE",
                                                 "CWE", "CNE", "CF", "DT", "TS", "DTM", "TM"};
  const std::string type = Text(ctx.Field(obx, 2));
  if (Clean(ctx.Field(obx, 5).raw()).empty()) return false;
  for (std::string_view t : kMapped) {
    if (type == t) return true;
  }
  return false;
}

void MapObxValue(MapContext& ctx, const Segment& obx, Json& obs) {
  const std::string type = Text(ctx.Field(obx, 2));
  const Element value = ctx.Field(obx, 5);
  if (Clean(value.raw()).empty()) return;
  if (type.empty()) {
    ctx.Warning(obx, 2, "value type missing: OBX-5 left out");
    return;
  }
  if (value.RepCount() > 1 && type != "ST" && type != "TX" && type != "FT") {
    ctx.Warning(obx, 5, StrCat("only the first of ", value.RepCount(), " values is mapped"));
  }
  const Element first = value.Rep(1);
  if (type == "NM") {
    MapNumeric(ctx, obx, Text(first), obs);
  } else if (type == "SN") {
    MapStructuredNumeric(ctx, obx, first, obs);
  } else if (type == "ST" || type == "TX" || type == "FT" || type == "ID" || type == "IS") {
    SetString(obs, "valueString", JoinedText(value, ctx.message().delimiters()));
  } else if (type == "CE" || type == "CWE" || type == "CNE" || type == "CF") {
    SetIfNotEmpty(obs, "valueCodeableConcept", CodeableConcept(first));
  } else if (type == "DT" || type == "TS" || type == "DTM") {
    if (auto t = ctx.DateTime(obx, 5, first.Comp(1))) obs.Set("valueDateTime", Json::String(*t));
  } else if (type == "TM") {
    if (auto t = FhirTime(Text(first))) {
      obs.Set("valueTime", Json::String(*t));
    } else {
      ctx.Error(obx, 5, ErrorCode::kDataTypeError, StrCat("invalid time '", Text(first), "'"));
    }
  } else {
    ctx.Warning(obx, 2, StrCat("value type '", type, "' is not mapped: OBX-5 left out"));
  }
}

void MapReferenceRange(MapContext& ctx, const Segment& obx, Json& obs) {
  std::string text = Text(ctx.Field(obx, 7));
  if (text.empty()) return;
  const Element units = ctx.Field(obx, 6);
  Json range = Json::Object();
  std::string_view s = text;
  for (std::string_view op : {"<=", ">=", "<", ">"}) {
    if (!s.starts_with(op)) continue;
    if (auto d = NormalizeDecimal(s.substr(op.size()))) {
      range.Set(op[0] == '<' ? "high" : "low", Quantity(*d, units));
    }
    break;
  }
  if (range.members().empty()) {
    for (size_t i = 1; i < s.size(); ++i) {  // "low-high"; the first '-' may be a sign
      if (s[i] != '-') continue;
      auto low = NormalizeDecimal(s.substr(0, i)), high = NormalizeDecimal(s.substr(i + 1));
      if (low && high) {
        range.Set("low", Quantity(*low, units));
        range.Set("high", Quantity(*high, units));
      }
      break;
    }
  }
  if (range.members().empty()) range.Set("text", Json::String(text));
  Append(obs, "referenceRange", std::move(range));
}

void MapInterpretation(MapContext& ctx, const Segment& obx, Json& obs) {
  static constexpr std::string_view kV3[] = {
      "<",  ">",  "A",  "AA",  "AC",    "B",     "CAR", "D",  "DET", "E",   "EX",  "EXP",
      "H",  "H>", "HH", "HM",  "HU",    "HX",    "I",   "IE", "IND", "L",   "L<",  "LL",
      "LU", "LX", "MS", "N",   "NCL",   "ND",    "NEG", "NR", "NS",  "OBX", "POS", "QCF",
      "R",  "RR", "S",  "SDD", "SYN-R", "SYN-S", "TOX", "U",  "UNE", "VS",  "W",   "WR"};
  Element flags = ctx.Field(obx, 8);
  for (int r = 1; r <= flags.RepCount(); ++r) {
    std::string code = Text(flags.Rep(r).Comp(1));
    if (code.empty()) continue;
    bool v3 = false;
    for (std::string_view known : kV3) v3 = v3 || code == known;
    Json cc =
        TableConcept(code, v3 ? "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
                              : "http://terminology.hl7.org/CodeSystem/v2-0078");
    SetString(cc, "text", Text(flags.Rep(r).Comp(2)));
    Append(obs, "interpretation", std::move(cc));
  }
}

std::string ObservationStatus(MapContext& ctx, const Segment& obx) {
  static constexpr std::pair<std::string_view, std::string_view> kStatus[] = {
      {"C", "corrected"},   {"D", "entered-in-error"}, {"F", "final"},
      {"I", "registered"},  {"N", "cancelled"},        {"O", "registered"},
      {"P", "preliminary"}, {"R", "preliminary"},      {"S", "preliminary"},
      {"U", "final"},       {"W", "entered-in-error"}, {"X", "cancelled"}};
  std::string code = Text(ctx.Field(obx, 11));
  if (code.empty()) return "unknown";
  for (const auto& [v2, fhir] : kStatus) {
    if (code == v2) return std::string(fhir);
  }
  ctx.Warning(obx, 11, StrCat("result status '", code, "' is not in table 0085; status unknown"));
  return "unknown";
}

}  // namespace vigil::hl7v2::internal
