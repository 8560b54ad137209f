// SIRS, Bone et al., Chest 1992 (ACCP/SCCM consensus): one point per criterion
// met. Vital signs are rounded to the charted precision; laboratory values
// (WBC, PaCO2) are compared as reported.
#include <array>

#include "ai/scores/bands.h"
#include "ai/scores/early_warning.h"

namespace vigil::ai {
namespace {

using scores_internal::AddBanded;
using scores_internal::AddComponent;
using scores_internal::Band;
using scores_internal::BandPoints;
using scores_internal::ChartRound;
using scores_internal::kAbove;
using scores_internal::Measured;
using scores_internal::Precision;

constexpr std::array<Band, 3> kTemperature = {{{35.9, 1}, {38.0, 0}, {kAbove, 1}}};  // <36, >38
constexpr std::array<Band, 2> kHeartRate = {{{90, 0}, {kAbove, 1}}};                 // > 90
constexpr std::array<Band, 2> kRespiratoryRate = {{{20, 0}, {kAbove, 1}}};           // > 20

constexpr double kPaCO2Below = 32;  // mm[Hg]
constexpr double kWbcBelow = 4;     // 10*3/uL
constexpr double kWbcAbove = 12;

// RR > 20 or PaCO2 < 32, named after the input that decided it (see header).
void AddRespiratory(ScoreResult& r, const VitalSigns& v) {
  std::optional<double> rr = Measured(v.respiratory_rate);
  std::optional<double> paco2 = Measured(v.paco2);
  int rr_points = rr ? BandPoints(kRespiratoryRate, ChartRound(*rr, Precision::kWhole)) : 0;
  bool paco2_low = paco2 && *paco2 < kPaCO2Below;
  if (rr_points == 0 && paco2_low) {
    AddComponent(r, "paco2", paco2, 1);
  } else if (rr || !paco2) {
    AddComponent(r, "respiratory_rate", rr, rr_points);
  } else {
    AddComponent(r, "paco2", paco2, 0);
  }
}

void AddWbc(ScoreResult& r, const VitalSigns& v) {
  std::optional<double> wbc = Measured(v.wbc);
  bool abnormal = wbc && (*wbc < kWbcBelow || *wbc > kWbcAbove);
  AddComponent(r, "wbc", wbc, abnormal ? 1 : 0);
}

}  // namespace

ScoreResult Sirs(const VitalSigns& v) {
  ScoreResult r;
  r.scorer = "sirs";
  AddBanded(r, "temperature", v.temperature, Precision::kTenths, kTemperature);
  AddBanded(r, "heart_rate", v.heart_rate, Precision::kWhole, kHeartRate);
  AddRespiratory(r, v);
  AddWbc(r, v);
  return r;
}

}  // namespace vigil::ai
