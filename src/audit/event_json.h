// Building blocks of the AuditEvents written as fhir::Json trees (clinical
// events, ingest events); internal to audit/. The REST AuditEvent
// (audit_event.cc) writes its text directly instead, for speed.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "fhir/json.h"

namespace vigil::audit::internal {

inline constexpr const char* kEntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
inline constexpr const char* kObjectRole = "http://terminology.hl7.org/CodeSystem/object-role";

fhir::Json Str(std::string_view s);
fhir::Json Coding(std::string_view system, std::string_view code);
// Appends {"type": type, "valueString": value} to details.
void Detail(fhir::Json& details, std::string_view type, std::string_view value);
// An entity (System Object) with what.reference (omitted when empty) and role.
fhir::Json Entity(std::string_view reference, std::string_view role);

struct EventHeader {
  std::string_view type_system;
  std::string_view type;
  std::string_view subtype_system;
  std::string_view subtype;
  std::string_view action;           // C, R, U, D, E
  std::string_view outcome = "0";    // 0, 4, 8
  std::string_view outcome_desc;     // "" = none
  int64_t time_ms = 0;
  std::string_view who;              // agent.who.display
  bool requestor = false;
  std::string_view address;          // agent.network.address (IP); "" = none
  std::string_view site;             // source.site; "" = none
};

// The AuditEvent without entities.
fhir::Json Event(const EventHeader& header);

}  // namespace vigil::audit::internal
