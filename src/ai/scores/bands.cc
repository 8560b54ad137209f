#include "ai/scores/bands.h"

#include <cmath>

namespace vigil::ai::scores_internal {

std::optional<double> Measured(std::optional<double> value) {
  if (value && std::isfinite(*value)) return value;
  return std::nullopt;
}

double ChartRound(double value, Precision precision) {
  // std::round rounds half away from zero. Scaling by 10 lands a charted
  // half such as 38.05 (a double just below it) exactly on 380.5.
  if (precision == Precision::kWhole) return std::round(value);
  return std::round(value * 10.0) / 10.0;
}

int BandPoints(std::span<const Band> bands, double value) {
  for (const Band& band : bands) {
    if (value <= band.max) return band.points;
  }
  return bands.back().points;  // unreachable for tables that end with kAbove
}

void AddComponent(ScoreResult& result, std::string_view name, std::optional<double> value,
                  int points) {
  if (!value) {
    points = 0;
    ++result.missing;
  }
  result.total += points;
  result.components.push_back(ScoreComponent{name, value, points});
}

void AddBanded(ScoreResult& result, std::string_view name, std::optional<double> raw,
               Precision precision, std::span<const Band> bands) {
  std::optional<double> value = Measured(raw);
  int points = value ? BandPoints(bands, ChartRound(*value, precision)) : 0;
  AddComponent(result, name, value, points);
}

}  // namespace vigil::ai::scores_internal
