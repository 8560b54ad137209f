#include "dashboard/patient_summary.h"

#include <cstdio>
#include <string>
#include <vector>

#include "base/calendar.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "dashboard/json_util.h"
#include "dashboard/observation_codes.h"
#include "dashboard/store_reads.h"

namespace vigil::dashboard {
namespace {

using fhir::Json;

constexpr std::string_view kClinicalStatus = "http://terminology.hl7.org/CodeSystem/condition-clinical";
constexpr std::string_view kVerificationStatus = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

bool ActiveCondition(const Json& c) {
  const Json* status = c.Find("clinicalStatus");
  bool active = HasCoding(status, kClinicalStatus, "active") || HasCoding(status, kClinicalStatus, "recurrence") ||
                HasCoding(status, kClinicalStatus, "relapse");
  const Json* verification = c.Find("verificationStatus");
  return active && !HasCoding(verification, kVerificationStatus, "entered-in-error") &&
         !HasCoding(verification, kVerificationStatus, "refuted");
}

Json Demographics(const Json& patient, int64_t now_ms) {
  Json out = Json::Object();
  out.Set("id", Str(TextAt(patient, "id")));
  out.Set("name", Str(PersonName(patient)));
  out.Set("gender", Str(TextAt(patient, "gender")));
  out.Set("birthDate", Str(TextAt(patient, "birthDate")));
  std::string_view deceased = TextAt(patient, "deceasedDateTime");
  const Json* deceased_flag = patient.Find("deceasedBoolean");
  const bool dead = !deceased.empty() || (deceased_flag != nullptr && deceased_flag->is_bool() && deceased_flag->bool_value());
  const int64_t age_at = ParseFhirDateTimeMs(deceased).value_or(now_ms);
  std::optional<int> age = AgeInYears(TextAt(patient, "birthDate"), age_at);
  out.Set("age", age ? Int(*age) : Json());
  out.Set("deceased", dead ? (deceased.empty() ? Json::Bool(true) : Str(deceased)) : Json::Bool(false));
  Json identifiers = Json::Array();
  if (const Json* ids = patient.Find("identifier")) {
    for (const Json& id : ids->items()) {
      Json i = Json::Object();
      i.Set("system", Str(TextAt(id, "system")));
      i.Set("value", Str(TextAt(id, "value")));
      identifiers.Push(std::move(i));
    }
  }
  out.Set("identifiers", std::move(identifiers));
  return out;
}

Json ConditionJson(const Json& c) {
  Json out = Json::Object();
  out.Set("id", Str(TextAt(c, "id")));
  out.Set("label", Str(ConceptLabel(c.Find("code"))));
  std::optional<Code> code = FirstCoding(c.Find("code"));
  out.Set("code", code ? CodeJson(*code) : Json());
  std::string_view onset = TextAt(c, "onsetDateTime");
  out.Set("onset", onset.empty() ? Json() : Str(onset));
  std::string_view recorded = TextAt(c, "recordedDate");
  out.Set("recorded", recorded.empty() ? Json() : Str(recorded));
  return out;
}

Json MedicationJson(const Json& m) {
  Json out = Json::Object();
  out.Set("resourceType", Str(TextAt(m, "resourceType")));
  out.Set("id", Str(TextAt(m, "id")));
  const Json* codeable = m.Find("medicationCodeableConcept");
  std::string label = ConceptLabel(codeable);
  if (label.empty()) {
    const Json* ref = m.Find("medicationReference");
    label = ref == nullptr ? "" : std::string(TextAt(*ref, "display"));
    if (label.empty() && ref != nullptr) label = std::string(TextAt(*ref, "reference"));
  }
  out.Set("label", Str(label));
  std::optional<Code> code = FirstCoding(codeable);
  out.Set("code", code ? CodeJson(*code) : Json());
  std::string_view since = TextAt(m, "authoredOn");
  if (since.empty()) since = TextAt(m, "dateAsserted");
  out.Set("since", since.empty() ? Json() : Str(since));
  return out;
}

Json EncounterJson(const Json& e) {
  Json out = Json::Object();
  out.Set("id", Str(TextAt(e, "id")));
  out.Set("status", Str(TextAt(e, "status")));
  const Json* cls = e.Find("class");
  out.Set("class", Str(cls == nullptr ? "" : TextAt(*cls, "code")));
  const Json* types = e.Find("type");
  out.Set("type", Str(types == nullptr || types->items().empty() ? "" : ConceptLabel(&types->items().front())));
  const Json* reasons = e.Find("reasonCode");
  out.Set("reason", Str(reasons == nullptr || reasons->items().empty() ? "" : ConceptLabel(&reasons->items().front())));
  const Json* period = e.Find("period");
  std::string_view start = period == nullptr ? "" : TextAt(*period, "start");
  std::string_view end = period == nullptr ? "" : TextAt(*period, "end");
  out.Set("start", start.empty() ? Json() : Str(start));
  out.Set("end", end.empty() ? Json() : Str(end));
  return out;
}

absl::StatusOr<Json> Listed(store::Reader& reader, const search::Registry& registry, std::string_view type,
                            search::SearchParams params, bool (*keep)(const Json&), Json (*shape)(const Json&)) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<Json> found, SearchAll(reader, registry, type, std::move(params), kMaxSummaryItems));
  Json out = Json::Array();
  for (const Json& r : found) {
    if (keep == nullptr || keep(r)) out.Push(shape(r));
  }
  return out;
}

absl::StatusOr<Json> Medications(store::Reader& reader, const search::Registry& registry, const std::string& patient) {
  Json out = Json::Array();
  for (const char* type : {"MedicationRequest", "MedicationStatement"}) {
    VIGIL_ASSIGN_OR_RETURN(Json listed, Listed(reader, registry, type, {{"patient", patient}, {"status", "active"}},
                                               nullptr, MedicationJson));
    for (Json& m : listed.items()) out.Push(std::move(m));
  }
  return out;
}

}  // namespace

std::optional<int> AgeInYears(std::string_view birth_date, int64_t at_ms) {
  int y = 0, m = 1, d = 1;
  if (birth_date.size() < 4 || std::sscanf(std::string(birth_date).c_str(), "%4d-%2d-%2d", &y, &m, &d) < 1) {
    return std::nullopt;
  }
  const CivilDate now = CivilFromDays(FloorDiv(at_ms, kMsPerDay));
  int age = now.year - y;
  if (now.month < m || (now.month == m && now.day < d)) --age;
  return age < 0 ? std::nullopt : std::optional<int>(age);
}

absl::StatusOr<std::optional<Json>> PatientSummary(store::Reader& reader, const search::Registry& registry,
                                                   std::string_view patient_id, int64_t now_ms) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<Json> patient, ReadCurrent(reader, "Patient", patient_id));
  if (!patient) return std::nullopt;
  const std::string ref = StrCat("Patient/", patient_id);
  Json out = Json::Object();
  out.Set("patient", Demographics(*patient, now_ms));
  VIGIL_ASSIGN_OR_RETURN(Json conditions, Listed(reader, registry, "Condition", {{"patient", ref}}, ActiveCondition,
                                                 ConditionJson));
  out.Set("conditions", std::move(conditions));
  VIGIL_ASSIGN_OR_RETURN(Json medications, Medications(reader, registry, ref));
  out.Set("medications", std::move(medications));
  VIGIL_ASSIGN_OR_RETURN(Json encounters, Listed(reader, registry, "Encounter", {{"patient", ref}, {"_sort", "-date"}},
                                                 nullptr, EncounterJson));
  out.Set("encounters", std::move(encounters));
  ObservationCodes codes;
  VIGIL_ASSIGN_OR_RETURN(size_t seen, ForEachMatch(reader, registry, "Observation", {{"patient", ref}},
                                                   kMaxScannedObservations, [&codes](const Json& obs) {
                                                     codes.Add(obs);
                                                     return absl::OkStatus();
                                                   }));
  out.Set("observationCodes", codes.ToJson());
  out.Set("observationsTruncated", Json::Bool(seen > kMaxScannedObservations));
  return out;
}

}  // namespace vigil::dashboard
