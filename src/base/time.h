// Wall-clock time as FHIR and HTTP write it. Times are int64 milliseconds since
// the Unix epoch, UTC, everywhere in Vigil.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

// The system clock now.
int64_t NowMs();
// The same in whole seconds (JWT NumericDate).
inline int64_t NowSeconds() { return NowMs() / 1000; }
// FHIR instant with milliseconds: "2026-11-29T17:40:22.123Z".
std::string FormatInstant(int64_t ms_since_epoch);
// RFC 7231 HTTP-date: "Sun, 29 Nov 2026 17:40:22 GMT".
std::string FormatHttpDate(int64_t ms_since_epoch);
// A FHIR dateTime with at least minute precision ("2026-01-03T08:00:00Z",
// "2026-01-03T08:00:00.250+01:00") or a date ("2026-01-03", read as midnight UTC)
// as epoch milliseconds; nullopt for anything else (partial dates included).
std::optional<int64_t> ParseFhirDateTimeMs(std::string_view text);

}  // namespace vigil
