#include "synth/writer.h"

#include <fmt/format.h>

#include <array>
#include <iterator>
#include <optional>

#include "ai/signals.h"
#include "base/calendar.h"

namespace vigil::synth {
namespace {

struct ConditionCode {
  std::string_view snomed, display, text;
};

// SNOMED CT codes of the comorbidities, in Comorbidity order.
constexpr std::array<ConditionCode, kComorbidityCount> kConditions = {{
    {"13645005", "Chronic obstructive lung disease", "COPD"},
    {"84114007", "Heart failure", "Heart failure"},
    {"709044004", "Chronic kidney disease", "Chronic kidney disease"},
    {"44054006", "Diabetes mellitus type 2", "Type 2 diabetes"},
    {"38341003", "Hypertensive disorder, systemic arterial", "Hypertension"},
    {"363346000", "Malignant neoplastic disease", "Cancer"},
}};

// Appends s as a JSON string (quotes included).
void AppendJsonString(std::string_view s, std::string& out) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  out += '"';
}

// The part of an Observation line that depends only on the signal:
// ,"category":[...],"code":{...}
std::string SignalFragment(const ai::SignalInfo& info) {
  bool vital = info.kind == ai::SignalKind::kVital;
  std::string out = fmt::format(
      R"(,"category":[{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"{}","display":"{}"}}]}}],"code":{{"coding":[{{"system":"http://loinc.org","code":"{}","display":)",
      vital ? "vital-signs" : "laboratory", vital ? "Vital Signs" : "Laboratory", info.loinc);
  AppendJsonString(info.display, out);
  out += "}]}";
  return out;
}

// ,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}}
std::string UnitFragment(const ai::SignalInfo& info) {
  std::string out = ",\"unit\":";
  AppendJsonString(info.ucum, out);
  out += ",\"system\":\"http://unitsofmeasure.org\",\"code\":";
  AppendJsonString(info.ucum, out);
  out += "}}\n";
  return out;
}

struct Fragments {
  std::array<std::string, ai::kSignalCount> signal, unit;
};

const Fragments& SignalFragments() {
  static const Fragments* fragments = [] {
    auto* f = new Fragments;
    for (const ai::SignalInfo& info : ai::AllSignals()) {
      f->signal[static_cast<int>(info.signal)] = SignalFragment(info);
      f->unit[static_cast<int>(info.signal)] = UnitFragment(info);
    }
    return f;
  }();
  return *fragments;
}

void AppendReference(std::string_view member, std::string_view type, std::string_view id,
                     std::string& out) {
  fmt::format_to(std::back_inserter(out), R"(,"{}":{{"reference":"{}/{}"}})", member, type, id);
}

// "period":{"start":...,"end":...}; without end when end_ms is nullopt (still going on).
void AppendPeriod(int64_t start_ms, std::optional<int64_t> end_ms, std::string& out) {
  out += R"("period":{"start":")";
  AppendInstant(start_ms, out);
  if (end_ms) {
    out += R"(","end":")";
    AppendInstant(*end_ms, out);
  }
  out += "\"}";
}

// The location entries up to the end of the data; for a stay still in
// hospital the unit the patient is in is "active" and has no end.
void AppendLocations(const Stay& stay, std::string& out) {
  out += R"(,"location":[)";
  const int64_t data_end = stay.DataEndMs();
  for (size_t i = 0; i < stay.units.size() && stay.units[i].start_ms < data_end; ++i) {
    const UnitSegment& u = stay.units[i];
    bool current = stay.admitted && u.end_ms >= data_end;
    if (i > 0) out += ',';
    fmt::format_to(std::back_inserter(out), R"({{"location":{{"display":"{}"}},"status":"{}",)",
                   u.icu ? "ICU" : "Ward", current ? "active" : "completed");
    AppendPeriod(u.start_ms, current ? std::nullopt : std::optional<int64_t>(u.end_ms), out);
    out += '}';
  }
  out += ']';
}

}  // namespace

void AppendInstant(int64_t ms, std::string& out) {
  int64_t days = FloorDiv(ms, kMsPerDay);
  int64_t in_day = (ms - days * kMsPerDay) / kMsPerSecond;
  CivilDate d = CivilFromDays(days);
  fmt::format_to(std::back_inserter(out), "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", d.year,
                 d.month, d.day, in_day / 3600, in_day / 60 % 60, in_day % 60);
}

void AppendPatient(const Stay& stay, std::string& out) {
  std::string mrn = stay.patient_id.substr(4);  // "c1-000042"
  mrn[0] = static_cast<char>(mrn[0] - 'a' + 'A');
  fmt::format_to(
      std::back_inserter(out),
      R"({{"resourceType":"Patient","id":"{}","identifier":[{{"system":"urn:vigil:synth:mrn","value":"{}"}}],"name":[{{"use":"official","family":)",
      stay.patient_id, mrn);
  AppendJsonString(stay.family, out);
  out += ",\"given\":[";
  AppendJsonString(stay.given, out);
  fmt::format_to(std::back_inserter(out),
                 R"(]}}],"gender":"{}","birthDate":"{:04d}-{:02d}-{:02d}")",
                 stay.male ? "male" : "female", stay.birth_date.year, stay.birth_date.month,
                 stay.birth_date.day);
  if (stay.died && !stay.admitted) {  // a death after the end of the data is not known yet
    out += ",\"deceasedDateTime\":\"";
    AppendInstant(stay.discharge_ms, out);
    out += '"';
  }
  out += "}\n";
}

void AppendEncounter(const Stay& stay, std::string& out) {
  fmt::format_to(
      std::back_inserter(out),
      R"({{"resourceType":"Encounter","id":"{}","status":"{}","class":{{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP","display":"inpatient encounter"}})",
      stay.encounter_id, stay.admitted ? "in-progress" : "finished");
  AppendReference("subject", "Patient", stay.patient_id, out);
  out += ',';
  AppendPeriod(stay.admit_ms,
               stay.admitted ? std::nullopt : std::optional<int64_t>(stay.discharge_ms), out);
  if (!stay.admitted) {
    fmt::format_to(
        std::back_inserter(out),
        R"(,"hospitalization":{{"dischargeDisposition":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/discharge-disposition","code":"{}","display":"{}"}}]}}}})",
        stay.died ? "exp" : "home", stay.died ? "Expired" : "Home");
  }
  AppendLocations(stay, out);
  out += "}\n";
}

void AppendConditions(const Stay& stay, std::string& out) {
  for (Comorbidity c : stay.comorbidities) {
    const ConditionCode& code = kConditions[static_cast<int>(c)];
    fmt::format_to(
        std::back_inserter(out),
        R"({{"resourceType":"Condition","id":"{}-c{}","clinicalStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}}]}},"verificationStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}}]}},"category":[{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"problem-list-item","display":"Problem List Item"}}]}}],"code":{{"coding":[{{"system":"http://snomed.info/sct","code":"{}","display":"{}"}}],"text":"{}"}})",
        stay.patient_id, static_cast<int>(c), code.snomed, code.display, code.text);
    AppendReference("subject", "Patient", stay.patient_id, out);
    AppendReference("encounter", "Encounter", stay.encounter_id, out);
    out += ",\"recordedDate\":\"";
    AppendInstant(stay.admit_ms, out);
    out += "\"}\n";
  }
}

void AppendObservations(const Stay& stay, const SitePreset& site, std::string& out) {
  const Fragments& fragments = SignalFragments();
  for (size_t i = 0; i < stay.measurements.size(); ++i) {
    const Measurement& m = stay.measurements[i];
    int s = static_cast<int>(m.signal);
    fmt::format_to(std::back_inserter(out),
                   R"({{"resourceType":"Observation","id":"{}-o{}","status":"final")",
                   stay.patient_id, i);
    out += fragments.signal[s];
    AppendReference("subject", "Patient", stay.patient_id, out);
    AppendReference("encounter", "Encounter", stay.encounter_id, out);
    out += ",\"effectiveDateTime\":\"";
    AppendInstant(m.time_ms, out);
    fmt::format_to(std::back_inserter(out), R"(","valueQuantity":{{"value":{:.{}f})", m.value,
                   site.physiology.norms[s].decimals);
    out += fragments.unit[s];
  }
}

std::string TruthHeader(uint64_t seed, std::string_view site, std::string_view start) {
  std::string out = fmt::format(R"({{"format":"vigil-synth-truth/1","seed":{},"site":)", seed);
  AppendJsonString(site, out);
  out += ",\"start\":";
  AppendJsonString(start, out);
  out += ",\"stays\":[\n";
  return out;
}

void AppendTruthEntry(const Stay& stay, std::string& out) {
  fmt::format_to(std::back_inserter(out), R"({{"patient":"{}","encounter":"{}","admit":")",
                 stay.patient_id, stay.encounter_id);
  AppendInstant(stay.admit_ms, out);
  out += R"(","discharge":")";
  AppendInstant(stay.discharge_ms, out);
  fmt::format_to(std::back_inserter(out), R"(","icu":{},"sepsis":{})", stay.EverInIcu(),
                 stay.sepsis);
  if (stay.sepsis) {
    out += R"(,"onset":")";
    AppendInstant(stay.onset_ms, out);
    out += '"';
  }
  fmt::format_to(std::back_inserter(out), R"(,"other_deterioration":{},"outcome":"{}")",
                 stay.other_deterioration, stay.died ? "died" : "discharged");
  if (stay.admitted) {
    out += R"(,"admitted":true,"data_end":")";
    AppendInstant(stay.cut_ms, out);
    out += '"';
  }
  out += '}';
}

}  // namespace vigil::synth
