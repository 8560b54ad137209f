// libFuzzer target for the HL7 v2 parser, the v2 -> FHIR mapping and ACKs.
//
// Any bytes: ParseBatch returns a Status or messages; each message is read
// through field paths, mapped (an error list or a Bundle), and acknowledged.
// Invariants checked beyond "no crash": a produced Bundle survives a JSON
// write/parse round trip (so it is valid UTF-8 JSON) and passes our R4
// validator (fhir/validate.h), and an ACK parses back
// as a message whose MSA-2 is the original control id. Crashes, sanitizer
// reports, hangs and broken invariants are bugs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fhir/json.h"
#include "fhir/validate.h"
#include "ingest/hl7v2/ack.h"
#include "ingest/hl7v2/parser.h"
#include "ingest/hl7v2/to_fhir.h"

namespace {

using namespace vigil::hl7v2;

void Check(const Message& m) {
  for (const char* path : {"MSH-9.2", "PID-3[2].4.1", "OBX(2)-5", "PV1-19", "ZZZ-1"}) {
    (void)m.Get(path);
  }
  MapResult result = MapToFhir(m);
  if (!result.bundle.is_null()) {
    auto back = vigil::fhir::ParseJson(vigil::fhir::WriteJson(result.bundle));
    if (!back.ok() || !(*back == result.bundle)) __builtin_trap();  // not valid JSON
    // Whatever the message said, a Bundle we produce must be valid FHIR.
    if (vigil::fhir::HasErrors(vigil::fhir::ValidateResource(result.bundle))) __builtin_trap();
  }
  AckOptions options;
  options.control_id = "ACK1";
  options.timestamp = "20240101000000+0000";
  std::string ack = BuildAck(m, AckCodeFor(result.issues), result.issues, options);
  auto parsed = ParseMessage(ack);
  // The ACK echoes MSH-10 escaped; it must decode to the same control id.
  if (!parsed.ok() || parsed->Get("MSA-2") != m.ControlId()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto batch = ParseBatch(text);
  if (!batch.ok()) return 0;
  for (const auto& m : batch->messages) {
    if (m.ok()) Check(*m);
  }
  return 0;
}
