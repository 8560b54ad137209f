// Every parameter of the synthetic hospital, in one place.
//
// Physiology holds what is true of patients anywhere: population norms of each
// signal, how comorbidities shift them, the sepsis and "other deterioration"
// processes and their effect sizes, the distracting transient episodes,
// mortality, oxygen therapy and charting errors. SitePreset adds what differs
// between hospitals: case mix, measurement practice and device calibration.
// docs/synthetic-hospital.md describes the model these numbers drive; change a
// default here and the table there together.
//
// Units are each signal's canonical unit (ai/signals.h); times are hours.
// A "severity" or "intensity" is a latent number in [0, 1].
//
// Thread-safety: plain values; the presets are built on each call.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "ai/signals.h"

namespace vigil::synth {

// Population distribution of one signal and its within-patient variation.
// For log_normal signals (most labs) mean is the population median, between_sd,
// drift_sd and noise_sd are log-scale sds (roughly coefficients of variation).
struct SignalNorm {
  double mean = 0;
  double between_sd = 0;  // sd of each patient's personal mean around `mean`
  bool log_normal = false;
  double drift_sd = 0;        // stationary sd of the AR(1) (Ornstein-Uhlenbeck) drift
  double drift_tau_h = 6;     // its correlation time
  double noise_sd = 0;        // measurement noise of one value
  double diurnal_amp = 0;     // amplitude of the 24-hour rhythm
  double diurnal_peak_h = 0;  // clock hour (UTC) of the rhythm's peak
  double floor = 0;           // the true value is clamped to [floor, ceiling]
  double ceiling = 0;
  int decimals = 0;  // charted precision
};

// How a signal moves with a latent intensity x in [0, 1]:
// shift = factor * (add + rel * personal_mean) * x^exponent, where each patient
// shows the sign with probability `prevalence` and then has
// factor ~ U(1 - spread, 1 + spread).
struct SignalEffect {
  double add = 0;
  double rel = 0;
  double spread = 0.5;
  double exponent = 1;
  double prevalence = 1;
};
using EffectTable = std::array<SignalEffect, ai::kSignalCount>;
using NormTable = std::array<SignalNorm, ai::kSignalCount>;

NormTable DefaultNorms();
EffectTable DefaultSepsisEffects();
EffectTable DefaultHeartFailureEffects();
EffectTable DefaultBleedingEffects();
EffectTable DefaultPostOpFeverEffects();
EffectTable DefaultPainEffects();
EffectTable DefaultCopdDesaturationEffects();
EffectTable DefaultDehydrationEffects();

// A deterioration: intensity rises from 0 over `prodrome` hours before the
// onset (x = onset_x * u^ramp_exponent, u the fraction of the prodrome gone),
// keeps rising to peak_x over `to_peak` hours (treatment starts working), then
// decays exponentially with time constant `recovery_tau` (or, for a patient who
// dies, rises to 1 until death).
struct DeteriorationShape {
  double prodrome_min_h = 6, prodrome_max_h = 18;
  double ramp_exponent = 1.5;
  double onset_x_min = 0.4, onset_x_max = 0.6;
  double peak_x_min = 0.6, peak_x_max = 1.0;
  double to_peak_min_h = 3, to_peak_max_h = 24;
  double recovery_tau_median_h = 24, recovery_tau_sigma = 0.5;
  // Onset time after admission: min_after_admit_h + LogNormal(median, sigma), capped.
  double min_after_admit_h = 12;
  double after_admit_median_h = 30, after_admit_sigma = 0.9;
  double max_after_admit_h = 14 * 24;
};

// A transient episode: intensity amplitude * sin(pi * u) over its duration.
// `concern` scales how ill it makes the patient look to staff (more frequent
// vitals, a lactate work-up when concern reaches Practice::workup_concern).
struct EpisodeKind {
  double rate_per_day = 0;  // Poisson rate (post-operative fever: a probability, see below)
  double duration_min_h = 1, duration_max_h = 4;
  double amplitude_min = 0.5, amplitude_max = 1.0;
  double concern = 0.5;
  EffectTable effects{};
};

enum class Comorbidity : uint8_t {
  kCopd,
  kHeartFailure,
  kCkd,
  kDiabetes,
  kHypertension,
  kCancer,
  kCount
};
inline constexpr int kComorbidityCount = static_cast<int>(Comorbidity::kCount);

struct Physiology {
  NormTable norms = DefaultNorms();

  // Comorbidities and demographics shift the personal means.
  double copd_spo2_mean = 92.0, copd_spo2_sd = 1.5;
  double copd_paco2_shift = 8, copd_hco3_shift = 3;
  double copd_home_o2_fraction = 0.2, copd_home_o2_l_min = 2;
  double ckd_creatinine_factor = 2.2, ckd_bun_factor = 2.0;
  double ckd_hgb_shift = -1.5, ckd_potassium_shift = 0.3;
  double diabetes_glucose_factor = 1.45;
  double heart_failure_bun_factor = 1.2;
  double cancer_hgb_shift = -1.0;
  double ckd_calcium_shift = -0.3, ckd_magnesium_shift = 0.2, ckd_phosphate_shift = 0.8;
  double female_hgb_shift = -1.2;
  double male_creatinine_factor = 1.15;
  double sbp_per_decade_over_50 = 3;
  double beta_blocker_hr_shift = -10;
  double beta_blocker_tachycardia_factor = 0.5;  // scales every HR effect
  double gcs_14_fraction = 0.04, gcs_14_fraction_over_80 = 0.15;
  double min_personal_rr = 10;

  // Signals derived at the moment of measurement from another one's true
  // value (their norms give only noise, clamp and precision): haematocrit =
  // a personal ratio x Hgb; SaO2 = the arterial saturation behind SpO2 (after
  // oxygen, without the oximeter's bias); EtCO2 = PaCO2 - a personal gradient
  // (+ EtCO2's own effects: dead space); direct bilirubin = a personal
  // fraction of the total up to its personal mean plus a share of any rise
  // above it; base excess = 0.93 (HCO3 - 24.4 + 14.8 (pH - 7.4)) (Van Slyke).
  double hct_per_hgb = 3.0, hct_per_hgb_sd = 0.1;
  double etco2_gradient = 4, etco2_gradient_sd = 1.5, copd_etco2_gradient_shift = 4;
  double direct_bilirubin_fraction = 0.3, direct_bilirubin_fraction_sd = 0.25;  // log scale
  double direct_bilirubin_share_of_rise = 0.7;

  // Sepsis.
  DeteriorationShape sepsis_shape;
  EffectTable sepsis = DefaultSepsisEffects();
  double febrile_fraction = 0.70, hypothermic_fraction = 0.15;  // the rest: no temperature sign
  double hypothermia_add = -1.5;
  double leukopenia_fraction = 0.15, leukopenia_rel = -0.5;
  double respiratory_source_fraction = 0.4, respiratory_source_factor = 1.8;  // RR, SpO2
  // Relative risks; the stay's probability is site sepsis_fraction * RR / mean RR.
  double sepsis_rr_age_over_75 = 1.4, sepsis_rr_diabetes = 1.3, sepsis_rr_ckd = 1.3,
         sepsis_rr_cancer = 1.8, sepsis_rr_copd = 1.2, sepsis_rr_icu_admission = 1.5;

  // Other deterioration (non-septic): heart-failure decompensation or bleeding.
  DeteriorationShape other_shape = OtherShape();
  EffectTable heart_failure = DefaultHeartFailureEffects();
  EffectTable bleeding = DefaultBleedingEffects();
  double heart_failure_given_hf = 0.75;  // else bleeding
  double heart_failure_given_no_hf = 0.15;

  // Transient distractors in any stay.
  EpisodeKind post_op_fever{
      0.35, 6, 24, 0.5, 1.0, 0.45, DefaultPostOpFeverEffects()};  // P(surgical)
  double post_op_fever_latest_start_h = 48;
  EpisodeKind pain{0.15, 1, 4, 0.5, 1.0, 0.2, DefaultPainEffects()};
  EpisodeKind copd_desaturation{0.30, 2, 8, 0.5, 1.0, 0.4, DefaultCopdDesaturationEffects()};
  EpisodeKind dehydration{0.02, 6, 24, 0.5, 1.0, 0.4, DefaultDehydrationEffects()};
  double dehydration_rate_factor_over_70 = 2;

  // Outcomes: P(death | deterioration) = logistic(a + b * peak intensity).
  double death_logit_a = -7.0, death_logit_b = 6.5;
  double baseline_death = 0.004, baseline_death_over_80 = 0.015;
  double death_after_peak_min_h = 6, death_after_peak_max_h = 72;

  // Oxygen therapy: below target SpO2 nurses give oxygen, which recovers part
  // of the deficit (so SpO2 alone understates hypoxaemia).
  double spo2_target = 94, copd_spo2_target = 90;
  double o2_recovered_fraction = 0.8;
  double o2_l_min_per_deficit_point = 0.7, o2_max_l_min = 15;
  double fio2_percent_per_l_min = 4;

  // Charting: a fraction of hand-charted vital values is wrong (digit
  // transposition, an extra zero, temperature in Fahrenheit); a fraction of
  // all Observations is sent twice.
  double charting_error_rate = 0.002;
  double duplicate_rate = 0.001;
  double rr_even_preference = 0.5;  // RR charted as the nearest even number

  static DeteriorationShape OtherShape() {
    DeteriorationShape s;
    s.prodrome_min_h = 2, s.prodrome_max_h = 8;
    s.onset_x_min = 0.3, s.onset_x_max = 0.5;
    s.peak_x_min = 0.5, s.peak_x_max = 0.9;
    s.to_peak_min_h = 2, s.to_peak_max_h = 12;
    s.recovery_tau_median_h = 18;
    return s;
  }
};

// Who is admitted.
struct CaseMix {
  struct AgeComponent {
    double weight, mean, sd;
  };
  std::array<AgeComponent, 2> age{{{0.7, 74, 11}, {0.3, 52, 16}}};
  double min_age = 18, max_age = 100;
  double male_fraction = 0.48;
  double icu_admission_fraction = 0.15;
  double surgical_fraction = 0.20;
  double sepsis_fraction = 0.05;
  double other_deterioration_fraction = 0.04;  // of the non-septic stays
  // Comorbidity prevalence at age 60 and its odds ratio per decade of age.
  struct Prevalence {
    double at_60, odds_ratio_per_decade;
  };
  std::array<Prevalence, kComorbidityCount> comorbidity{{
      {0.12, 1.4},  // COPD
      {0.10, 1.8},  // heart failure
      {0.12, 1.7},  // CKD
      {0.22, 1.2},  // diabetes
      {0.45, 1.5},  // hypertension
      {0.08, 1.3},  // cancer
  }};
  double beta_blocker_given_hf_or_htn = 0.45;
  // Length of stay: LogNormal(median, sigma) days, clipped; a deterioration can lengthen it.
  double ward_los_median_days = 4, icu_los_median_days = 5, los_sigma = 0.6;
  double min_los_days = 1, max_los_days = 21, max_total_los_days = 30;
  double icu_first_segment_median_h = 48, icu_first_segment_sigma = 0.6;
};

// How the site measures.
struct Practice {
  double ward_vitals_interval_h = 4, icu_vitals_interval_h = 1;
  double min_ward_interval_h = 1;  // at full concern (intensity >= full_concern)
  double full_concern = 0.6;
  double interval_spread = 0.2;  // each interval * U(1 - spread, 1 + spread)
  double interval_jitter_sd_h = 0.2;
  double skip_round_prob = 0.05;
  // Probability that a vital is taken in a round (SBP stands for SBP+DBP+MAP).
  double ward_hr = 0.98, ward_rr = 0.92, ward_spo2 = 0.95, ward_temp = 0.85, ward_bp = 0.95,
         ward_gcs = 0.30, ward_gcs_concerned = 0.9, ward_o2 = 0.85;
  double icu_hr = 1.0, icu_rr = 0.95, icu_spo2 = 0.98, icu_temp = 0.35, icu_bp = 0.98,
         icu_gcs = 0.25, icu_fio2 = 0.5;
  // Labs: an admission panel, a morning draw, more in the ICU, a work-up when sick.
  double morning_lab_hour = 5.5;
  double ward_daily_lab_prob = 0.7;
  double icu_lab_interval_h = 12;
  double admission_lactate_prob = 0.15, admission_lft_prob = 0.6, admission_gas_prob = 0.05,
         admission_gas_prob_copd = 0.3;
  double routine_lft_prob = 0.3, ward_lactate_prob = 0.01, ward_gas_prob = 0.02;
  double icu_lactate_prob = 0.5, icu_gas_prob = 0.6;
  // The rest of the PhysioNet set rides along with those draws: extended
  // chemistry (calcium, magnesium, phosphate), coagulation (PTT, fibrinogen
  // in some), troponin I (rarely); alkaline phosphatase is in every liver
  // panel, direct bilirubin in some, haematocrit in every blood count, base
  // excess and SaO2 in every gas.
  double admission_ext_prob = 0.5, routine_ext_prob = 0.3, icu_ext_prob = 0.5;
  double admission_coag_prob = 0.3, admission_coag_prob_icu = 0.8, ward_coag_prob = 0.05,
         icu_coag_prob = 0.5;
  double fibrinogen_with_coag_prob = 0.5, direct_bilirubin_with_lft_prob = 0.4;
  double admission_troponin_prob = 0.15;
  // Ventilation: each ICU span is ventilated from its start for U(min, max)
  // of its length with a probability (higher when the patient arrives at
  // concern >= full_concern); EtCO2 is charted in ICU rounds while ventilated.
  double icu_ventilated_prob = 0.3, icu_ventilated_prob_sick = 0.5;
  double ventilated_fraction_min = 0.5, ventilated_fraction_max = 0.9;
  double icu_etco2 = 0.9;
  // A work-up (blood counts, chemistry, liver, lactate, maybe a gas) when the
  // patient starts to look ill, then repeated lactates while they stay so.
  double workup_concern = 0.3;  // concern at which the team orders it
  double workup_delay_median_h = 2;
  double workup_gas_prob = 0.6, workup_ext_prob = 0.6, workup_coag_prob = 0.8,
         workup_troponin_prob = 0.3;
  double repeat_lactate_interval_h = 5, repeat_lactate_prob = 0.7, repeat_gas_prob = 0.3;
  // ICU transfer when a deterioration crosses this intensity.
  double icu_transfer_intensity = 0.6, icu_transfer_prob_sepsis = 0.75,
         icu_transfer_prob_other = 0.5, icu_transfer_delay_median_h = 2;
};

// Device calibration offsets added to every reading.
struct Devices {
  double spo2_bias = 0;
  double temp_bias = 0;
};

struct SitePreset {
  std::string name;   // "community"
  char letter = 'c';  // in every id: syn-c1-000042
  CaseMix case_mix;
  Practice practice;
  Devices devices;
  Physiology physiology;
};

// "community" (the default) or "academic"; nullopt for other names.
std::optional<SitePreset> SitePresetByName(std::string_view name);

}  // namespace vigil::synth
