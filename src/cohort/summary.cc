#include "cohort/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "base/status.h"
#include "cohort/reads.h"

namespace vigil::cohort {
namespace {

using fhir::Json;

std::string_view Str(const Json* j) {
  return j != nullptr && j->is_string() ? std::string_view(j->text()) : std::string_view();
}

std::vector<std::string> IdsOf(const std::vector<PatientFacts>& members) {
  std::vector<std::string> ids;
  ids.reserve(members.size());
  for (const PatientFacts& p : members) ids.push_back(p.id);
  return ids;
}

Json AgeBands(const std::vector<PatientFacts>& members, int64_t now_ms) {
  constexpr std::array<std::pair<const char*, int>, 5> kBands = {
      {{"0-17", 17}, {"18-39", 39}, {"40-64", 64}, {"65-79", 79}, {"80+", 1 << 30}}};
  std::array<int64_t, 5> counts{};
  for (const PatientFacts& p : members) {
    std::optional<int> age = CurrentAge(p, now_ms);
    if (!age) continue;
    for (size_t b = 0; b < kBands.size(); ++b) {
      if (*age <= kBands[b].second) {
        ++counts[b];
        break;
      }
    }
  }
  Json out = Json::Array();
  for (size_t b = 0; b < kBands.size(); ++b) {
    Json band = Json::Object();
    band.Set("band", Json::String(kBands[b].first));
    band.Set("count", IntJson(counts[b]));
    out.Push(std::move(band));
  }
  return out;
}

Json SexCounts(const std::vector<PatientFacts>& members) {
  std::array<int64_t, 4> counts{};  // male, female, other, unknown
  for (const PatientFacts& p : members) {
    size_t i = p.gender == "male" ? 0 : p.gender == "female" ? 1 : p.gender == "other" ? 2 : 3;
    ++counts[i];
  }
  Json out = Json::Object();
  out.Set("male", IntJson(counts[0]));
  out.Set("female", IntJson(counts[1]));
  out.Set("other", IntJson(counts[2]));
  out.Set("unknown", IntJson(counts[3]));
  return out;
}

struct ConditionCount {
  std::string display;
  std::set<std::string> patients;
};

absl::StatusOr<Json> TopConditions(store::Reader& reader, const std::vector<std::string>& ids) {
  std::map<std::pair<std::string, std::string>, ConditionCount> by_code;
  VIGIL_RETURN_IF_ERROR(ForEachOfPatients(
      reader, "Condition", {}, ids, [&](const store::StoredResource&, const Json& r) {
        const Json* code = r.Find("code");
        const Json* codings = code == nullptr ? nullptr : code->Find("coding");
        if (codings == nullptr || codings->items().empty()) return absl::OkStatus();
        const Json& first = codings->items()[0];
        if (!Usable(Kind::kCondition, r)) return absl::OkStatus();
        ConditionCount& c =
            by_code[{std::string(Str(first.Find("system"))), std::string(Str(first.Find("code")))}];
        if (c.display.empty()) c.display = std::string(Str(first.Find("display")));
        c.patients.insert(PatientIdOf(r));
        return absl::OkStatus();
      }));
  std::vector<std::pair<const std::pair<std::string, std::string>*, const ConditionCount*>> ranked;
  for (const auto& [key, c] : by_code) ranked.emplace_back(&key, &c);
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second->patients.size() > b.second->patients.size();
  });
  Json out = Json::Array();
  for (size_t i = 0; i < ranked.size() && i < kTopConditions; ++i) {
    Json c = Json::Object();
    c.Set("system", Json::String(ranked[i].first->first));
    c.Set("code", Json::String(ranked[i].first->second));
    c.Set("display", Json::String(ranked[i].second->display));
    c.Set("count", IntJson(static_cast<int64_t>(ranked[i].second->patients.size())));
    out.Push(std::move(c));
  }
  return out;
}

}  // namespace

Json NumberJson(double v) {
  if (!std::isfinite(v)) return Json();
  return Json::Number(fmt::format("{}", v));
}

Json IntJson(int64_t v) { return Json::Number(std::to_string(v)); }

Json IntervalJson(const std::optional<Interval>& ci) {
  if (!ci) return Json();
  Json out = Json::Array();
  out.Push(NumberJson(ci->low));
  out.Push(NumberJson(ci->high));
  return out;
}

absl::StatusOr<MeasureValues> LatestValues(store::Reader& reader, const Coding& code,
                                           const std::vector<std::string>& member_ids) {
  Criterion observation;
  observation.kind = Kind::kObservation;
  observation.codes = {code};
  // Per patient: (time, value); the latest wins.
  std::map<std::string, std::pair<int64_t, Quantity>> latest;
  VIGIL_RETURN_IF_ERROR(
      ForEachOfPatients(reader, "Observation", {CodeClause("code", observation.codes)}, member_ids,
                        [&](const store::StoredResource&, const Json& r) {
                          std::optional<Quantity> q = ObservationQuantity(r);
                          if (!q || !ResourceMatches(observation, r)) return absl::OkStatus();
                          int64_t t = ClinicalTimeMs(Kind::kObservation, r).value_or(INT64_MIN);
                          auto [it, inserted] = latest.try_emplace(PatientIdOf(r), t, *q);
                          if (!inserted && t >= it->second.first) it->second = {t, *q};
                          return absl::OkStatus();
                        }));
  std::map<std::string, size_t> units;
  for (const auto& [id, v] : latest) ++units[v.second.unit];
  MeasureValues out;
  size_t best = 0;
  for (const auto& [unit, n] : units) {
    if (n > best) out.unit = unit, best = n;
  }
  for (const auto& [id, v] : latest) {
    if (v.second.unit == out.unit) out.values.push_back(v.second.value);
  }
  return out;
}

Json MeasureJson(std::string_view code, const MeasureValues& m) {
  std::optional<Sample> s = Summarize(m.values);
  Json out = Json::Object();
  out.Set("code", Json::String(std::string(code)));
  out.Set("unit", Json::String(m.unit));
  out.Set("n", IntJson(static_cast<int64_t>(m.values.size())));
  out.Set("mean", s ? NumberJson(s->mean) : Json());
  out.Set("median", s ? NumberJson(s->median) : Json());
  out.Set("ci95", IntervalJson(s ? MeanInterval(*s) : std::nullopt));
  return out;
}

absl::StatusOr<Json> DescribeCohort(store::Reader& reader, const std::vector<PatientFacts>& members,
                                    int64_t now_ms) {
  Json out = Json::Object();
  out.Set("count", IntJson(static_cast<int64_t>(members.size())));
  Json list = Json::Array();
  for (size_t i = 0; i < members.size() && i < kMaxListedMembers; ++i) {
    list.Push(Json::String("Patient/" + members[i].id));
  }
  out.Set("members", std::move(list));
  out.Set("truncated", Json::Bool(members.size() > kMaxListedMembers));
  out.Set("age", AgeBands(members, now_ms));
  out.Set("sex", SexCounts(members));
  VIGIL_ASSIGN_OR_RETURN(Json top, TopConditions(reader, IdsOf(members)));
  out.Set("topConditions", std::move(top));
  return out;
}

}  // namespace vigil::cohort
