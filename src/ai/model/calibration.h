// Platt scaling: calibrated log-odds = slope × model log-odds + intercept.
//
// Training weights positive rows up (scale_pos_weight) so that trees see enough
// of the rare class; that shifts and stretches the model's log-odds. A logistic
// fit of the labels on the validation rows' log-odds maps them back to
// probabilities that match observed rates. Because the map is affine in
// log-odds, TreeSHAP explanations stay exact: each contribution is multiplied by
// the slope and the base value becomes slope × bias + intercept.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cmath>
#include <span>

namespace vigil::ai {

struct Calibration {
  double slope = 1;
  double intercept = 0;

  double LogOdds(double margin) const { return slope * margin + intercept; }
  double Probability(double margin) const { return 1.0 / (1.0 + std::exp(-LogOdds(margin))); }
};

// Maximum-likelihood fit (Newton's method) of labels (0/1) on margins; identity
// when there are fewer than one row of each class.
Calibration FitPlatt(std::span<const float> margins, std::span<const float> labels);

}  // namespace vigil::ai
