// NEWS2, Royal College of Physicians 2017, chart 1. The tables below are the
// chart's rows; values are rounded to the charted precision first (bands.h).
#include <array>
#include <optional>
#include <span>
#include <string_view>

#include "ai/scores/bands.h"
#include "ai/scores/early_warning.h"

namespace vigil::ai {
namespace {

using scores_internal::AddBanded;
using scores_internal::AddComponent;
using scores_internal::Band;
using scores_internal::kAbove;
using scores_internal::Measured;
using scores_internal::Precision;

constexpr std::array<Band, 5> kRespiratoryRate = {{{8, 3}, {11, 1}, {20, 0}, {24, 2}, {kAbove, 3}}};
constexpr std::array<Band, 4> kSpO2Scale1 = {{{91, 3}, {93, 2}, {95, 1}, {kAbove, 0}}};
// Scale 2 on air: 93 and above score 0, like 88-92.
constexpr std::array<Band, 4> kSpO2Scale2Air = {{{83, 3}, {85, 2}, {87, 1}, {kAbove, 0}}};
constexpr std::array<Band, 7> kSpO2Scale2Oxygen = {
    {{83, 3}, {85, 2}, {87, 1}, {92, 0}, {94, 1}, {96, 2}, {kAbove, 3}}};
constexpr std::array<Band, 5> kSystolicBp = {{{90, 3}, {100, 2}, {110, 1}, {219, 0}, {kAbove, 3}}};
constexpr std::array<Band, 6> kPulse = {
    {{40, 3}, {50, 1}, {90, 0}, {110, 1}, {130, 2}, {kAbove, 3}}};
// Alert (GCS 15) 0; new confusion, voice, pain, unresponsive (GCS < 15) 3.
constexpr std::array<Band, 2> kConsciousness = {{{14, 3}, {kAbove, 0}}};
constexpr std::array<Band, 5> kTemperature = {
    {{35.0, 3}, {36.0, 1}, {38.0, 0}, {39.0, 1}, {kAbove, 2}}};

constexpr int kOxygenPoints = 2;
constexpr double kRoomAirFiO2 = 21;

// 1 = supplemental oxygen, 0 = air, nullopt = neither input measured.
std::optional<double> OnOxygen(const VitalSigns& v) {
  std::optional<double> flow = Measured(v.o2_flow);
  std::optional<double> fio2 = Measured(v.fio2);
  if ((flow && *flow > 0) || (fio2 && *fio2 > kRoomAirFiO2)) return 1.0;
  if (flow || fio2) return 0.0;
  return std::nullopt;
}

}  // namespace

ScoreResult News2(const VitalSigns& v) {
  ScoreResult r;
  r.scorer = "news2";
  std::optional<double> oxygen = OnOxygen(v);
  bool on_oxygen = oxygen && *oxygen > 0;
  std::span<const Band> spo2 = kSpO2Scale1;
  if (v.spo2_scale2) spo2 = on_oxygen ? std::span<const Band>(kSpO2Scale2Oxygen) : kSpO2Scale2Air;

  AddBanded(r, "respiratory_rate", v.respiratory_rate, Precision::kWhole, kRespiratoryRate);
  AddBanded(r, "spo2", v.spo2, Precision::kWhole, spo2);
  AddComponent(r, "air_or_oxygen", oxygen, on_oxygen ? kOxygenPoints : 0);
  AddBanded(r, "systolic_bp", v.systolic_bp, Precision::kWhole, kSystolicBp);
  AddBanded(r, "heart_rate", v.heart_rate, Precision::kWhole, kPulse);
  AddBanded(r, "consciousness", v.gcs, Precision::kWhole, kConsciousness);
  AddBanded(r, "temperature", v.temperature, Precision::kTenths, kTemperature);
  return r;
}

std::string_view News2Risk(const ScoreResult& news2) {
  if (news2.total >= 7) return "high";
  if (news2.total >= 5) return "medium";
  for (const ScoreComponent& c : news2.components) {
    if (c.points == 3) return "low-medium";
  }
  return "low";
}

}  // namespace vigil::ai
