// AuditEvents for data that arrives without an HTTP request: HL7 v2 messages
// over MLLP and device readings over MQTT. One event per message, whatever
// its outcome, written to the same hash-chained log as the REST AuditEvents
// (docs/formats/audit_log.md):
//
//   type     DCM 110107 "Import" (http://dicom.nema.org/resources/ontology/DCM)
//   subtype  https://vigil.dev/fhir/CodeSystem/audit-event-type: hl7v2 | mqtt
//   action   C when resources were written, E otherwise
//   outcome  0 accepted (AA, or a resend acknowledged again), 4 refused
//            (AE/AR for the message's content; a dead letter), 8 the server
//            failed (the store)
//   agent    the sender (MSH-3^MSH-4, or the MQTT topic) with its address
//   entity   the message (identifier = MSH-10 or the topic; details: message
//            type, ACK code, duplicate, dead letter id), then every resource
//            version written (Patient role 1, others role 4)
// Never message content: no field values, no reasons that quote them.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::audit {

struct IngestFacts {
  std::string channel;        // "hl7v2" or "mqtt"
  std::string sender;         // "LAB^HOSP" (MSH-3^MSH-4), or the MQTT topic
  std::string address;        // the peer's IP, "" when unknown
  std::string message_id;     // MSH-10; "" if none (and for mqtt)
  std::string message_type;   // "ORU^R01"; "" if unparseable
  std::string ack;            // AA, AE, AR (hl7v2); "" for mqtt
  int outcome = 0;            // 0, 4 or 8 (see above)
  bool duplicate = false;     // an exact resend, acknowledged without writing
  std::string dead_letter_id; // set when kept as a dead letter
  std::vector<std::string> written;  // "Observation/7/_history/1", in write order
  int64_t time_ms = 0;
  std::string site;           // the server's base URL
};

std::string IngestAuditJson(const IngestFacts& facts);

}  // namespace vigil::audit
