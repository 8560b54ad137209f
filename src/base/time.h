// Wall-clock time as FHIR and HTTP write it. Times are int64 milliseconds since
// the Unix epoch, UTC, everywhere in Vigil.
#pragma once

#include <cstdint>
#include <string>

namespace vigil {

// The system clock now.
int64_t NowMs();
// FHIR instant with milliseconds: "2026-11-29T17:40:22.123Z".
std::string FormatInstant(int64_t ms_since_epoch);
// RFC 7231 HTTP-date: "Sun, 29 Nov 2026 17:40:22 GMT".
std::string FormatHttpDate(int64_t ms_since_epoch);

}  // namespace vigil
