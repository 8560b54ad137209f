// PID -> Patient (see docs/hl7v2-mapping.md, "PID").
#include "base/str.h"
#include "ingest/hl7v2/datatypes.h"
#include "ingest/hl7v2/map_steps.h"

namespace vigil::hl7v2::internal {
namespace {

using fhir::Json;

constexpr std::string_view kPatientBirthTime =
    "http://hl7.org/fhir/StructureDefinition/patient-birthTime";

// The PID-3 repetition that identifies the patient: the first MR, else the first with a value.
int KeyRepetition(const Element& pid3) {
  int first = 0;
  for (int r = 1; r <= pid3.RepCount(); ++r) {
    if (Text(pid3.Rep(r).Comp(1)).empty()) continue;
    if (Text(pid3.Rep(r).Comp(5)) == "MR") return r;
    if (first == 0) first = r;
  }
  return first;
}

void MapGender(MapContext& ctx, const Segment& pid, Json& patient) {
  std::string sex = Text(ctx.Field(pid, 8));
  if (sex.empty()) return;
  static constexpr std::pair<std::string_view, std::string_view> kGender[] = {
      {"M", "male"},  {"F", "female"},  {"O", "other"},
      {"A", "other"}, {"U", "unknown"}, {"N", "unknown"}};
  for (const auto& [code, gender] : kGender) {
    if (sex == code) {
      patient.Set("gender", Json::String(std::string(gender)));
      return;
    }
  }
  ctx.Warning(pid, 8,
              StrCat("administrative sex '", sex, "' is not in table 0001; gender left out"));
}

void MapBirth(MapContext& ctx, const Segment& pid, Json& patient) {
  Element dob = ctx.Field(pid, 7).Comp(1);
  std::optional<std::string> date = ctx.Date(pid, 7, dob);
  if (!date) return;
  patient.Set("birthDate", Json::String(*date));
  std::optional<std::string> time = ctx.DateTime(pid, 7, dob);
  if (time && time->size() > 10) {  // a time of birth: the standard extension
    Json ext = Json::Object();
    ext.Set("url", Json::String(std::string(kPatientBirthTime)));
    ext.Set("valueDateTime", Json::String(*time));
    Json holder = Json::Object();
    Append(holder, "extension", std::move(ext));
    patient.Set("_birthDate", std::move(holder));
  }
}

void MapDeath(MapContext& ctx, const Segment& pid, Json& patient) {
  if (std::optional<std::string> when = ctx.DateTime(pid, 29, ctx.Field(pid, 29).Comp(1))) {
    patient.Set("deceasedDateTime", Json::String(*when));
  } else if (std::string flag = Text(ctx.Field(pid, 30)); flag == "Y" || flag == "N") {
    patient.Set("deceasedBoolean", Json::Bool(flag == "Y"));
  }
}

void MapMaritalStatus(MapContext& ctx, const Segment& pid, Json& patient) {
  std::string code = Text(ctx.Field(pid, 16).Comp(1));
  if (code.empty()) return;
  static constexpr std::string_view kV3 = "ADILMPSTUW";  // v3-MaritalStatus shares these codes
  bool v3 = code.size() == 1 && kV3.find(code[0]) != std::string_view::npos;
  Json cc = TableConcept(code, v3 ? "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus"
                                  : "http://terminology.hl7.org/CodeSystem/v2-0002");
  SetString(cc, "text", Text(ctx.Field(pid, 16).Comp(2)));
  patient.Set("maritalStatus", std::move(cc));
}

void MapRepeating(MapContext& ctx, const Segment& pid, Json& patient) {
  const std::string facility = ctx.message().Get("MSH-4");
  Element ids = ctx.Field(pid, 3);
  for (int r = 1; r <= ids.RepCount(); ++r) {
    Append(patient, "identifier", Identifier(ids.Rep(r), ctx.options(), facility));
  }
  Element names = ctx.Field(pid, 5);
  for (int r = 1; r <= names.RepCount(); ++r) Append(patient, "name", HumanName(names.Rep(r)));
  for (int f : {13, 14}) {
    Element phones = ctx.Field(pid, f);
    for (int r = 1; r <= phones.RepCount(); ++r) {
      Append(patient, "telecom", ContactPoint(phones.Rep(r), f == 14));
    }
  }
  Element addresses = ctx.Field(pid, 11);
  for (int r = 1; r <= addresses.RepCount(); ++r) {
    Append(patient, "address", Address(addresses.Rep(r)));
  }
}

}  // namespace

std::string MapPatient(MapContext& ctx, const Segment& pid, PatientWrite write) {
  Json patient = Json::Object();
  patient.Set("resourceType", Json::String("Patient"));
  MapRepeating(ctx, pid, patient);
  MapGender(ctx, pid, patient);
  MapBirth(ctx, pid, patient);
  MapDeath(ctx, pid, patient);
  MapMaritalStatus(ctx, pid, patient);
  Element language = ctx.Field(pid, 15);
  if (Json cc = CodeableConcept(language.Rep(1)); !IsEmpty(cc)) {
    Json communication = Json::Object();
    communication.Set("language", std::move(cc));
    Append(patient, "communication", std::move(communication));
  }

  Element pid3 = ctx.Field(pid, 3);
  int key = KeyRepetition(pid3);
  if (key == 0) {
    ctx.Error(pid, 3, ErrorCode::kRequiredFieldMissing,
              "no patient identifier: PID-3 is needed to identify the Patient");
    return {};
  }
  Element cx = pid3.Rep(key);
  std::string system = CxSystem(cx, ctx.options(), ctx.message().Get("MSH-4"));
  std::string token = system.empty()
                          ? QueryEncode(Text(cx.Comp(1)))
                          : StrCat(QueryEncode(system), "|", QueryEncode(Text(cx.Comp(1))));
  std::string query = StrCat("identifier=", token);
  if (write == PatientWrite::kConditionalCreate) {
    return ctx.AddEntry("Patient", std::move(patient), "POST", "Patient", query);
  }
  return ctx.AddEntry("Patient", std::move(patient), "PUT", StrCat("Patient?", query));
}

}  // namespace vigil::hl7v2::internal
