// PV1 (+ EVN) -> Encounter (see docs/hl7v2-mapping.md, "PV1").
#include "base/str.h"
#include "ingest/hl7v2/datatypes.h"
#include "ingest/hl7v2/map_steps.h"

namespace vigil::hl7v2::internal {
namespace {

using fhir::Json;

constexpr std::string_view kActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

// Encounter.status after each event.
std::string StatusFor(MapContext& ctx, const Segment& pv1, std::string_view event) {
  if (event == "A03") return "finished";
  if (event == "A04") return "arrived";
  if (event == "A11") return "entered-in-error";
  if (event == "A08" && !Text(ctx.Field(pv1, 45)).empty()) return "finished";
  return "in-progress";  // A01, A02, A08, A13 (discharge cancelled)
}

// PV1-2 as an Encounter.class Coding; an unknown code is kept (as a valid FHIR
// code: whitespace trimmed and collapsed) under the v2 table 0004.
Json EncounterClass(const std::string& raw) {
  const std::string code = CodeText(raw);
  static constexpr std::pair<std::string_view, std::string_view> kClass[] = {
      {"I", "IMP"}, {"O", "AMB"}, {"E", "EMER"}, {"P", "PRENC"}, {"R", "AMB"}, {"B", "IMP"}};
  Json coding = Json::Object();
  for (const auto& [v2, v3] : kClass) {
    if (code == v2) {
      coding.Set("system", Json::String(std::string(kActCode)));
      coding.Set("code", Json::String(std::string(v3)));
      return coding;
    }
  }
  coding.Set("system",
             Json::String(code.empty() ? "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"
                                       : "http://terminology.hl7.org/CodeSystem/v2-0004"));
  coding.Set("code", Json::String(code.empty() ? "UNK" : code));
  return coding;
}

// The first of the given (segment, field) date-times that is present.
std::optional<std::string> FirstTime(MapContext& ctx,
                                     std::initializer_list<std::pair<const Segment*, int>> fields) {
  for (const auto& [seg, field] : fields) {
    if (seg == nullptr) continue;
    if (auto t = ctx.DateTime(*seg, field, ctx.Field(*seg, field).Comp(1))) return t;
  }
  return std::nullopt;
}

void MapPeriod(MapContext& ctx, const Segment& pv1, std::string_view event, Json& encounter) {
  const Segment* evn = ctx.message().Find("EVN");
  const Segment* msh = ctx.message().Find("MSH");
  Json period = Json::Object();
  std::optional<std::string> start = (event == "A01" || event == "A04")
                                         ? FirstTime(ctx, {{&pv1, 44}, {evn, 6}, {evn, 2}})
                                         : FirstTime(ctx, {{&pv1, 44}});
  if (start) period.Set("start", Json::String(*start));
  if (event == "A03") {
    if (auto end = FirstTime(ctx, {{&pv1, 45}, {evn, 6}, {evn, 2}, {msh, 7}})) {
      period.Set("end", Json::String(*end));
    }
  } else if (event != "A13") {
    if (auto end = FirstTime(ctx, {{&pv1, 45}})) period.Set("end", Json::String(*end));
  }
  SetIfNotEmpty(encounter, "period", std::move(period));
}

Json Location(const std::string& display, std::string_view status) {
  Json loc = Json::Object();
  if (display.empty()) return loc;
  Json ref = Json::Object();
  ref.Set("display", Json::String(display));
  loc.Set("location", std::move(ref));
  loc.Set("status", Json::String(std::string(status)));
  return loc;
}

void MapParticipants(MapContext& ctx, const Segment& pv1, Json& encounter) {
  static constexpr std::pair<int, std::string_view> kRoles[] = {
      {7, "ATND"}, {8, "REF"}, {9, "CON"}, {17, "ADM"}};
  for (const auto& [field, role] : kRoles) {
    Element people = ctx.Field(pv1, field);
    for (int r = 1; r <= people.RepCount(); ++r) {
      Json who = PersonReference(people.Rep(r));
      if (IsEmpty(who)) continue;
      Json participant = Json::Object();
      Append(participant, "type",
             TableConcept(std::string(role),
                          "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"));
      participant.Set("individual", std::move(who));
      Append(encounter, "participant", std::move(participant));
    }
  }
}

void MapHospitalization(MapContext& ctx, const Segment& pv1, Json& encounter) {
  Json h = Json::Object();
  SetIfNotEmpty(
      h, "admitSource",
      TableConcept(Text(ctx.Field(pv1, 14)), "http://terminology.hl7.org/CodeSystem/v2-0023"));
  SetIfNotEmpty(
      h, "dischargeDisposition",
      TableConcept(Text(ctx.Field(pv1, 36)), "http://terminology.hl7.org/CodeSystem/v2-0112"));
  SetIfNotEmpty(encounter, "hospitalization", std::move(h));
}

// PV1-19, the visit number: its value and identifier system ("" when absent).
struct VisitNumber {
  std::string system;
  std::string value;

  // The search token "SYSTEM|VALUE" (or "VALUE"), percent-encoded.
  std::string Token() const {
    return system.empty() ? QueryEncode(value) : StrCat(QueryEncode(system), "|", QueryEncode(value));
  }
};

VisitNumber ReadVisitNumber(MapContext& ctx, const Segment& pv1) {
  Element visit = ctx.Field(pv1, 19);
  return VisitNumber{CxSystem(visit, ctx.options(), ctx.message().Get("MSH-4")),
                     Text(visit.Comp(1))};
}

// An Encounter with its identifier, status, class and subject.
Json EncounterCore(MapContext& ctx, const Segment& pv1, const VisitNumber& visit,
                   std::string status, const std::string& patient_url) {
  Json encounter = Json::Object();
  encounter.Set("resourceType", Json::String("Encounter"));
  if (!visit.value.empty()) {
    Json id = Json::Object();
    id.Set("use", Json::String("official"));
    SetString(id, "system", visit.system);
    id.Set("value", Json::String(visit.value));
    Append(encounter, "identifier", std::move(id));
  }
  encounter.Set("status", Json::String(std::move(status)));
  encounter.Set("class", EncounterClass(Text(ctx.Field(pv1, 2))));
  encounter.Set("subject", Reference(patient_url));
  return encounter;
}

}  // namespace

std::string MapEncounter(MapContext& ctx, const Segment& pv1, std::string_view event,
                         const std::string& patient_url) {
  const VisitNumber visit = ReadVisitNumber(ctx, pv1);
  Json encounter = EncounterCore(ctx, pv1, visit, StatusFor(ctx, pv1, event), patient_url);
  Append(encounter, "type",
         TableConcept(Text(ctx.Field(pv1, 4)), "http://terminology.hl7.org/CodeSystem/v2-0007"));
  SetIfNotEmpty(
      encounter, "serviceType",
      TableConcept(Text(ctx.Field(pv1, 10)), "http://terminology.hl7.org/CodeSystem/v2-0069"));
  MapParticipants(ctx, pv1, encounter);
  MapPeriod(ctx, pv1, event, encounter);
  MapHospitalization(ctx, pv1, encounter);
  Append(encounter, "location", Location(LocationDisplay(ctx.Field(pv1, 3)), "active"));
  if (event == "A02") {
    Append(encounter, "location", Location(LocationDisplay(ctx.Field(pv1, 6)), "completed"));
  }

  if (visit.value.empty()) {
    if (event != "A01" && event != "A04") {
      ctx.Error(pv1, 19, ErrorCode::kRequiredFieldMissing,
                StrCat("visit number is required to update the Encounter (", event, ")"));
      return {};
    }
    return ctx.AddEntry("Encounter", std::move(encounter), "POST", "Encounter");
  }
  return ctx.AddEntry("Encounter", std::move(encounter), "PUT",
                      StrCat("Encounter?identifier=", visit.Token()));
}

std::string MapResultVisit(MapContext& ctx, const Segment& pv1, const std::string& patient_url) {
  const VisitNumber visit = ReadVisitNumber(ctx, pv1);
  if (visit.value.empty()) return {};
  // Known from ADT: the existing Encounter is kept as it is. Results before the
  // admission: a placeholder whose status is "unknown" until ADT says more.
  Json encounter = EncounterCore(ctx, pv1, visit, "unknown", patient_url);
  return ctx.AddEntry("Encounter", std::move(encounter), "POST", "Encounter",
                      StrCat("identifier=", visit.Token()));
}

}  // namespace vigil::hl7v2::internal
