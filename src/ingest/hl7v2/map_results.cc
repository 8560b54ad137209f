// OBR + OBX (+ NTE) -> DiagnosticReport + Observations (docs/hl7v2-mapping.md, "OBR", "OBX").
#include <set>

#include "base/str.h"
#include "ingest/hl7v2/datatypes.h"
#include "ingest/hl7v2/datetime.h"
#include "ingest/hl7v2/map_steps.h"
#include "ingest/hl7v2/obx_value.h"

namespace vigil::hl7v2::internal {
namespace {

using fhir::Json;

struct Result {
  const Segment* obx;
  std::vector<const Segment*> notes;  // NTE segments after it
};

struct Group {
  const Segment* obr = nullptr;  // null for OBX segments before any OBR
  std::vector<Result> results;
};

// The order number that identifies a report: OBR-3 (filler), else OBR-2 (placer).
struct OrderId {
  std::string type;  // FILL or PLAC (v2-0203)
  std::string system;
  std::string value;
};

std::optional<OrderId> FindOrderId(MapContext& ctx, const Segment& obr) {
  for (int field : {3, 2}) {
    Element ei = ctx.Field(obr, field);
    std::string value = Text(ei.Comp(1));
    if (value.empty()) continue;
    std::string system =
        AuthoritySystem(Text(ei.Comp(2)), Text(ei.Comp(3)), Text(ei.Comp(4)), ctx.options());
    if (system.empty()) system = AuthoritySystem(ctx.message().Get("MSH-4"), "", "", ctx.options());
    return OrderId{field == 3 ? "FILL" : "PLAC", system, value};
  }
  return std::nullopt;
}

std::string ConditionalUrl(std::string_view type, const std::string& system,
                           const std::string& value) {
  return StrCat(type, "?identifier=", system.empty() ? "" : QueryEncode(system) + "|",
                QueryEncode(value));
}

Json IdentifierJson(const std::string& system, const std::string& value, const std::string& type) {
  Json id = Json::Object();
  if (!type.empty()) {
    id.Set("type", TableConcept(type, "http://terminology.hl7.org/CodeSystem/v2-0203"));
  }
  SetString(id, "system", system);
  id.Set("value", Json::String(value));
  return id;
}

std::vector<Group> GroupSegments(const Message& message) {
  std::vector<Group> groups;
  Result* last = nullptr;
  for (const Segment& seg : message.segments()) {
    if (seg.name() == "OBR") {
      groups.push_back(Group{&seg, {}});
      last = nullptr;
    } else if (seg.name() == "OBX") {
      if (groups.empty()) groups.emplace_back();
      groups.back().results.push_back(Result{&seg, {}});
      last = &groups.back().results.back();
    } else if (seg.name() == "NTE" && last != nullptr) {
      last->notes.push_back(&seg);
    } else if (seg.name() != "NTE") {
      last = nullptr;
    }
  }
  return groups;
}

std::string MapObservation(MapContext& ctx, const Group& group, const Result& result,
                           const std::optional<OrderId>& order, std::set<std::string>& keys,
                           const std::string& patient_url, const std::string& encounter_url,
                           std::string* narrative) {
  const Segment& obx = *result.obx;
  Json obs = Json::Object();
  obs.Set("resourceType", Json::String("Observation"));
  std::string code = Text(ctx.Field(obx, 3).Comp(1));
  std::string key;
  if (order) {
    key = StrCat(order->value, "-", code.empty() ? Text(ctx.Field(obx, 1)) : code);
    if (std::string sub = Text(ctx.Field(obx, 4)); !sub.empty()) key += "-" + sub;
    for (int n = 2; !keys.insert(key).second; ++n) key = StrCat(key, "-", n);
    Append(obs, "identifier", IdentifierJson(order->system, key, ""));
  }
  Json cc = CodeableConcept(ctx.Field(obx, 3).Rep(1));
  const std::string type = Text(ctx.Field(obx, 2));
  if (IsEmpty(cc) && group.obr && (type == "TX" || type == "FT" || type == "ST")) {
    // Unidentified text lines under an OBR are the report's narrative.
    std::string text = Text(ctx.Field(obx, 5));
    if (!text.empty()) *narrative += (narrative->empty() ? "" : "\n") + text;
    return {};
  }
  if (IsEmpty(cc)) {
    if (HasMappableValue(ctx, obx)) {
      ctx.Error(obx, 3, ErrorCode::kRequiredFieldMissing, "observation identifier missing");
    } else {  // nothing would be stored: say so, but keep the rest of the message
      ctx.Warning(obx, 3, "observation identifier missing and no mappable value: OBX skipped");
    }
    return {};
  }
  obs.Set("status", Json::String(ObservationStatus(ctx, obx)));
  obs.Set("code", std::move(cc));
  obs.Set("subject", Reference(patient_url));
  if (!encounter_url.empty()) obs.Set("encounter", Reference(encounter_url));
  std::optional<std::string> when = ctx.DateTime(obx, 14, ctx.Field(obx, 14).Comp(1));
  if (!when && group.obr) when = ctx.DateTime(*group.obr, 7, ctx.Field(*group.obr, 7).Comp(1));
  if (when) obs.Set("effectiveDateTime", Json::String(*when));
  MapObxValue(ctx, obx, obs);
  MapInterpretation(ctx, obx, obs);
  for (const Segment* nte : result.notes) {
    Json note = Json::Object();
    SetString(note, "text", Text(ctx.Field(*nte, 3)));
    Append(obs, "note", std::move(note));
  }
  MapReferenceRange(ctx, obx, obs);
  std::string entry_key = StrCat("OBX#", ctx.message().OccurrenceOf(obx));
  if (!order) return ctx.AddEntry(entry_key, std::move(obs), "POST", "Observation");
  return ctx.AddEntry(entry_key, std::move(obs), "PUT",
                      ConditionalUrl("Observation", order->system, key));
}

std::string ReportStatus(MapContext& ctx, const Segment& obr) {
  static constexpr std::pair<std::string_view, std::string_view> kStatus[] = {
      {"O", "registered"}, {"I", "registered"}, {"S", "partial"},
      {"A", "partial"},    {"R", "partial"},    {"P", "preliminary"},
      {"C", "corrected"},  {"F", "final"},      {"X", "cancelled"}};
  std::string code = Text(ctx.Field(obr, 25));
  if (code.empty()) return "unknown";
  for (const auto& [v2, fhir] : kStatus) {
    if (code == v2) return std::string(fhir);
  }
  ctx.Warning(obr, 25, StrCat("result status '", code, "' is not in table 0123; status unknown"));
  return "unknown";
}

void MapReport(MapContext& ctx, const Segment& obr, const std::optional<OrderId>& order,
               const std::vector<std::string>& results, const std::string& narrative,
               const std::string& patient_url, const std::string& encounter_url) {
  Json report = Json::Object();
  report.Set("resourceType", Json::String("DiagnosticReport"));
  if (order) Append(report, "identifier", IdentifierJson(order->system, order->value, order->type));
  report.Set("status", Json::String(ReportStatus(ctx, obr)));
  Append(report, "category",
         TableConcept(Text(ctx.Field(obr, 24)), "http://terminology.hl7.org/CodeSystem/v2-0074"));
  Json code = CodeableConcept(ctx.Field(obr, 4).Rep(1));
  if (IsEmpty(code)) {
    ctx.Error(obr, 4, ErrorCode::kRequiredFieldMissing, "universal service identifier missing");
    return;
  }
  report.Set("code", std::move(code));
  report.Set("subject", Reference(patient_url));
  if (!encounter_url.empty()) report.Set("encounter", Reference(encounter_url));
  if (auto when = ctx.DateTime(obr, 7, ctx.Field(obr, 7).Comp(1))) {
    report.Set("effectiveDateTime", Json::String(*when));
  }
  DateTimeOptions dt;
  dt.default_offset = ctx.options().default_offset;
  if (auto issued = ToFhirInstant(Text(ctx.Field(obr, 22).Comp(1)), dt); issued.ok() && *issued) {
    report.Set("issued", Json::String(**issued));
  }
  for (const std::string& url : results) Append(report, "result", Reference(url));
  SetString(report, "conclusion", narrative);
  std::string key = StrCat("OBR#", ctx.message().OccurrenceOf(obr));
  if (!order) {
    ctx.AddEntry(key, std::move(report), "POST", "DiagnosticReport");
  } else {
    ctx.AddEntry(key, std::move(report), "PUT",
                 ConditionalUrl("DiagnosticReport", order->system, order->value));
  }
}

}  // namespace

void MapResults(MapContext& ctx, const std::string& patient_url, const std::string& encounter_url) {
  std::set<std::string> keys;  // Observation identifiers used in this message
  for (const Group& group : GroupSegments(ctx.message())) {
    std::optional<OrderId> order;
    if (group.obr) order = FindOrderId(ctx, *group.obr);
    std::vector<std::string> results;
    std::string narrative;
    for (const Result& result : group.results) {
      std::string url = MapObservation(ctx, group, result, order, keys, patient_url, encounter_url, &narrative);
      if (!url.empty()) results.push_back(url);
    }
    if (group.obr) MapReport(ctx, *group.obr, order, results, narrative, patient_url, encounter_url);
  }
}

}  // namespace vigil::hl7v2::internal
