#include "ai/labels.h"

#include "base/str.h"
#include "base/time.h"

namespace vigil::ai {

absl::StatusOr<LabelMap> ParseLabels(const fhir::Json& truth) {
  const fhir::Json* stays = truth.Find("stays");
  if (stays == nullptr || !stays->is_array()) {
    return absl::InvalidArgumentError("label file: no \"stays\" array");
  }
  LabelMap labels;
  size_t index = 0;
  for (const fhir::Json& s : stays->items()) {
    const fhir::Json* encounter = s.Find("encounter");
    const fhir::Json* sepsis = s.Find("sepsis");
    if (encounter == nullptr || !encounter->is_string() || sepsis == nullptr || !sepsis->is_bool()) {
      return absl::InvalidArgumentError(
          StrCat("label file: stays[", index, "] needs \"encounter\" (string) and \"sepsis\" (boolean)"));
    }
    // A stay still in hospital: its outcome is not known from its data, so it
    // gets no label (training and evaluation count it as unlabelled).
    const fhir::Json* admitted = s.Find("admitted");
    if (admitted != nullptr && !admitted->is_bool()) {
      return absl::InvalidArgumentError(
          StrCat("label file: stays[", index, "] has a non-boolean \"admitted\""));
    }
    if (admitted != nullptr && admitted->bool_value()) {
      ++index;
      continue;
    }
    StayOutcome outcome;
    outcome.sepsis = sepsis->bool_value();
    if (outcome.sepsis) {
      const fhir::Json* onset = s.Find("onset");
      std::optional<int64_t> ms = onset == nullptr ? std::nullopt : ParseFhirDateTimeMs(onset->text());
      if (!ms) {
        return absl::InvalidArgumentError(
            StrCat("label file: stays[", index, "] is septic but has no valid \"onset\" instant"));
      }
      outcome.onset_ms = *ms;
    }
    labels[encounter->text()] = outcome;
    ++index;
  }
  return labels;
}

}  // namespace vigil::ai
