#include "dashboard/observation_codes.h"

#include <algorithm>
#include <climits>
#include <optional>
#include <tuple>
#include <vector>

#include "ai/signals.h"
#include "ai/timeline.h"
#include "base/time.h"
#include "dashboard/json_util.h"

namespace vigil::dashboard {
namespace {

using fhir::Json;

constexpr std::string_view kLoinc = "http://loinc.org";

std::string_view CategoryKind(const Json& obs) {
  const Json* categories = obs.Find("category");
  if (categories == nullptr) return "";
  for (const Json& c : categories->items()) {
    if (HasCoding(&c, "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs")) return "vital";
    if (HasCoding(&c, "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")) return "lab";
  }
  return "";
}

int KindRank(std::string_view kind) { return kind == "vital" ? 0 : kind == "lab" ? 1 : 2; }

// The signal table's order for its codes; after them everything else.
int SignalRank(const std::string& system, const std::string& code) {
  if (system != kLoinc) return ai::kSignalCount;
  std::optional<ai::Signal> s = ai::SignalByLoinc(code);
  return s ? static_cast<int>(*s) : ai::kSignalCount;
}

}  // namespace

void ObservationCodes::Add(const Json& obs) {
  std::string_view status = TextAt(obs, "status");
  if (status == "entered-in-error" || status == "cancelled") return;
  std::optional<int64_t> time = ai::ObservationTimeMs(obs);
  std::string_view category = CategoryKind(obs);
  AddValue(obs, category, time);
  if (const Json* components = obs.Find("component")) {
    for (const Json& c : components->items()) AddValue(c, category, time);
  }
}

void ObservationCodes::AddValue(const Json& holder, std::string_view category_kind, std::optional<int64_t> time) {
  const Json* q = holder.Find("valueQuantity");
  std::optional<double> value = NumberOf(q == nullptr ? nullptr : q->Find("value"));
  std::optional<Code> code = FirstCoding(holder.Find("code"));
  if (!value || !code) return;
  Entry& e = entries_[{code->system, code->code}];
  if (e.count == 0) {
    std::optional<ai::Signal> signal = code->system == kLoinc ? ai::SignalByLoinc(code->code) : std::nullopt;
    e.kind = signal ? (ai::Info(*signal).kind == ai::SignalKind::kVital ? "vital" : "lab")
                    : (category_kind.empty() ? "other" : std::string(category_kind));
    e.display = signal ? std::string(ai::Info(*signal).display) : code->display;
    if (e.display.empty()) e.display = ConceptLabel(holder.Find("code"));
  }
  ++e.count;
  const int64_t t = time.value_or(INT64_MIN);
  if (t >= e.latest_ms) {
    e.latest_ms = t;
    e.latest_value = *value;
    std::string_view unit = TextAt(*q, "code");
    e.unit = std::string(unit.empty() ? TextAt(*q, "unit") : unit);
  }
}

Json ObservationCodes::ToJson() const {
  using Item = std::pair<const std::pair<std::string, std::string>*, const Entry*>;
  std::vector<Item> items;
  for (const auto& [key, entry] : entries_) items.emplace_back(&key, &entry);
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    auto rank = [](const Item& i) {
      return std::make_tuple(KindRank(i.second->kind), SignalRank(i.first->first, i.first->second),
                             i.second->display, i.first->second);
    };
    return rank(a) < rank(b);
  });
  Json out = Json::Array();
  for (const auto& [key, e] : items) {
    Json j = Json::Object();
    j.Set("system", Str(key->first));
    j.Set("code", Str(key->second));
    j.Set("display", Str(e->display));
    j.Set("unit", Str(e->unit));
    j.Set("kind", Str(e->kind));
    j.Set("count", Int(e->count));
    Json latest = Json::Object();
    latest.Set("time", InstantOrNull(e->latest_ms == INT64_MIN ? std::nullopt : std::optional<int64_t>(e->latest_ms)));
    latest.Set("value", Num(e->latest_value));
    j.Set("latest", std::move(latest));
    out.Push(std::move(j));
  }
  return out;
}

}  // namespace vigil::dashboard
