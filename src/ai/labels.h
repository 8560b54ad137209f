// Outcome labels for training and evaluation, read from a label file.
//
// The label file is the synthetic hospital's truth.json (docs/synthetic-hospital.md),
// and any site can write one for its own data: a JSON object whose "stays" array
// holds {"encounter": ID, "sepsis": true|false, "onset": FHIR instant (when
// sepsis)}; other members are ignored. An entry with "admitted": true (a stay
// still in hospital when its data end, `vigil synth --admitted`) gets no label:
// its data stop before its outcome, so training and evaluation leave it out
// and count it among the unlabelled stays. Labels are never read by the
// scoring path.
//
// Errors: InvalidArgument naming the stay entry that is malformed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "fhir/json.h"

namespace vigil::ai {

struct StayOutcome {
  bool sepsis = false;
  int64_t onset_ms = 0;  // when sepsis
};

// Encounter id -> outcome.
using LabelMap = std::unordered_map<std::string, StayOutcome>;

absl::StatusOr<LabelMap> ParseLabels(const fhir::Json& truth);

}  // namespace vigil::ai
