#include "ai/timeline.h"

#include <algorithm>
#include <charconv>

#include "base/calendar.h"
#include "base/time.h"
#include "fhir/json_number.h"

namespace vigil::ai {
namespace {

using fhir::Json;

std::string_view Str(const Json* j) {
  return j != nullptr && j->is_string() ? std::string_view(j->text()) : std::string_view();
}

}  // namespace

std::string_view ReferenceTargetId(const Json* ref, std::string_view type) {
  std::string_view r = Str(ref == nullptr ? nullptr : ref->Find("reference"));
  if (size_t h = r.find("/_history/"); h != std::string_view::npos) r = r.substr(0, h);
  size_t slash = r.rfind('/');
  if (slash == std::string_view::npos) return {};
  std::string_view id = r.substr(slash + 1);
  std::string_view head = r.substr(0, slash);
  if (head.size() < type.size() || head.substr(head.size() - type.size()) != type) return {};
  if (head.size() > type.size() && head[head.size() - type.size() - 1] != '/') return {};
  return id;
}

std::optional<Signal> ObservationSignal(const Json& observation) {
  const Json* code = observation.Find("code");
  const Json* codings = code == nullptr ? nullptr : code->Find("coding");
  if (codings == nullptr) return std::nullopt;
  for (const Json& c : codings->items()) {
    if (Str(c.Find("system")) != "http://loinc.org") continue;
    if (auto s = SignalByLoinc(Str(c.Find("code")))) return s;
  }
  return std::nullopt;
}

std::optional<int64_t> ObservationTimeMs(const Json& r) {
  if (auto t = ParseFhirDateTimeMs(Str(r.Find("effectiveDateTime")))) return t;
  if (const Json* p = r.Find("effectivePeriod")) {
    if (auto t = ParseFhirDateTimeMs(Str(p->Find("start")))) return t;
  }
  if (auto t = ParseFhirDateTimeMs(Str(r.Find("effectiveInstant")))) return t;
  return ParseFhirDateTimeMs(Str(r.Find("issued")));
}

namespace {

bool UsableStatus(std::string_view status) {
  return status == "final" || status == "amended" || status == "corrected" ||
         status == "preliminary";
}

}  // namespace

std::optional<double> ToCanonicalUnit(Signal s, double value, std::string_view ucum) {
  const SignalInfo& info = Info(s);
  if (ucum == info.ucum) return value;
  switch (s) {
    case Signal::kTemperature:
      if (ucum == "[degF]") return (value - 32.0) * 5.0 / 9.0;
      break;
    case Signal::kFiO2:
      if (ucum == "1" || ucum == "{fraction}") return value * 100.0;
      break;
    case Signal::kSpO2:
      if (ucum == "1") return value * 100.0;
      break;
    case Signal::kGlucose:
      if (ucum == "mmol/L") return value * 18.016;
      break;
    case Signal::kCreatinine:
      if (ucum == "umol/L") return value / 88.42;
      break;
    case Signal::kLactate:
      if (ucum == "mg/dL") return value / 9.008;
      break;
    case Signal::kHeartRate:
    case Signal::kRespiratoryRate:
      if (ucum == "{beats}/min" || ucum == "{breaths}/min") return value;
      break;
    case Signal::kWbc:
    case Signal::kPlatelets:
      if (ucum == "10*9/L") return value;
      break;
    default:
      break;
  }
  return std::nullopt;
}

int64_t Stay::LastMeasurementMs() const {
  int64_t last = admit_ms;
  for (const auto& s : series) {
    if (!s.empty()) last = std::max(last, s.back().time_ms);
  }
  return last;
}

bool Stay::InIcu(int64_t at_ms) const {
  for (const auto& [start, end] : icu_periods) {
    if (at_ms >= start && at_ms < end) return true;
  }
  return false;
}

void TimelineBuilder::Add(const Json& resource) {
  std::string_view type = Str(resource.Find("resourceType"));
  if (type == "Observation") {
    AddObservation(resource);
  } else if (type == "Encounter") {
    AddEncounter(resource);
  } else if (type == "Patient") {
    AddPatient(resource);
  }
}

void TimelineBuilder::AddPatient(const Json& r) {
  PatientFacts& facts = patients_[std::string(Str(r.Find("id")))];
  std::string_view gender = Str(r.Find("gender"));
  if (gender == "male") facts.male = true;
  if (gender == "female") facts.male = false;
  facts.birth_ms = ParseFhirDateTimeMs(Str(r.Find("birthDate")));
}

void TimelineBuilder::AddEncounter(const Json& r) {
  const Json* period = r.Find("period");
  auto start = ParseFhirDateTimeMs(Str(period == nullptr ? nullptr : period->Find("start")));
  std::string_view patient = ReferenceTargetId(r.Find("subject"), "Patient");
  if (!start || patient.empty()) {
    Skip("encounter without subject or period.start");
    return;
  }
  Stay stay;
  stay.patient_id = std::string(patient);
  stay.encounter_id = std::string(Str(r.Find("id")));
  stay.admit_ms = *start;
  stay.discharge_ms = ParseFhirDateTimeMs(Str(period->Find("end"))).value_or(kOpenEnd);
  if (const Json* locations = r.Find("location")) {
    for (const Json& loc : locations->items()) {
      const Json* where = loc.Find("location");
      if (Str(where == nullptr ? nullptr : where->Find("display")) != "ICU") continue;
      const Json* p = loc.Find("period");
      auto from = ParseFhirDateTimeMs(Str(p == nullptr ? nullptr : p->Find("start")));
      auto to = ParseFhirDateTimeMs(Str(p == nullptr ? nullptr : p->Find("end")));
      stay.icu_periods.emplace_back(from.value_or(stay.admit_ms), to.value_or(kOpenEnd));
    }
  }
  stays_.push_back(std::move(stay));
}

void TimelineBuilder::AddObservation(const Json& r) {
  if (!UsableStatus(Str(r.Find("status")))) return Skip("status not final");
  std::optional<Signal> signal = ObservationSignal(r);
  if (!signal) return Skip("code not a known signal");
  std::string_view patient = ReferenceTargetId(r.Find("subject"), "Patient");
  if (patient.empty()) return Skip("no Patient subject");
  std::optional<int64_t> time = ObservationTimeMs(r);
  if (!time) return Skip("no effective time");
  const Json* q = r.Find("valueQuantity");
  std::optional<double> raw = fhir::JsonDouble(q == nullptr ? nullptr : q->Find("value"));
  if (!raw) return Skip("no valueQuantity.value");
  std::string_view unit = Str(q->Find("code"));
  if (unit.empty()) unit = Str(q->Find("unit"));
  std::optional<double> value = ToCanonicalUnit(*signal, *raw, unit);
  if (!value) return Skip("unit not convertible");
  const SignalInfo& info = Info(*signal);
  if (*value < info.min_plausible || *value > info.max_plausible) {
    return Skip("implausible value (charting error)");
  }
  observations_.push_back(PendingObservation{std::string(patient),
                                             std::string(ReferenceTargetId(r.Find("encounter"), "Encounter")),
                                             *signal, Measurement{*time, static_cast<float>(*value)}});
}

std::vector<Stay> TimelineBuilder::Finish() {
  std::sort(stays_.begin(), stays_.end(), [](const Stay& a, const Stay& b) {
    return a.admit_ms != b.admit_ms ? a.admit_ms < b.admit_ms : a.encounter_id < b.encounter_id;
  });
  std::unordered_map<std::string_view, size_t> by_encounter;
  std::unordered_map<std::string_view, std::vector<size_t>> by_patient;
  for (size_t i = 0; i < stays_.size(); ++i) {
    Stay& stay = stays_[i];
    by_encounter.emplace(stay.encounter_id, i);
    by_patient[stay.patient_id].push_back(i);
    auto p = patients_.find(stay.patient_id);
    if (p == patients_.end()) continue;
    stay.male = p->second.male;
    if (p->second.birth_ms) {
      stay.age_years = static_cast<double>(stay.admit_ms - *p->second.birth_ms) / (365.2425 * kMsPerDay);
    }
  }
  auto find_stay = [&](const PendingObservation& o) -> Stay* {
    if (!o.encounter_id.empty()) {
      auto it = by_encounter.find(o.encounter_id);
      return it == by_encounter.end() || stays_[it->second].patient_id != o.patient_id
                 ? nullptr
                 : &stays_[it->second];
    }
    auto it = by_patient.find(o.patient_id);
    if (it == by_patient.end()) return nullptr;
    for (size_t i : it->second) {
      if (o.m.time_ms >= stays_[i].admit_ms && o.m.time_ms <= stays_[i].discharge_ms) return &stays_[i];
    }
    return nullptr;
  };
  for (const PendingObservation& o : observations_) {
    Stay* stay = find_stay(o);
    if (stay == nullptr) {
      Skip("no matching Encounter");
      continue;
    }
    stay->series[static_cast<int>(o.signal)].push_back(o.m);
    ++stats_.observations_used;
  }
  observations_.clear();
  for (Stay& stay : stays_) {
    for (auto& s : stay.series) std::stable_sort(s.begin(), s.end());
  }
  return std::move(stays_);
}

}  // namespace vigil::ai
