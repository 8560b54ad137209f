#include "dashboard/trends.h"

#include <algorithm>
#include <map>
#include <set>
#include <optional>
#include <string>

#include "ai/signals.h"
#include "ai/timeline.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "dashboard/json_util.h"
#include "dashboard/store_reads.h"

namespace vigil::dashboard {
namespace {

using fhir::Json;

constexpr std::string_view kLoinc = "http://loinc.org";

struct Point {
  int64_t time_ms;
  double value;
  std::string id;
};

struct Range {
  std::optional<double> low, high;
  std::string text;
  int64_t time_ms = 0;
  std::string id;
};

// Converts values into one unit: the signal's canonical unit, or the first unit seen.
class UnitPolicy {
 public:
  UnitPolicy(std::string_view system, std::string_view code) {
    if (system.empty() || system == kLoinc) signal_ = ai::SignalByLoinc(code);
    if (signal_) unit_ = std::string(ai::Info(*signal_).ucum);
  }
  // nullopt: a unit this series cannot show (skip_reason says why).
  std::optional<double> Convert(double value, std::string_view unit, std::string_view* skip_reason) {
    if (signal_) {
      std::optional<double> v = ai::ToCanonicalUnit(*signal_, value, unit);
      if (!v) *skip_reason = "unit not convertible";
      return v;
    }
    if (!unit_) unit_ = std::string(unit);
    if (*unit_ == unit) return value;
    *skip_reason = "other unit";
    return std::nullopt;
  }
  bool canonical() const { return signal_.has_value(); }
  const std::optional<ai::Signal>& signal() const { return signal_; }
  std::string unit() const { return unit_.value_or(""); }

 private:
  std::optional<ai::Signal> signal_;
  std::optional<std::string> unit_;
};

bool Matches(const Json* codeable, std::string_view system, std::string_view code) {
  const Json* codings = codeable == nullptr ? nullptr : codeable->Find("coding");
  if (codings == nullptr) return false;
  for (const Json& c : codings->items()) {
    if (TextAt(c, "code") == code && (system.empty() || TextAt(c, "system") == system)) return true;
  }
  return false;
}

// The element holding the value: the Observation itself, or its matching component.
const Json* ValueHolder(const Json& obs, std::string_view system, std::string_view code) {
  if (Matches(obs.Find("code"), system, code)) return &obs;
  if (const Json* components = obs.Find("component")) {
    for (const Json& c : components->items()) {
      if (Matches(c.Find("code"), system, code)) return &c;
    }
  }
  return nullptr;
}

std::string_view UnitOf(const Json& quantity) {
  std::string_view unit = TextAt(quantity, "code");
  return unit.empty() ? TextAt(quantity, "unit") : unit;
}

std::optional<double> QuantityIn(const Json* q, UnitPolicy& units) {
  std::optional<double> v = NumberOf(q == nullptr ? nullptr : q->Find("value"));
  if (!v) return std::nullopt;
  std::string_view ignored;
  return units.Convert(*v, UnitOf(*q), &ignored);
}

std::optional<Range> RangeOf(const Json& holder, UnitPolicy& units) {
  const Json* ranges = holder.Find("referenceRange");
  if (ranges == nullptr || ranges->items().empty()) return std::nullopt;
  const Json& r = ranges->items().front();
  Range out;
  out.low = QuantityIn(r.Find("low"), units);
  out.high = QuantityIn(r.Find("high"), units);
  out.text = std::string(TextAt(r, "text"));
  if (!out.low && !out.high) return std::nullopt;
  return out;
}

Json RangeJson(const std::optional<Range>& range) {
  if (!range) return Json();
  Json r = Json::Object();
  r.Set("low", range->low ? Num(*range->low) : Json());
  r.Set("high", range->high ? Num(*range->high) : Json());
  if (!range->text.empty()) r.Set("text", Str(range->text));
  r.Set("source", Str(StrCat("Observation/", range->id)));
  return r;
}

std::string DisplayOf(const UnitPolicy& units, std::string_view system, std::string_view code,
                      const std::vector<Json>& observations) {
  if (units.signal()) return std::string(ai::Info(*units.signal()).display);
  for (const Json& obs : observations) {
    const Json* holder = ValueHolder(obs, system, code);
    const Json* codeable = holder == nullptr ? nullptr : holder->Find("code");
    const Json* codings = codeable == nullptr ? nullptr : codeable->Find("coding");
    if (codings == nullptr) continue;
    for (const Json& c : codings->items()) {
      if (TextAt(c, "code") == code && !TextAt(c, "display").empty()) return std::string(TextAt(c, "display"));
    }
  }
  return "";
}

// Splits "system|code" (or a bare code) from the request. Errors: 400.
absl::Status SplitCode(std::string_view param, std::string* system, std::string* code) {
  size_t bar = param.find('|');
  *system = bar == std::string_view::npos ? "" : std::string(param.substr(0, bar));
  *code = std::string(bar == std::string_view::npos ? param : param.substr(bar + 1));
  if (code->empty() || code->find('|') != std::string::npos || code->find(',') != std::string::npos) {
    return HttpError(400, "invalid", "code must be one SYSTEM|CODE (e.g. http://loinc.org|8867-4)");
  }
  return absl::OkStatus();
}

}  // namespace

Json BuildTrend(std::string_view patient_id, std::string_view system, std::string_view code,
                const std::vector<Json>& observations) {
  UnitPolicy units(system, code);
  std::vector<Point> points;
  std::optional<Range> range;
  std::map<std::string, int64_t> skipped;
  for (const Json& obs : observations) {
    std::string_view status = TextAt(obs, "status");
    const Json* holder = ValueHolder(obs, system, code);
    if (status == "entered-in-error" || status == "cancelled") {
      ++skipped[StrCat("status ", status)];
      continue;
    }
    if (holder == nullptr) continue;  // another code (the search matched something else)
    std::optional<int64_t> time = ai::ObservationTimeMs(obs);
    const Json* q = holder->Find("valueQuantity");
    std::optional<double> raw = NumberOf(q == nullptr ? nullptr : q->Find("value"));
    if (!time || !raw) {
      ++skipped[!time ? "no time" : "no numeric value"];
      continue;
    }
    std::string_view reason;
    std::optional<double> value = units.Convert(*raw, UnitOf(*q), &reason);
    if (!value) {
      ++skipped[std::string(reason)];
      continue;
    }
    const std::string id(TextAt(obs, "id"));
    points.push_back(Point{*time, *value, id});
    if (std::optional<Range> r = RangeOf(*holder, units); r && (!range || *time >= range->time_ms)) {
      r->time_ms = *time;
      r->id = id;
      range = std::move(r);
    }
  }
  std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) {
    return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : a.id < b.id;
  });
  Json out = Json::Object();
  out.Set("patient", Str(StrCat("Patient/", patient_id)));
  out.Set("code", CodeJson(Code{std::string(system), std::string(code), DisplayOf(units, system, code, observations)}));
  out.Set("unit", Str(units.unit()));
  out.Set("canonical", Json::Bool(units.canonical()));
  out.Set("referenceRange", RangeJson(range));
  Json series = Json::Array();
  for (const Point& p : points) {
    Json point = Json::Object();
    point.Set("time", Str(FormatInstant(p.time_ms)));
    point.Set("value", Num(p.value));
    point.Set("observation", Str(StrCat("Observation/", p.id)));
    series.Push(std::move(point));
  }
  out.Set("points", std::move(series));
  Json skips = Json::Object();
  for (const auto& [reason, n] : skipped) skips.Set(reason, Int(n));
  out.Set("skipped", std::move(skips));
  out.Set("truncated", Json::Bool(false));
  return out;
}

absl::StatusOr<Json> PatientTrend(store::Reader& reader, const search::Registry& registry,
                                  std::string_view patient_id, std::string_view code_param) {
  std::string system, code;
  VIGIL_RETURN_IF_ERROR(SplitCode(code_param, &system, &code));
  const std::string token = system.empty() ? code : StrCat(system, "|", code);
  const std::string patient = StrCat("Patient/", patient_id);
  std::vector<Json> observations;
  bool truncated = false;
  std::set<std::string> seen;
  for (const char* param : {"code", "component-code"}) {
    VIGIL_ASSIGN_OR_RETURN(std::vector<Json> found,
                           SearchAll(reader, registry, "Observation",
                                     {{"patient", patient}, {param, token}, {"_sort", "date"}}, kMaxTrendPoints + 1));
    if (found.size() > kMaxTrendPoints) {
      truncated = true;
      found.resize(kMaxTrendPoints);
    }
    for (Json& obs : found) {
      if (seen.insert(std::string(TextAt(obs, "id"))).second) observations.push_back(std::move(obs));
    }
  }
  Json out = BuildTrend(patient_id, system, code, observations);
  out.Set("truncated", Json::Bool(truncated));
  return out;
}

}  // namespace vigil::dashboard
