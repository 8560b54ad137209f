// Internal to the v2 -> FHIR mapping: the value parts of one OBX segment.
//
//   OBX-2/5/6  -> Observation.value[x] (by value type, docs/hl7v2-mapping.md)
//   OBX-7      -> Observation.referenceRange ("3.5-5.0", "<5", ">10", else text)
//   OBX-8      -> Observation.interpretation (v2-0078 -> v3-ObservationInterpretation)
//   OBX-11     -> Observation.status
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fhir/json.h"
#include "ingest/hl7v2/map_context.h"

namespace vigil::hl7v2::internal {

// Whether OBX-5 holds a value of a type MapObxValue maps.
bool HasMappableValue(MapContext& ctx, const Segment& obx);
void MapObxValue(MapContext& ctx, const Segment& obx, fhir::Json& observation);
void MapReferenceRange(MapContext& ctx, const Segment& obx, fhir::Json& observation);
void MapInterpretation(MapContext& ctx, const Segment& obx, fhir::Json& observation);
// OBX-11 -> ObservationStatus ("unknown" when empty; a warning when not in table 0085).
std::string ObservationStatus(MapContext& ctx, const Segment& obx);

// An HL7 NM ("+1.50", ".5", "007") as a JSON/FHIR decimal ("1.50", "0.5", "7"); nullopt if invalid.
std::optional<std::string> NormalizeDecimal(std::string_view nm);

}  // namespace vigil::hl7v2::internal
