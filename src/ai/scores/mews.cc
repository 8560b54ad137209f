// MEWS, Subbe et al., QJM 2001. AVPU is approximated from the GCS total
// (early_warning.h): 15 Alert 0, 13-14 Voice 1, 9-12 Pain 2, 3-8 Unresponsive 3.
#include <array>

#include "ai/scores/bands.h"
#include "ai/scores/early_warning.h"

namespace vigil::ai {
namespace {

using scores_internal::AddBanded;
using scores_internal::Band;
using scores_internal::kAbove;
using scores_internal::Precision;

constexpr std::array<Band, 5> kSystolicBp = {{{70, 3}, {80, 2}, {100, 1}, {199, 0}, {kAbove, 2}}};
constexpr std::array<Band, 6> kHeartRate = {
    {{40, 2}, {50, 1}, {100, 0}, {110, 1}, {129, 2}, {kAbove, 3}}};
// < 9 is <= 8 at whole-number precision.
constexpr std::array<Band, 5> kRespiratoryRate = {{{8, 2}, {14, 0}, {20, 1}, {29, 2}, {kAbove, 3}}};
// < 35 is <= 34.9 at one-decimal precision.
constexpr std::array<Band, 3> kTemperature = {{{34.9, 2}, {38.4, 0}, {kAbove, 2}}};
constexpr std::array<Band, 4> kAvpuFromGcs = {{{8, 3}, {12, 2}, {14, 1}, {kAbove, 0}}};

}  // namespace

ScoreResult Mews(const VitalSigns& v) {
  ScoreResult r;
  r.scorer = "mews";
  AddBanded(r, "systolic_bp", v.systolic_bp, Precision::kWhole, kSystolicBp);
  AddBanded(r, "heart_rate", v.heart_rate, Precision::kWhole, kHeartRate);
  AddBanded(r, "respiratory_rate", v.respiratory_rate, Precision::kWhole, kRespiratoryRate);
  AddBanded(r, "temperature", v.temperature, Precision::kTenths, kTemperature);
  AddBanded(r, "consciousness", v.gcs, Precision::kWhole, kAvpuFromGcs);
  return r;
}

}  // namespace vigil::ai
