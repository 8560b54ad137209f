// The latent part of a stay (internal to vigil_synth): the person, the
// processes that move their physiology (sepsis, another deterioration,
// transient episodes), where they are (ward or ICU) and how the stay ends.
// Times are hours since admission. Nothing here is charted yet; measure.h
// turns a Course into charted values.
//
// Thread-safety: plain values.
#pragma once

#include <array>
#include <vector>

#include "ai/signals.h"
#include "synth/rng.h"
#include "synth/site.h"

namespace vigil::synth {

struct Person {
  int age = 60;
  bool male = false;
  std::array<bool, kComorbidityCount> comorbid{};
  bool beta_blocker = false;
  bool surgical = false;
  bool icu_admission = false;

  bool Has(Comorbidity c) const { return comorbid[static_cast<int>(c)]; }
};

Person DrawPerson(const CaseMix& mix, Rng& rng);

// Relative sepsis risk of a person (Physiology's sepsis_rr_*), before normalizing.
double SepsisRelativeRisk(const Physiology& phys, const Person& person);

// One latent process and its effects on this patient's signals.
struct Process {
  enum class Kind : uint8_t { kSepsis, kOtherDeterioration, kEpisode };
  Kind kind = Kind::kEpisode;
  // Deteriorations: intensity rises from start_h, is onset_x at onset_h and
  // peak_x at peak_h, then decays with tau_h, or rises to 1 at death_h (> 0).
  // Episodes: amplitude * sin(pi * u) between start_h and end_h.
  double start_h = 0, onset_h = 0, peak_h = 0, end_h = 0;
  double onset_x = 0, peak_x = 0, tau_h = 1, ramp_exponent = 1.5, death_h = -1;
  double amplitude = 0;
  double concern_weight = 1;  // EpisodeKind::concern for episodes
  EffectTable effects{};
  std::array<double, ai::kSignalCount> factor{};  // this patient's, 0 = no sign

  double Intensity(double t_h) const;
  // First time at or after from_h the intensity reaches x (end_h if never).
  double TimeReaching(double x, double from_h, double until_h) const;
  bool IsDeterioration() const { return kind != Kind::kEpisode; }
};

struct UnitSpan {
  bool icu = false;
  double start_h = 0, end_h = 0;
};

struct Course {
  std::vector<Process> processes;
  int sepsis = -1;  // index into processes, -1 when none
  int other = -1;
  double end_h = 0;  // discharge or death
  bool died = false;
  std::vector<UnitSpan> units;  // consecutive, covering [0, end_h]

  // How ill the patient looks to staff: the largest intensity, episodes
  // weighted by their EpisodeKind::concern.
  double Concern(double t_h) const;
  // Sum of every process's shift of signal s for a personal mean `mean`.
  double Shift(ai::Signal s, double mean, double t_h) const;
  bool InIcu(double t_h) const;
};

// admit_clock_h: hour of day (0-24, UTC) of the admission; discharges of
// survivors are moved to the late-morning/afternoon discharge window.
Course DrawCourse(const SitePreset& site, const Person& person, double p_sepsis,
                  double admit_clock_h, Rng& rng);

}  // namespace vigil::synth
