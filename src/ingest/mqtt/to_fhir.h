// A device reading -> the FHIR transaction Bundle that stores it
// (docs/device-streams.md, "What is stored"):
//
//   entry 0  POST Device       ifNoneExist identifier=urn:vigil:device|<device>
//   entry 1  POST Observation  ifNoneExist identifier=urn:vigil:device-reading|<ReadingKey>
//            status final, category vital-signs (laboratory for the table's lab
//            signals), code LOINC, valueQuantity (UCUM), effectiveDateTime,
//            subject "Patient?identifier=<system>|<value>" (a conditional
//            reference: the transaction fails unless exactly one Patient has it),
//            encounter "Encounter/<id>" when given, device -> entry 0.
//
// Both creates are conditional, so a message delivered twice (MQTT QoS 1)
// stores one Observation and one Device; the second transaction writes nothing.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "fhir/json.h"
#include "ingest/mqtt/reading.h"

namespace vigil::mqtt {

inline constexpr std::string_view kDeviceSystem = "urn:vigil:device";
inline constexpr std::string_view kReadingSystem = "urn:vigil:device-reading";

// encounter_id: the patient's in-progress Encounter, "" for none.
fhir::Json ReadingBundle(const DeviceReading& reading, std::string_view encounter_id);

// A token search value "system|value" with the search syntax's special
// characters (, | $ \) of each part escaped; decoded form.
std::string TokenValue(std::string_view system, std::string_view value);

// "identifier=" + TokenValue, percent-encoded for a conditional URL.
std::string IdentifierQuery(std::string_view system, std::string_view value);

}  // namespace vigil::mqtt
