#include "cohort/criteria.h"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>
#include <variant>

#include "base/http_error.h"
#include "base/status.h"
#include "fhir/json_number.h"
#include "base/str.h"

namespace vigil::cohort {
namespace {

using fhir::Json;

constexpr std::array<std::pair<std::string_view, Kind>, 6> kKinds = {{
    {"condition", Kind::kCondition},
    {"observation", Kind::kObservation},
    {"medication", Kind::kMedication},
    {"procedure", Kind::kProcedure},
    {"age", Kind::kAge},
    {"gender", Kind::kGender},
}};

std::string_view Str(const Json* j) {
  return j != nullptr && j->is_string() ? std::string_view(j->text()) : std::string_view();
}

absl::Status Invalid(std::string_view label, std::string_view what) {
  return HttpError(400, "invalid", StrCat(label, ": ", what));
}

// A window as written: the anchor is an id (string) or an index, resolved
// once every characteristic is read.
struct RawWindow {
  std::variant<std::string, int64_t> anchor;
  int64_t before_ms = 0;
  int64_t after_ms = 0;
};

struct Parsed {
  Criterion criterion;
  std::optional<RawWindow> window;
};

absl::StatusOr<std::vector<Coding>> ParseConcept(const Json* cc, std::string_view label) {
  const Json* codings = cc == nullptr ? nullptr : cc->Find("coding");
  if (codings == nullptr || !codings->is_array() || codings->items().empty()) {
    return Invalid(label, "valueCodeableConcept with at least one coding is required");
  }
  std::vector<Coding> out;
  for (const Json& c : codings->items()) {
    std::string_view code = Str(c.Find("code"));
    if (code.empty()) return Invalid(label, "every coding needs a code");
    out.push_back(Coding{std::string(Str(c.Find("system"))), std::string(code)});
  }
  return out;
}

// A Range whose quantities share one unit; at least one bound.
absl::StatusOr<ValueRange> ParseRange(const Json* range, std::string_view label) {
  if (range == nullptr || !range->is_object()) return Invalid(label, "valueRange is required");
  ValueRange out;
  for (const char* end : {"low", "high"}) {
    const Json* q = range->Find(end);
    if (q == nullptr) continue;
    std::optional<double> v = fhir::JsonDouble(q->Find("value"));
    if (!v) return Invalid(label, StrCat("valueRange.", end, ".value must be a number"));
    (std::string_view(end) == "low" ? out.low : out.high) = v;
    std::string_view unit = Str(q->Find("code"));
    if (unit.empty()) unit = Str(q->Find("unit"));
    if (!unit.empty() && !out.unit.empty() && unit != out.unit) {
      return Invalid(label, "valueRange.low and valueRange.high have different units");
    }
    if (!unit.empty()) out.unit = std::string(unit);
  }
  if (!out.low && !out.high) return Invalid(label, "valueRange needs low or high");
  if (out.low && out.high && *out.low > *out.high) return Invalid(label, "valueRange low > high");
  return out;
}

absl::StatusOr<search::TimeRange> ParsePeriod(const Json& period, std::string_view label) {
  search::TimeRange out{INT64_MIN, INT64_MAX};
  std::string_view start = Str(period.Find("start"));
  std::string_view end = Str(period.Find("end"));
  if (start.empty() && end.empty()) return Invalid(label, "period needs start or end");
  if (!start.empty()) {
    auto r = search::ParseDateRange(start);
    if (!r) return Invalid(label, StrCat("period.start '", start, "' is not a FHIR dateTime"));
    out.low = r->low;
  }
  if (!end.empty()) {
    auto r = search::ParseDateRange(end);
    if (!r) return Invalid(label, StrCat("period.end '", end, "' is not a FHIR dateTime"));
    out.high = r->high;
  }
  if (out.low > out.high) return Invalid(label, "period ends before it starts");
  return out;
}

absl::StatusOr<RawWindow> ParseWindow(const Json& ext, std::string_view label) {
  const Json* parts = ext.Find("extension");
  if (parts == nullptr || !parts->is_array()) {
    return Invalid(label, "the cohort-window extension needs sub-extensions anchor, before, after");
  }
  RawWindow out;
  bool has_anchor = false;
  for (const Json& part : parts->items()) {
    std::string_view url = Str(part.Find("url"));
    if (url == "anchor") {
      if (const Json* s = part.Find("valueString"); s != nullptr && s->is_string()) {
        out.anchor = s->text();
      } else if (std::optional<double> i = fhir::JsonDouble(part.Find("valueInteger"))) {
        out.anchor = static_cast<int64_t>(*i);
      } else {
        return Invalid(label,
                       "window anchor must be valueString (an id) or valueInteger (an index)");
      }
      has_anchor = true;
    } else if (url == "before" || url == "after") {
      const Json* d = part.Find("valueDuration");
      std::optional<int64_t> ms = d == nullptr ? std::nullopt : DurationMs(*d);
      if (!ms)
        return Invalid(label, StrCat("window ", url, " must be a non-negative valueDuration"));
      (url == "before" ? out.before_ms : out.after_ms) = *ms;
    } else {
      return Invalid(label, StrCat("unknown window part '", url, "'"));
    }
  }
  if (!has_anchor) return Invalid(label, "window needs an anchor");
  return out;
}

absl::Status ParseExtensions(const Json& c, Parsed& p) {
  Criterion& cr = p.criterion;
  if (c.Find("modifierExtension") != nullptr)
    return Invalid(cr.label, "modifierExtension is not supported");
  const Json* exts = c.Find("extension");
  if (exts == nullptr) return absl::OkStatus();
  for (const Json& ext : exts->items()) {
    std::string_view url = Str(ext.Find("url"));
    if (url == kValueRangeUrl) {
      if (cr.kind != Kind::kObservation)
        return Invalid(cr.label, "a value range applies to observations only");
      VIGIL_ASSIGN_OR_RETURN(cr.value, ParseRange(ext.Find("valueRange"), cr.label));
    } else if (url == kWindowUrl) {
      if (cr.kind == Kind::kGender) return Invalid(cr.label, "gender takes no window");
      VIGIL_ASSIGN_OR_RETURN(p.window, ParseWindow(ext, cr.label));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Kind> ParseKind(const Json& c, std::string_view label) {
  const Json* code = c.Find("code");
  const Json* codings = code == nullptr ? nullptr : code->Find("coding");
  if (codings == nullptr || !codings->is_array() || codings->items().empty()) {
    return Invalid(label,
                   StrCat("code.coding[0] must name a criterion kind of ", kCriterionSystem));
  }
  const Json& first = codings->items()[0];
  if (Str(first.Find("system")) != kCriterionSystem) {
    return Invalid(label, StrCat("code.coding[0].system must be ", kCriterionSystem));
  }
  std::string_view kind = Str(first.Find("code"));
  for (const auto& [name, k] : kKinds) {
    if (name == kind) return k;
  }
  return Invalid(label, StrCat("unknown criterion kind '", kind, "'"));
}

absl::Status ParseValue(const Json& c, Criterion& cr) {
  if (cr.kind == Kind::kAge) {
    if (c.Find("valueCodeableConcept") != nullptr) return Invalid(cr.label, "age takes valueRange");
    VIGIL_ASSIGN_OR_RETURN(ValueRange r, ParseRange(c.Find("valueRange"), cr.label));
    if (!r.unit.empty() && r.unit != "a")
      return Invalid(cr.label, "age range unit must be 'a' (years)");
    cr.value = r;
    return absl::OkStatus();
  }
  if (c.Find("valueRange") != nullptr || c.Find("valueBoolean") != nullptr ||
      c.Find("valueQuantity") != nullptr || c.Find("valueReference") != nullptr) {
    return Invalid(cr.label, "this criterion takes valueCodeableConcept");
  }
  VIGIL_ASSIGN_OR_RETURN(cr.codes, ParseConcept(c.Find("valueCodeableConcept"), cr.label));
  if (cr.kind == Kind::kGender) {
    for (const Coding& g : cr.codes) {
      if (g.code != "male" && g.code != "female" && g.code != "other" && g.code != "unknown") {
        return Invalid(cr.label, StrCat("'", g.code, "' is not an administrative-gender code"));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Parsed> ParseOne(const Json& c, std::string label) {
  if (!c.is_object()) return Invalid(label, "a characteristic must be an object");
  Parsed p;
  Criterion& cr = p.criterion;
  cr.id = std::string(Str(c.Find("id")));
  cr.label = cr.id.empty() ? std::move(label) : StrCat(label, " (id '", cr.id, "')");
  VIGIL_ASSIGN_OR_RETURN(cr.kind, ParseKind(c, cr.label));
  VIGIL_RETURN_IF_ERROR(ParseValue(c, cr));
  if (const Json* ex = c.Find("exclude")) {
    if (!ex->is_bool()) return Invalid(cr.label, "exclude must be a boolean");
    cr.exclude = ex->bool_value();
  }
  if (const Json* period = c.Find("period")) {
    if (!IsClinical(cr.kind)) return Invalid(cr.label, "period applies to clinical criteria only");
    VIGIL_ASSIGN_OR_RETURN(cr.period, ParsePeriod(*period, cr.label));
  }
  VIGIL_RETURN_IF_ERROR(ParseExtensions(c, p));
  return p;
}

absl::StatusOr<size_t> ResolveAnchor(const std::vector<Parsed>& all, size_t self) {
  const Criterion& cr = all[self].criterion;
  const auto& ref = all[self].window->anchor;
  size_t found = all.size();
  if (const int64_t* index = std::get_if<int64_t>(&ref)) {
    if (*index >= 0 && static_cast<size_t>(*index) < all.size())
      found = static_cast<size_t>(*index);
  } else {
    for (size_t i = 0; i < all.size(); ++i) {
      if (all[i].criterion.id == std::get<std::string>(ref)) found = i;
    }
  }
  if (found == all.size()) return Invalid(cr.label, "window anchor names no characteristic");
  const Parsed& anchor = all[found];
  if (found == self) return Invalid(cr.label, "a characteristic cannot anchor its own window");
  if (!IsClinical(anchor.criterion.kind) || anchor.criterion.exclude || anchor.window) {
    return Invalid(cr.label,
                   StrCat("window anchor ", anchor.criterion.label,
                          " must be a clinical, non-excluded characteristic without a window"));
  }
  return found;
}

}  // namespace

std::string_view ResourceTypeOf(Kind kind) {
  switch (kind) {
    case Kind::kCondition: return "Condition";
    case Kind::kObservation: return "Observation";
    case Kind::kMedication: return "MedicationRequest";
    case Kind::kProcedure: return "Procedure";
    default: return "";
  }
}

bool IsClinical(Kind kind) { return !ResourceTypeOf(kind).empty(); }

std::optional<int64_t> DurationMs(const Json& duration) {
  constexpr std::array<std::pair<std::string_view, double>, 14> kUnits = {{
      {"s", 1e3},
      {"min", 6e4},
      {"h", 3.6e6},
      {"d", 8.64e7},
      {"wk", 6.048e8},
      {"mo", 8.64e7 * 365.25 / 12},
      {"a", 8.64e7 * 365.25},
      {"second", 1e3},
      {"minute", 6e4},
      {"hour", 3.6e6},
      {"day", 8.64e7},
      {"week", 6.048e8},
      {"month", 8.64e7 * 365.25 / 12},
      {"year", 8.64e7 * 365.25},
  }};
  std::optional<double> value = fhir::JsonDouble(duration.Find("value"));
  std::string_view unit = Str(duration.Find("code"));
  if (unit.empty()) unit = Str(duration.Find("unit"));
  if (unit.size() > 1 && unit.back() == 's' && unit != "s") unit.remove_suffix(1);  // "days"
  if (!value || *value < 0) return std::nullopt;
  for (const auto& [name, ms] : kUnits) {
    if (name == unit) return static_cast<int64_t>(std::llround(*value * ms));
  }
  return std::nullopt;
}

absl::StatusOr<Definition> ParseCharacteristics(const Json& list, std::string_view where) {
  std::vector<Parsed> parsed;
  if (list.is_object()) {
    VIGIL_ASSIGN_OR_RETURN(Parsed p, ParseOne(list, StrCat(where, "characteristic[0]")));
    parsed.push_back(std::move(p));
  } else if (list.is_array()) {
    for (size_t i = 0; i < list.items().size(); ++i) {
      VIGIL_ASSIGN_OR_RETURN(Parsed p,
                             ParseOne(list.items()[i], StrCat(where, "characteristic[", i, "]")));
      parsed.push_back(std::move(p));
    }
  } else {
    return HttpError(400, "invalid", StrCat(where, "characteristic must be an array or an object"));
  }
  Definition out;
  for (size_t i = 0; i < parsed.size(); ++i) {
    if (parsed[i].window) {
      VIGIL_ASSIGN_OR_RETURN(size_t anchor, ResolveAnchor(parsed, i));
      parsed[i].criterion.window =
          Window{anchor, parsed[i].window->before_ms, parsed[i].window->after_ms};
    }
  }
  for (Parsed& p : parsed) out.criteria.push_back(std::move(p.criterion));
  return out;
}

absl::StatusOr<Definition> ParseGroup(const Json& group) {
  if (!group.is_object() || Str(group.Find("resourceType")) != "Group") {
    return HttpError(400, "invalid", "the cohort must be a Group resource");
  }
  Definition out;
  if (const Json* list = group.Find("characteristic"); list != nullptr) {
    VIGIL_ASSIGN_OR_RETURN(out, ParseCharacteristics(*list, ""));
  }
  if (const Json* members = group.Find("member"); members != nullptr) {
    for (const Json& m : members->items()) {
      const Json* inactive = m.Find("inactive");
      if (inactive != nullptr && inactive->is_bool() && inactive->bool_value()) continue;
      const Json* entity = m.Find("entity");
      std::string_view ref = Str(entity == nullptr ? nullptr : entity->Find("reference"));
      if (ref.substr(0, 8) != "Patient/" || ref.size() == 8) {
        return HttpError(400, "invalid",
                         StrCat("Group.member entity '", ref, "' is not a Patient reference"));
      }
      out.members.emplace_back(ref.substr(8));
    }
  }
  if (out.criteria.empty() && out.members.empty()) {
    return HttpError(400, "invalid", "the Group has neither characteristics nor members");
  }
  return out;
}

}  // namespace vigil::cohort
