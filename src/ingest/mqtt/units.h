// Internal to the device-reading parser: the unit of a reading, as UCUM, and
// its value in the unit Vigil stores (docs/device-streams.md, "Units").
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ai/signals.h"

namespace vigil::mqtt::internal {

struct Quantity {
  std::string value;  // decimal text
  std::string unit;   // "" when none
  bool ucum = false;  // unit is a UCUM code
};

// The UCUM code for unit: the accepted spellings ("bpm", "mmHg", "degF", ...,
// case-insensitive), else unit itself when it parses as UCUM; nullopt otherwise.
std::optional<std::string> ToUcum(std::string_view unit);

// value (JSON number text) in unit ("" = not given: the signal's unit) as the
// signal's canonical unit. Errors: InvalidArgument when the unit is not UCUM or
// measures something else (kg for a heart rate).
absl::StatusOr<Quantity> SignalQuantity(ai::Signal signal, std::string_view value,
                                        std::string_view unit);

// value in unit for a code outside the signal table: the unit kept (as UCUM
// when it is UCUM, else as text).
absl::StatusOr<Quantity> OtherQuantity(std::string_view value, std::string_view unit);

}  // namespace vigil::mqtt::internal
