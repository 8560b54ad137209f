// Internal to the v2 -> FHIR mapping: one function per produced resource
// kind. Each appends Bundle entries to the MapContext and records issues;
// the returned string is the new entry's fullUrl ("" when it could not be made).
#pragma once

#include <string>
#include <string_view>

#include "ingest/hl7v2/map_context.h"

namespace vigil::hl7v2::internal {

enum class PatientWrite {
  kConditionalUpdate,  // ADT: the message is the source of demographics
  kConditionalCreate,  // ORU: create only when no Patient has the identifier
};

// PID -> Patient.
std::string MapPatient(MapContext& ctx, const Segment& pid, PatientWrite write);

// PV1 (+EVN) -> Encounter for an ADT event (A01, A02, ...).
std::string MapEncounter(MapContext& ctx, const Segment& pv1, std::string_view event,
                         const std::string& patient_url);

// The visit of a result message (ORU PV1-19) -> a conditionally created
// Encounter: the one ADT made when it exists, else a placeholder with status
// "unknown". "" when PV1-19 is empty (the results then name no encounter).
std::string MapResultVisit(MapContext& ctx, const Segment& pv1, const std::string& patient_url);

// Each OBR with its OBX segments -> DiagnosticReport + Observations; they
// reference encounter_url when it is not "".
void MapResults(MapContext& ctx, const std::string& patient_url, const std::string& encounter_url);

// The Provenance of everything added so far.
void MapProvenance(MapContext& ctx);

}  // namespace vigil::hl7v2::internal
