// Stays from PhysioNet/CinC 2019 PSV tables (one file per stay, one row per
// hour; the format `vigil synth --psv` writes and the challenge published).
//
// Row k (0-based) holds the measurements taken in hour k since admission; they
// are placed at admission + k h + 30 min, so that the training row at hour
// k + 1 sees them, as PhysioNet's own row k does. Columns are matched by name
// through src/ai/signals.h (FiO2 is a fraction there and becomes %); columns
// Vigil does not model are ignored; NaN is "not measured". Age and Gender
// (1 = male) give the demographics; Unit1/Unit2 = 1 marks ICU hours. The admission
// is at the Unix epoch: PSV files carry no dates.
//
// The label comes from SepsisLabel: with the first 1 at row r, onset is at
// admission + (r + 7) h, so that the dataset's label (1 from onset − 6 h) is 1
// exactly on the rows PhysioNet labels 1.
//
// Errors: InvalidArgument naming the line and column of anything malformed.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ai/labels.h"
#include "ai/timeline.h"

namespace vigil::ai {

struct PsvStay {
  Stay stay;
  StayOutcome outcome;
};

// `id` names the stay (patient and encounter id), usually the file's stem.
absl::StatusOr<PsvStay> ParsePsv(std::string_view text, std::string_view id);

}  // namespace vigil::ai
