// Values for the scheduled measurements (internal to vigil_synth).
//
// A charted value = the patient's personal mean + a 24-hour rhythm + a slow
// AR(1) drift + the shifts of every active process (course.h) + measurement
// noise + device bias, clamped to physiology, rounded to charted precision,
// and occasionally charted wrong or sent twice. Derived signals (haematocrit,
// SaO2, EtCO2, direct bilirubin, base excess; site.h) start instead from
// their sources' true values at the same moment.
//
// Thread-safety: plain functions.
#pragma once

#include <array>
#include <vector>

#include "ai/signals.h"
#include "synth/course.h"
#include "synth/rng.h"
#include "synth/schedule.h"
#include "synth/site.h"

namespace vigil::synth {

// The patient's own normal values (medians for log-normal signals).
struct Baseline {
  std::array<double, ai::kSignalCount> mean{};
  double spo2_target = 94;
  double home_o2_l_min = 0;
  // Personal relations of the derived signals (Physiology).
  double hct_per_hgb = 3;
  double etco2_gradient = 4;
  double direct_bilirubin_fraction = 0.3;
};

Baseline DrawBaseline(const Physiology& phys, const Person& person, Rng& rng);

struct Charted {
  double t_h = 0;
  ai::Signal signal = ai::Signal::kHeartRate;
  double value = 0;  // rounded to the signal's decimals
  bool charting_error = false;
  bool duplicate = false;
};

// Values for `orders` (sorted by time), in the same order; a cuff order
// (kSystolicBp) gives SBP, DBP and MAP.
std::vector<Charted> ChartOrders(const SitePreset& site, const Baseline& baseline,
                                 const Course& course, double admit_clock_h,
                                 const std::vector<Order>& orders, Rng& rng);

// A wrong value as a person might chart `value`: digits transposed, an extra
// zero, or (temperature) degrees Fahrenheit in a Celsius field.
double ChartingError(ai::Signal signal, double value, int decimals, Rng& rng);

}  // namespace vigil::synth
