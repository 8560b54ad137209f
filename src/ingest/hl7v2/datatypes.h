// Internal to the v2 -> FHIR mapping: HL7 v2 composite data types to FHIR
// data types. Each returns an empty Json (IsEmpty) when there is nothing to
// map, so callers can append unconditionally. docs/hl7v2-mapping.md lists
// the components used.
#pragma once

#include <string>
#include <string_view>

#include "fhir/json.h"
#include "ingest/hl7v2/message.h"
#include "ingest/hl7v2/to_fhir.h"

namespace vigil::hl7v2::internal {

// FHIR system URI of an HL7 coding system name (CE.3/CWE.3): "LN" ->
// "http://loinc.org", "HL70078" -> ".../CodeSystem/v2-0078"; "" when unknown
// (local codes keep no system).
std::string CodeSystemUri(std::string_view name);

// Identifier system of an assigning authority (HD, or EI.2-4): ISO ->
// urn:oid:, URI/UUID -> itself / urn:uuid:, a bare namespace -> options'
// local prefix + the name; "" when all are empty.
std::string AuthoritySystem(std::string_view namespace_id, std::string_view universal_id,
                            std::string_view universal_id_type, const MapOptions& options);

// CE/CWE/CNE (one repetition) -> CodeableConcept: coding from components
// 1-3 and the alternate 4-6, text from CWE.9 or else component 2.
fhir::Json CodeableConcept(const Element& ce);
// One Coding of code, display and an HL7 coding system name.
fhir::Json Coding(const std::string& code, const std::string& display,
                  std::string_view system_name);
// A CodeableConcept with one coding in system (a URI) — for table values.
fhir::Json TableConcept(const std::string& code, std::string_view system_uri);

// CX (one repetition) -> Identifier (value, system from CX.4 or fallback, type CX.5).
fhir::Json Identifier(const Element& cx, const MapOptions& options,
                      std::string_view fallback_authority);
// The identifier system CX.4 gives (or fallback_authority's local system).
std::string CxSystem(const Element& cx, const MapOptions& options,
                     std::string_view fallback_authority);

fhir::Json HumanName(const Element& xpn);                // XPN
fhir::Json Address(const Element& xad);                  // XAD
fhir::Json ContactPoint(const Element& xtn, bool work);  // XTN; work: PID-14
// XCN -> a Reference by identifier (XCN.1) and display ("Given Family").
fhir::Json PersonReference(const Element& xcn);
// PL -> "point of care, room, bed, facility" (non-empty parts).
std::string LocationDisplay(const Element& pl);

}  // namespace vigil::hl7v2::internal
