#include "cohort/facts.h"

#include <charconv>

#include "base/calendar.h"
#include "fhir/json_number.h"
#include "search/values.h"

namespace vigil::cohort {
namespace {

using fhir::Json;

std::string_view Str(const Json* j) {
  return j != nullptr && j->is_string() ? std::string_view(j->text()) : std::string_view();
}

std::optional<int64_t> TimeOf(const Json* j) {
  std::optional<search::TimeRange> r = search::ParseDateRange(Str(j));
  if (!r) return std::nullopt;
  return r->low;
}

// x[dateTime], else x[Period].start.
std::optional<int64_t> ChoiceTime(const Json& r, std::string_view prefix) {
  std::string name(prefix);
  if (auto t = TimeOf(r.Find(name + "DateTime"))) return t;
  if (const Json* p = r.Find(name + "Period")) return TimeOf(p->Find("start"));
  return std::nullopt;
}

const Json* ConceptOf(Kind kind, const Json& r) {
  return r.Find(kind == Kind::kMedication ? "medicationCodeableConcept" : "code");
}

}  // namespace

bool Usable(Kind kind, const Json& r) {
  std::string_view status = Str(r.Find("status"));
  switch (kind) {
    case Kind::kCondition: {
      const Json* v = r.Find("verificationStatus");
      const Json* codings = v == nullptr ? nullptr : v->Find("coding");
      if (codings == nullptr) return true;
      for (const Json& c : codings->items()) {
        std::string_view code = Str(c.Find("code"));
        if (code == "entered-in-error" || code == "refuted") return false;
      }
      return true;
    }
    case Kind::kObservation: return status != "entered-in-error" && status != "cancelled";
    case Kind::kMedication: return status != "entered-in-error";
    case Kind::kProcedure: return status != "entered-in-error" && status != "not-done";
    default: return true;
  }
}

std::string PatientIdOf(const Json& resource) {
  for (const char* field : {"subject", "patient"}) {
    const Json* ref = resource.Find(field);
    std::string_view text = Str(ref == nullptr ? nullptr : ref->Find("reference"));
    std::optional<search::ParsedReference> parsed = search::ParseReferenceText(text);
    if (parsed && parsed->type == "Patient") return parsed->id;
  }
  return "";
}

std::optional<int64_t> ClinicalTimeMs(Kind kind, const Json& r) {
  switch (kind) {
    case Kind::kCondition:
      if (auto t = ChoiceTime(r, "onset")) return t;
      return TimeOf(r.Find("recordedDate"));
    case Kind::kObservation:
      if (auto t = ChoiceTime(r, "effective")) return t;
      if (auto t = TimeOf(r.Find("effectiveInstant"))) return t;
      return TimeOf(r.Find("issued"));
    case Kind::kMedication: return TimeOf(r.Find("authoredOn"));
    case Kind::kProcedure: return ChoiceTime(r, "performed");
    default: return std::nullopt;
  }
}

bool CodesMatch(const std::vector<Coding>& codes, const Json* cc) {
  const Json* codings = cc == nullptr ? nullptr : cc->Find("coding");
  if (codings == nullptr) return false;
  for (const Json& c : codings->items()) {
    std::string_view system = Str(c.Find("system"));
    std::string_view code = Str(c.Find("code"));
    for (const Coding& want : codes) {
      if (want.code == code && (want.system.empty() || want.system == system)) return true;
    }
  }
  return false;
}

std::optional<Quantity> ObservationQuantity(const Json& observation) {
  const Json* q = observation.Find("valueQuantity");
  std::optional<double> value = fhir::JsonDouble(q == nullptr ? nullptr : q->Find("value"));
  if (!value) return std::nullopt;
  Quantity out;
  out.value = *value;
  std::string_view unit = Str(q->Find("code"));
  out.unit = std::string(unit.empty() ? Str(q->Find("unit")) : unit);
  return out;
}

bool ResourceMatches(const Criterion& c, const Json& resource) {
  if (!Usable(c.kind, resource) || !CodesMatch(c.codes, ConceptOf(c.kind, resource))) return false;
  if (c.value) {
    std::optional<Quantity> q = ObservationQuantity(resource);
    if (!q || !c.value->Contains(q->value)) return false;
    if (!c.value->unit.empty() && q->unit != c.value->unit) return false;
  }
  if (c.period) {
    std::optional<int64_t> t = ClinicalTimeMs(c.kind, resource);
    if (!t || *t < c.period->low || *t > c.period->high) return false;
  }
  return true;
}

PatientFacts ReadPatient(const Json& patient) {
  PatientFacts p;
  p.id = std::string(Str(patient.Find("id")));
  p.gender = std::string(Str(patient.Find("gender")));
  p.birth_ms = TimeOf(patient.Find("birthDate"));
  p.death_ms = TimeOf(patient.Find("deceasedDateTime"));
  return p;
}

int AgeYears(int64_t birth_ms, int64_t at_ms) {
  CivilDate b = CivilFromDays(FloorDiv(birth_ms, kMsPerDay));
  CivilDate a = CivilFromDays(FloorDiv(at_ms, kMsPerDay));
  int years = a.year - b.year;
  if (a.month < b.month || (a.month == b.month && a.day < b.day)) --years;
  return years;
}

std::optional<int> CurrentAge(const PatientFacts& p, int64_t now_ms) {
  if (!p.birth_ms) return std::nullopt;
  int64_t at = p.death_ms && *p.death_ms < now_ms ? *p.death_ms : now_ms;
  return AgeYears(*p.birth_ms, at);
}

}  // namespace vigil::cohort
