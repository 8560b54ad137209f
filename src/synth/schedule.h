// When things get measured (internal to vigil_synth): vital-sign rounds whose
// frequency follows the unit and how ill the patient looks (EtCO2 only while
// ventilated in the ICU), and lab draws (admission panel, morning bloods, ICU
// schedule, a work-up when sick).
// The schedule only says what is taken when; measure.h gives the values.
//
// Thread-safety: plain functions.
#pragma once

#include <vector>

#include "ai/signals.h"
#include "synth/course.h"
#include "synth/rng.h"
#include "synth/site.h"

namespace vigil::synth {

// One measurement to take. kSystolicBp stands for the cuff reading: SBP, DBP
// and MAP together.
struct Order {
  double t_h = 0;
  ai::Signal signal = ai::Signal::kHeartRate;
};

// Orders within [0, course.end_h), sorted by time.
std::vector<Order> ScheduleStay(const SitePreset& site, const Person& person, const Course& course,
                                double admit_clock_h, Rng& rng);

}  // namespace vigil::synth
