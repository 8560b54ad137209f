// HL7 v2 message -> FHIR R4 transaction Bundle (JSON).
//
// Supported: ADT^A01/A02/A03/A04/A08/A11/A13 (Patient, Encounter) and
// ORU^R01 (Patient, DiagnosticReport per OBR, Observation per OBX); every
// Bundle also holds one Provenance for the message. docs/hl7v2-mapping.md is
// the field-by-field table; it and this code change together.
//
// Identities, so that a resent or later message updates rather than duplicates:
//   Patient     PUT Patient?identifier=SYSTEM|VALUE from PID-3 (ADT: a
//               conditional update; ORU: a conditional create, POST with
//               ifNoneExist, as a lab is not the master of demographics)
//   Encounter   PUT Encounter?identifier=SYSTEM|VALUE from PV1-19
//   DiagnosticReport / Observation
//               PUT ...?identifier= from the filler (else placer) order number
//               and OBX-3/OBX-4, when the OBR has one; else a plain POST
// Other entries reference a resource by its entry's fullUrl (a stable
// urn:uuid); a transaction resolves it to the matched or created id.
//
// Bad data is reported as Issues (issue.h) naming the field, never as a
// crash: an error means no Bundle (MapResult::bundle is null), warnings
// mean data was dropped or approximated and the Bundle is still complete.
//
// Thread-safety: pure; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fhir/json.h"
#include "ingest/hl7v2/issue.h"
#include "ingest/hl7v2/message.h"

namespace vigil::hl7v2 {

struct MapOptions {
  // Offset for local HL7 times ("+01:00"); none: times without an offset keep
  // only their date (datetime.h).
  std::optional<std::string> default_offset;
  // Provenance.recorded when MSH-7 is not a full instant (FHIR instant;
  // callers pass their clock's now).
  std::string received_at = "1970-01-01T00:00:00Z";
  // Identifier systems for assigning authorities given only by name (CX.4.1,
  // EI.2): PREFIX + the name, percent-encoded.
  std::string local_system_prefix = "urn:vigil:hl7v2:authority:";
};

struct MapResult {
  fhir::Json bundle;          // the transaction Bundle; null when an error occurred
  std::vector<Issue> issues;  // errors and warnings, in message order

  bool ok() const { return !HasErrors(issues); }
};

// Maps one message. Unsupported message types are an error on MSH-9.
MapResult MapToFhir(const Message& message, const MapOptions& options = {});

// Whether MapToFhir supports this MSH-9 (code, trigger).
bool IsSupported(std::string_view message_code, std::string_view trigger);

}  // namespace vigil::hl7v2
