// qSOFA, Seymour et al., JAMA 2016: one point per criterion met.
#include <array>

#include "ai/scores/bands.h"
#include "ai/scores/early_warning.h"

namespace vigil::ai {
namespace {

using scores_internal::AddBanded;
using scores_internal::Band;
using scores_internal::kAbove;
using scores_internal::Precision;

constexpr std::array<Band, 2> kRespiratoryRate = {{{21, 0}, {kAbove, 1}}};  // >= 22
constexpr std::array<Band, 2> kSystolicBp = {{{100, 1}, {kAbove, 0}}};      // <= 100
constexpr std::array<Band, 2> kMentation = {{{14, 1}, {kAbove, 0}}};        // GCS < 15

}  // namespace

ScoreResult Qsofa(const VitalSigns& v) {
  ScoreResult r;
  r.scorer = "qsofa";
  AddBanded(r, "respiratory_rate", v.respiratory_rate, Precision::kWhole, kRespiratoryRate);
  AddBanded(r, "systolic_bp", v.systolic_bp, Precision::kWhole, kSystolicBp);
  AddBanded(r, "consciousness", v.gcs, Precision::kWhole, kMentation);
  return r;
}

}  // namespace vigil::ai
