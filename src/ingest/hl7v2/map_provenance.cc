// The message -> Provenance (docs/hl7v2-mapping.md, "Provenance").
#include "base/str.h"
#include "ingest/hl7v2/datatypes.h"
#include "ingest/hl7v2/datetime.h"
#include "ingest/hl7v2/map_steps.h"

namespace vigil::hl7v2::internal {
namespace {

using fhir::Json;

// "APP (FACILITY)" from MSH-3 and MSH-4.
std::string Sender(const Message& m) {
  std::string app = Clean(m.Get("MSH-3")), facility = Clean(m.Get("MSH-4"));
  if (app.empty() && facility.empty()) return "unidentified HL7 v2 sender";
  if (facility.empty()) return app;
  return app.empty() ? facility : StrCat(app, " (", facility, ")");
}

Json SourceEntity(MapContext& ctx, const Segment& msh) {
  const Message& m = ctx.message();
  Json what = Json::Object();
  if (std::string id = Clean(m.ControlId()); !id.empty()) {
    Element app = ctx.Field(msh, 3);
    std::string system =
        AuthoritySystem(Text(app.Comp(1)), Text(app.Comp(2)), Text(app.Comp(3)), ctx.options());
    Json identifier = Json::Object();
    SetString(identifier, "system", system);
    identifier.Set("value", Json::String(id));
    what.Set("identifier", std::move(identifier));
  }
  what.Set("display",
           Json::String(StrCat("HL7 v2 ", Clean(m.MessageCode()), "^", Clean(m.TriggerEvent()),
                               " message ", Clean(m.ControlId()), " from ", Sender(m))));
  Json entity = Json::Object();
  entity.Set("role", Json::String("source"));
  entity.Set("what", std::move(what));
  return entity;
}

Json Agent(const Message& m) {
  Json who = Json::Object();
  who.Set("display", Json::String(Sender(m)));
  Json agent = Json::Object();
  agent.Set(
      "type",
      TableConcept("author", "http://terminology.hl7.org/CodeSystem/provenance-participant-type"));
  agent.Set("who", std::move(who));
  return agent;
}

}  // namespace

void MapProvenance(MapContext& ctx) {
  const Segment* msh = ctx.message().Find("MSH");
  if (msh == nullptr) return;
  Json provenance = Json::Object();
  provenance.Set("resourceType", Json::String("Provenance"));
  for (const std::string& url : ctx.full_urls()) Append(provenance, "target", Reference(url));
  if (auto sent = ctx.DateTime(*msh, 7, ctx.Field(*msh, 7).Comp(1))) {
    provenance.Set("occurredDateTime", Json::String(*sent));
  }
  DateTimeOptions dt;
  dt.default_offset = ctx.options().default_offset;
  auto instant = ToFhirInstant(Text(ctx.Field(*msh, 7).Comp(1)), dt);
  bool have_instant = instant.ok() && instant->has_value();
  provenance.Set("recorded", Json::String(have_instant ? **instant : ctx.options().received_at));
  SetIfNotEmpty(provenance, "activity",
                TableConcept(Clean(ctx.message().TriggerEvent()),
                             "http://terminology.hl7.org/CodeSystem/v2-0003"));
  Append(provenance, "agent", Agent(ctx.message()));
  Append(provenance, "entity", SourceEntity(ctx, *msh));
  ctx.AddEntry("Provenance", std::move(provenance), "POST", "Provenance");
}

}  // namespace vigil::hl7v2::internal
