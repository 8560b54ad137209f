#include "audit/ingest_events.h"

#include <string_view>

#include "audit/clinical_events.h"
#include "audit/event_json.h"
#include "fhir/json.h"

namespace vigil::audit {
namespace {

using fhir::Json;

constexpr const char* kDicom = "http://dicom.nema.org/resources/ontology/DCM";

bool IsPatient(std::string_view reference) { return reference.starts_with("Patient/"); }

std::string_view OutcomeText(int outcome) {
  switch (outcome) {
    case 0: return "";
    case 4: return "message refused";
    default: return "server error";
  }
}

Json MessageEntity(const IngestFacts& f) {
  Json message = internal::Entity("", "20");  // Job: the message being processed
  if (!f.message_id.empty()) {
    Json what = Json::Object();
    Json identifier = Json::Object();
    identifier.Set("value", internal::Str(f.message_id));
    what.Set("identifier", std::move(identifier));
    message.Set("what", std::move(what));
  }
  message.Set("name", internal::Str(f.channel == "hl7v2" ? "HL7 v2 message" : "device reading"));
  Json details = Json::Array();
  if (!f.message_type.empty()) internal::Detail(details, "messageType", f.message_type);
  if (!f.ack.empty()) internal::Detail(details, "ack", f.ack);
  if (f.duplicate) internal::Detail(details, "duplicate", "true");
  if (!f.dead_letter_id.empty()) internal::Detail(details, "deadLetter", f.dead_letter_id);
  if (!details.items().empty()) message.Set("detail", std::move(details));
  return message;
}

}  // namespace

std::string IngestAuditJson(const IngestFacts& f) {
  internal::EventHeader h;
  h.type_system = kDicom;
  h.type = "110107";  // Import
  h.subtype_system = kClinicalAuditTypes;
  h.subtype = f.channel;
  h.action = f.written.empty() ? "E" : "C";
  std::string outcome = std::to_string(f.outcome);
  h.outcome = outcome;
  h.outcome_desc = OutcomeText(f.outcome);
  h.time_ms = f.time_ms;
  h.who = f.sender.empty() ? std::string_view("unknown sender") : std::string_view(f.sender);
  h.requestor = true;
  h.address = f.address;
  h.site = f.site;
  Json ev = internal::Event(h);
  Json entities = Json::Array();
  entities.Push(MessageEntity(f));
  for (const std::string& reference : f.written) {
    entities.Push(internal::Entity(reference, IsPatient(reference) ? "1" : "4"));
  }
  ev.Set("entity", std::move(entities));
  return fhir::WriteJson(ev);
}

}  // namespace vigil::audit
