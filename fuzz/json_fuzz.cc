// libFuzzer target for the FHIR JSON layer.
//
// Any byte string must either be rejected by ParseJson with a Status or parse into
// a tree that WriteJson prints and ParseJson reads back to the same tree (compact
// and pretty). Crashes, sanitizer reports, hangs and a failed round trip are bugs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fhir/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using vigil::fhir::ParseJson;
  using vigil::fhir::WriteJson;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = ParseJson(text);
  if (!parsed.ok()) return 0;
  for (bool pretty : {false, true}) {
    const std::string written = WriteJson(*parsed, pretty);
    auto reparsed = ParseJson(written);
    if (!reparsed.ok() || !(*reparsed == *parsed)) __builtin_trap();  // round trip broken
  }
  return 0;
}
