#include "audit/event_json.h"

#include <string>

#include "base/time.h"

namespace vigil::audit::internal {

using fhir::Json;

Json Str(std::string_view s) { return Json::String(std::string(s)); }

Json Coding(std::string_view system, std::string_view code) {
  Json c = Json::Object();
  c.Set("system", Str(system));
  c.Set("code", Str(code));
  return c;
}

void Detail(Json& details, std::string_view type, std::string_view value) {
  Json d = Json::Object();
  d.Set("type", Str(type));
  d.Set("valueString", Str(value));
  details.Push(std::move(d));
}

Json Entity(std::string_view reference, std::string_view role) {
  Json e = Json::Object();
  if (!reference.empty()) {
    Json what = Json::Object();
    what.Set("reference", Str(reference));
    e.Set("what", std::move(what));
  }
  e.Set("type", Coding(kEntityType, "2"));  // System Object
  e.Set("role", Coding(kObjectRole, role));
  return e;
}

Json Event(const EventHeader& h) {
  Json ev = Json::Object();
  ev.Set("resourceType", Str("AuditEvent"));
  ev.Set("type", Coding(h.type_system, h.type));
  Json subtypes = Json::Array();
  subtypes.Push(Coding(h.subtype_system, h.subtype));
  ev.Set("subtype", std::move(subtypes));
  ev.Set("action", Str(h.action));
  ev.Set("recorded", Str(FormatInstant(h.time_ms)));
  ev.Set("outcome", Str(h.outcome));
  if (!h.outcome_desc.empty()) ev.Set("outcomeDesc", Str(h.outcome_desc));
  Json agent = Json::Object();
  Json who = Json::Object();
  who.Set("display", Str(h.who));
  agent.Set("who", std::move(who));
  agent.Set("requestor", Json::Bool(h.requestor));
  if (!h.address.empty()) {
    Json network = Json::Object();
    network.Set("address", Str(h.address));
    network.Set("type", Str("2"));  // IP address
    agent.Set("network", std::move(network));
  }
  Json agents = Json::Array();
  agents.Push(std::move(agent));
  ev.Set("agent", std::move(agents));
  Json source = Json::Object();
  if (!h.site.empty()) source.Set("site", Str(h.site));
  Json observer = Json::Object();
  observer.Set("display", Str("Vigil FHIR server"));
  source.Set("observer", std::move(observer));
  ev.Set("source", std::move(source));
  return ev;
}

}  // namespace vigil::audit::internal
