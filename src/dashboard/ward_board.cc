#include "dashboard/ward_board.h"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ai/timeline.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "dashboard/json_util.h"
#include "dashboard/patient_summary.h"
#include "dashboard/risk_history.h"
#include "dashboard/store_reads.h"

namespace vigil::dashboard {
namespace {

using fhir::Json;

// Model readings in a row's risk trend (of the stay's newest RiskAssessments).
constexpr size_t kTrendPoints = 12;

struct Row {
  Json json;
  std::optional<double> probability;
  std::optional<int64_t> news2;
  int64_t last_ms = 0;
  std::string encounter_id;
};

Json Columns() {
  Json out = Json::Array();
  for (ai::Signal s : kWardVitals) {
    const ai::SignalInfo& info = ai::Info(s);
    Json c = Json::Object();
    c.Set("name", Str(info.name));
    c.Set("code", Str(StrCat("http://loinc.org|", info.loinc)));
    c.Set("display", Str(info.display));
    c.Set("unit", Str(info.ucum));
    out.Push(std::move(c));
  }
  return out;
}

// The latest value of signal s in the stay, in canonical units, or null.
absl::StatusOr<Json> LatestVital(store::Reader& reader, const search::Registry& registry,
                                 const std::string& encounter, ai::Signal s) {
  const ai::SignalInfo& info = ai::Info(s);
  VIGIL_ASSIGN_OR_RETURN(std::optional<Json> obs,
                         SearchFirst(reader, registry, "Observation",
                                     {{"encounter", encounter},
                                      {"code", StrCat("http://loinc.org|", info.loinc)},
                                      {"_sort", "-date"}}));
  if (!obs) return Json();
  const Json* q = obs->Find("valueQuantity");
  std::optional<double> raw = NumberOf(q == nullptr ? nullptr : q->Find("value"));
  std::string_view unit = q == nullptr ? "" : TextAt(*q, "code");
  if (q != nullptr && unit.empty()) unit = TextAt(*q, "unit");
  std::optional<double> value = raw ? ai::ToCanonicalUnit(s, *raw, unit) : std::nullopt;
  if (!value) return Json();
  Json v = Json::Object();
  v.Set("value", Num(*value));
  v.Set("time", InstantOrNull(ai::ObservationTimeMs(*obs)));
  return v;
}

// The stay's latest NEWS2 and model readings, as JSON; fills the sort keys of row.
absl::Status AddScores(store::Reader& reader, const search::Registry& registry, const std::string& encounter,
                       Row& row) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> recent,
                         SearchAll(reader, registry, "RiskAssessment", {{"encounter", encounter}, {"_sort", "-date"}},
                                   2 * kTrendPoints));
  Json news2, risk;
  std::vector<Json> trend;  // the model's readings, newest first
  for (const Json& ra : recent) {
    std::optional<ScoreReading> s = ReadScore(ra);
    if (!s) continue;
    if (s->model && s->probability && (trend.empty() || s->model_name == TextAt(risk, "model"))) {
      Json point = Json::Object();
      point.Set("time", InstantOrNull(s->time_ms));
      point.Set("probability", Num(*s->probability));
      trend.push_back(std::move(point));
    }
    if (!s->model && news2.is_null()) {
      news2 = Json::Object();
      news2.Set("score", s->score ? Int(*s->score) : Json());
      news2.Set("band", Str(s->band));
      news2.Set("time", InstantOrNull(s->time_ms));
      row.news2 = s->score;
    } else if (s->model && risk.is_null()) {
      risk = Json::Object();
      risk.Set("probability", s->probability ? Num(*s->probability) : Json());
      risk.Set("risk", Str(s->band));
      risk.Set("threshold", s->threshold ? Num(*s->threshold) : Json());
      risk.Set("model", Str(s->model_name));
      risk.Set("time", InstantOrNull(s->time_ms));
      row.probability = s->probability;
    }
  }
  if (!risk.is_null()) {
    Json points = Json::Array();
    for (auto it = trend.rbegin(); it != trend.rend(); ++it) points.Push(std::move(*it));
    risk.Set("trend", std::move(points));
  }
  row.json.Set("news2", std::move(news2));
  row.json.Set("risk", std::move(risk));
  return absl::OkStatus();
}

absl::Status AddAlert(store::Reader& reader, const search::Registry& registry, const std::string& encounter,
                      Row& row) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> flags, SearchAll(reader, registry, "Flag", {{"encounter", encounter}}, 100));
  Json alert;
  for (const Json& f : flags) {
    if (IsActiveAlert(f)) alert = AlertJson(f);
  }
  row.json.Set("alert", std::move(alert));
  return absl::OkStatus();
}

absl::Status AddPatient(store::Reader& reader, const Json& encounter, int64_t now_ms, Row& row) {
  const std::string patient_id(ai::ReferenceTargetId(encounter.Find("subject"), "Patient"));
  row.json.Set("patient", Str(patient_id));
  std::optional<Json> patient;
  if (!patient_id.empty()) {
    VIGIL_ASSIGN_OR_RETURN(patient, ReadCurrent(reader, "Patient", patient_id));
  }
  row.json.Set("name", Str(patient ? PersonName(*patient) : ""));
  row.json.Set("gender", Str(patient ? TextAt(*patient, "gender") : ""));
  std::optional<int> age = patient ? AgeInYears(TextAt(*patient, "birthDate"), now_ms) : std::nullopt;
  row.json.Set("age", age ? Int(*age) : Json());
  return absl::OkStatus();
}

std::string CurrentLocation(const Json& encounter) {
  const Json* locations = encounter.Find("location");
  if (locations == nullptr || locations->items().empty()) return "";
  const Json* where = locations->items().back().Find("location");
  return where == nullptr ? "" : std::string(TextAt(*where, "display"));
}

absl::StatusOr<Row> BuildRow(store::Reader& reader, const search::Registry& registry, const Json& encounter,
                             int64_t now_ms) {
  Row row;
  row.encounter_id = std::string(TextAt(encounter, "id"));
  const std::string ref = StrCat("Encounter/", row.encounter_id);
  row.json = Json::Object();
  row.json.Set("encounter", Str(row.encounter_id));
  VIGIL_RETURN_IF_ERROR(AddPatient(reader, encounter, now_ms, row));
  const Json* period = encounter.Find("period");
  row.json.Set("admitted", InstantOrNull(ParseFhirDateTimeMs(period == nullptr ? "" : TextAt(*period, "start"))));
  row.json.Set("location", Str(CurrentLocation(encounter)));
  Json vitals = Json::Object();
  for (ai::Signal s : kWardVitals) {
    VIGIL_ASSIGN_OR_RETURN(Json v, LatestVital(reader, registry, ref, s));
    vitals.Set(std::string(ai::Info(s).name), std::move(v));
  }
  row.json.Set("vitals", std::move(vitals));
  VIGIL_ASSIGN_OR_RETURN(std::optional<Json> last,
                         SearchFirst(reader, registry, "Observation", {{"encounter", ref}, {"_sort", "-date"}}));
  std::optional<int64_t> last_ms = last ? ai::ObservationTimeMs(*last) : std::nullopt;
  row.last_ms = last_ms.value_or(0);
  row.json.Set("lastMeasured", InstantOrNull(last_ms));
  VIGIL_RETURN_IF_ERROR(AddScores(reader, registry, ref, row));
  VIGIL_RETURN_IF_ERROR(AddAlert(reader, registry, ref, row));
  return row;
}

bool RiskOrder(const Row& a, const Row& b) {
  // Present before absent, then higher first: a key of (has, value) compared descending.
  auto key = [](const Row& r) {
    return std::make_tuple(r.probability.has_value(), r.probability.value_or(0), r.news2.has_value(),
                           r.news2.value_or(0), r.last_ms);
  };
  if (key(a) != key(b)) return key(a) > key(b);
  return a.encounter_id < b.encounter_id;
}

}  // namespace

absl::StatusOr<Json> WardBoard(store::Reader& reader, const search::Registry& registry, int64_t now_ms) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> encounters,
                         SearchAll(reader, registry, "Encounter", {{"status", "in-progress"}}, kMaxWardRows + 1));
  const bool truncated = encounters.size() > kMaxWardRows;
  if (truncated) encounters.resize(kMaxWardRows);
  std::vector<Row> rows;
  for (const Json& e : encounters) {
    VIGIL_ASSIGN_OR_RETURN(Row row, BuildRow(reader, registry, e, now_ms));
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), RiskOrder);
  Json out = Json::Object();
  out.Set("generatedAt", Str(FormatInstant(now_ms)));
  out.Set("vitals", Columns());
  Json list = Json::Array();
  for (Row& r : rows) list.Push(std::move(r.json));
  out.Set("rows", std::move(list));
  out.Set("truncated", Json::Bool(truncated));
  return out;
}

}  // namespace vigil::dashboard
