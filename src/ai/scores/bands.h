// Internal to ai/scores: chart bands and the bookkeeping every scorer shares.
// Not part of the public API (see early_warning.h for the conventions).
#pragma once

#include <limits>
#include <optional>
#include <span>
#include <string_view>

#include "ai/scores/early_warning.h"

namespace vigil::ai::scores_internal {

inline constexpr double kAbove = std::numeric_limits<double>::infinity();

// One row of a chart: values up to and including `max` score `points`.
// A table lists rows in ascending `max` and ends with kAbove.
struct Band {
  double max;
  int points;
};

// The charted precision of a parameter: decimals after the point.
enum class Precision : int { kWhole = 0, kTenths = 1 };

// `value` if it is a finite number, else nullopt (not measured).
std::optional<double> Measured(std::optional<double> value);

// `value` rounded to `precision`, half away from zero.
double ChartRound(double value, Precision precision);

// The points of the first band whose max is >= value.
int BandPoints(std::span<const Band> bands, double value);

// Appends a component and adds its points to the total, or counts it as
// missing when `value` is nullopt.
void AddComponent(ScoreResult& result, std::string_view name, std::optional<double> value,
                  int points);

// Appends the component for `raw` rounded to `precision` and scored by `bands`.
void AddBanded(ScoreResult& result, std::string_view name, std::optional<double> raw,
               Precision precision, std::span<const Band> bands);

}  // namespace vigil::ai::scores_internal
