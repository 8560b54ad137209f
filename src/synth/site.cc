#include "synth/site.h"

namespace vigil::synth {
namespace {

using ai::Signal;

constexpr int I(Signal s) { return static_cast<int>(s); }

// mean, between_sd, log_normal, drift_sd, drift_tau_h, noise_sd, diurnal_amp,
// diurnal_peak_h, floor, ceiling, decimals.
SignalNorm N(double mean, double between, bool log, double drift, double tau, double noise,
             double amp, double peak, double lo, double hi, int decimals) {
  return SignalNorm{mean, between, log, drift, tau, noise, amp, peak, lo, hi, decimals};
}

SignalEffect E(double add, double rel, double spread, double exponent, double prevalence) {
  return SignalEffect{add, rel, spread, exponent, prevalence};
}

}  // namespace

NormTable DefaultNorms() {
  NormTable t{};
  t[I(Signal::kHeartRate)] = N(78, 11, false, 5, 4, 3, 4, 16, 25, 220, 0);
  t[I(Signal::kRespiratoryRate)] = N(16, 2.5, false, 1.5, 6, 1.5, 1, 15, 6, 60, 0);
  t[I(Signal::kSpO2)] = N(96.5, 1.5, false, 0.8, 6, 0.8, 0, 0, 60, 100, 0);
  t[I(Signal::kTemperature)] = N(36.8, 0.3, false, 0.2, 6, 0.12, 0.25, 18, 33, 42.5, 1);
  t[I(Signal::kSystolicBp)] = N(125, 17, false, 7, 6, 6, 5, 14, 50, 240, 0);
  t[I(Signal::kDiastolicBp)] = N(72, 9, false, 4, 6, 5, 3, 14, 25, 140, 0);
  // MAP is measured with SBP and DBP: (SBP + 2 DBP) / 3 plus its own noise.
  t[I(Signal::kMeanArterialPressure)] = N(90, 0, false, 0, 6, 1.5, 0, 0, 30, 180, 0);
  t[I(Signal::kGcs)] = N(15, 0, false, 0, 6, 0.2, 0, 0, 3, 15, 0);
  // Oxygen flow and FiO2 follow from the SpO2 deficit (Physiology's O2 therapy).
  t[I(Signal::kO2Flow)] = N(0, 0, false, 0, 6, 0, 0, 0, 0, 15, 0);
  t[I(Signal::kFiO2)] = N(21, 0, false, 0, 6, 0, 0, 0, 21, 100, 0);
  t[I(Signal::kLactate)] = N(1.1, 0.3, true, 0.12, 12, 0.08, 0, 0, 0.3, 20, 1);
  t[I(Signal::kWbc)] = N(7.5, 0.3, true, 0.1, 24, 0.05, 0, 0, 0.2, 80, 1);
  t[I(Signal::kCreatinine)] = N(0.9, 0.25, true, 0.06, 48, 0.04, 0, 0, 0.2, 15, 2);
  t[I(Signal::kBilirubinTotal)] = N(0.6, 0.45, true, 0.1, 48, 0.06, 0, 0, 0.1, 30, 1);
  t[I(Signal::kPlatelets)] = N(240, 0.28, true, 0.06, 72, 0.05, 0, 0, 5, 1200, 0);
  t[I(Signal::kBun)] = N(15, 0.35, true, 0.08, 48, 0.04, 0, 0, 2, 200, 0);
  t[I(Signal::kGlucose)] = N(110, 0.15, true, 0.15, 6, 0.04, 0, 0, 40, 900, 0);
  t[I(Signal::kPotassium)] = N(4.2, 0.35, false, 0.2, 24, 0.1, 0, 0, 2.0, 8.0, 1);
  t[I(Signal::kBicarbonate)] = N(25, 2, false, 1, 24, 0.7, 0, 0, 8, 45, 0);
  t[I(Signal::kHemoglobin)] = N(13, 1.5, false, 0.3, 48, 0.2, 0, 0, 4, 20, 1);
  t[I(Signal::kPh)] = N(7.40, 0.025, false, 0.015, 12, 0.01, 0, 0, 6.8, 7.7, 2);
  t[I(Signal::kPaCO2)] = N(40, 3.5, false, 2, 12, 1.5, 0, 0, 15, 110, 0);
  t[I(Signal::kChloride)] = N(103, 3, false, 1.5, 24, 1, 0, 0, 80, 130, 0);
  t[I(Signal::kAst)] = N(25, 0.4, true, 0.1, 48, 0.05, 0, 0, 5, 5000, 0);
  // Derived signals (Physiology): the mean is only typical; noise, clamp, precision.
  t[I(Signal::kEtCO2)] = N(36, 0, false, 0, 6, 1.5, 0, 0, 10, 90, 0);
  t[I(Signal::kBaseExcess)] = N(0, 0, false, 0, 6, 0.4, 0, 0, -30, 30, 1);
  t[I(Signal::kSaO2)] = N(96, 0, false, 0, 6, 0.5, 0, 0, 50, 100, 1);
  t[I(Signal::kBilirubinDirect)] = N(0.2, 0, true, 0, 6, 0.08, 0, 0, 0.1, 25, 1);
  t[I(Signal::kHematocrit)] = N(39, 0, false, 0, 6, 0.6, 0, 0, 12, 65, 1);
  t[I(Signal::kAlkalinePhosphatase)] = N(80, 0.35, true, 0.05, 72, 0.04, 0, 0, 15, 2000, 0);
  t[I(Signal::kCalcium)] = N(9.2, 0.4, false, 0.2, 24, 0.1, 0, 0, 5, 14, 1);
  t[I(Signal::kMagnesium)] = N(2.0, 0.2, false, 0.1, 24, 0.05, 0, 0, 0.8, 5, 1);
  t[I(Signal::kPhosphate)] = N(3.5, 0.5, false, 0.3, 24, 0.15, 0, 0, 0.8, 12, 1);
  t[I(Signal::kTroponinI)] = N(0.01, 0.6, true, 0.2, 24, 0.1, 0, 0, 0.01, 100, 2);
  t[I(Signal::kPtt)] = N(30, 0.1, true, 0.05, 24, 0.04, 0, 0, 18, 150, 1);
  t[I(Signal::kFibrinogen)] = N(350, 0.25, true, 0.08, 48, 0.05, 0, 0, 50, 1000, 0);
  return t;
}

// add, rel, spread, exponent, prevalence.
EffectTable DefaultSepsisEffects() {
  EffectTable t{};
  t[I(Signal::kHeartRate)] = E(30, 0, 0.5, 1, 1);
  t[I(Signal::kRespiratoryRate)] = E(10, 0, 0.5, 1, 1);
  t[I(Signal::kSpO2)] = E(-5, 0, 0.6, 1.2, 0.8);
  t[I(Signal::kTemperature)] = E(1.8, 0, 0.3, 1, 1);  // phenotype: see febrile_fraction
  t[I(Signal::kSystolicBp)] = E(-30, 0, 0.6, 1.3, 0.85);
  t[I(Signal::kDiastolicBp)] = E(-15, 0, 0.6, 1.3, 0.85);  // shares SBP's factor
  t[I(Signal::kGcs)] = E(-3, 0, 0.5, 2, 0.6);
  t[I(Signal::kLactate)] = E(3.0, 0, 0.6, 1.5, 0.9);
  t[I(Signal::kWbc)] = E(10, 0, 0.5, 1, 0.85);  // leukopenia: see leukopenia_fraction
  t[I(Signal::kCreatinine)] = E(0, 1.0, 0.6, 1, 0.8);
  t[I(Signal::kBilirubinTotal)] = E(0, 1.5, 0.7, 1.3, 0.5);
  t[I(Signal::kPlatelets)] = E(0, -0.4, 0.5, 1, 0.7);
  t[I(Signal::kBun)] = E(0, 0.6, 0.5, 1, 0.8);
  t[I(Signal::kGlucose)] = E(30, 0, 0.6, 1, 0.6);
  t[I(Signal::kPotassium)] = E(0.3, 0, 0.6, 1, 0.5);
  t[I(Signal::kBicarbonate)] = E(-6, 0, 0.5, 1.3, 0.8);
  t[I(Signal::kHemoglobin)] = E(-0.8, 0, 0.5, 1, 0.5);
  t[I(Signal::kPh)] = E(-0.10, 0, 0.5, 1.5, 0.8);
  t[I(Signal::kPaCO2)] = E(-6, 0, 0.5, 1, 0.6);
  t[I(Signal::kChloride)] = E(2, 0, 0.5, 1, 0.5);
  t[I(Signal::kAst)] = E(0, 2.0, 0.7, 1.5, 0.3);
  t[I(Signal::kEtCO2)] = E(-4, 0, 0.5, 1, 0.7);  // dead space, low output: beyond PaCO2's fall
  t[I(Signal::kAlkalinePhosphatase)] = E(0, 0.6, 0.7, 1.3, 0.4);
  t[I(Signal::kCalcium)] = E(-0.8, 0, 0.5, 1, 0.6);
  t[I(Signal::kMagnesium)] = E(-0.2, 0, 0.6, 1, 0.4);
  t[I(Signal::kPhosphate)] = E(0.8, 0, 0.6, 1.3, 0.5);
  t[I(Signal::kTroponinI)] = E(0.3, 0, 0.8, 2, 0.4);  // demand ischaemia, late
  t[I(Signal::kPtt)] = E(0, 0.35, 0.6, 1.5, 0.6);
  t[I(Signal::kFibrinogen)] = E(0, 0.5, 0.5, 1, 0.7);  // acute phase; DIC's late fall not modelled
  return t;
}

EffectTable DefaultHeartFailureEffects() {
  EffectTable t{};
  t[I(Signal::kHeartRate)] = E(15, 0, 0.5, 1, 1);
  t[I(Signal::kRespiratoryRate)] = E(10, 0, 0.5, 1, 1);
  t[I(Signal::kSpO2)] = E(-8, 0, 0.5, 1, 1);
  t[I(Signal::kSystolicBp)] = E(5, 0, 2.0, 1, 1);  // spread 2: raised in some, low in others
  t[I(Signal::kDiastolicBp)] = E(3, 0, 2.0, 1, 1);
  t[I(Signal::kGcs)] = E(-1, 0, 0.5, 2, 0.3);
  t[I(Signal::kLactate)] = E(0.6, 0, 0.5, 1.5, 0.7);
  t[I(Signal::kCreatinine)] = E(0, 0.3, 0.5, 1, 0.7);
  t[I(Signal::kBun)] = E(0, 0.4, 0.5, 1, 0.7);
  t[I(Signal::kGlucose)] = E(10, 0, 0.5, 1, 0.5);
  t[I(Signal::kPotassium)] = E(0.2, 0, 0.5, 1, 0.5);
  t[I(Signal::kBicarbonate)] = E(-2, 0, 0.5, 1, 0.5);
  t[I(Signal::kPh)] = E(-0.03, 0, 0.5, 1, 0.6);
  t[I(Signal::kPaCO2)] = E(4, 0, 0.5, 1, 0.6);
  t[I(Signal::kTroponinI)] = E(0.15, 0, 0.6, 1, 0.5);
  return t;
}

EffectTable DefaultBleedingEffects() {
  EffectTable t{};
  t[I(Signal::kHeartRate)] = E(28, 0, 0.5, 1, 1);
  t[I(Signal::kRespiratoryRate)] = E(6, 0, 0.5, 1, 1);
  t[I(Signal::kSpO2)] = E(-1.5, 0, 0.5, 1, 0.5);
  t[I(Signal::kTemperature)] = E(-0.2, 0, 0.5, 1, 0.5);
  t[I(Signal::kSystolicBp)] = E(-35, 0, 0.5, 1, 1);
  t[I(Signal::kDiastolicBp)] = E(-18, 0, 0.5, 1, 1);
  t[I(Signal::kGcs)] = E(-1, 0, 0.5, 2, 0.3);
  t[I(Signal::kLactate)] = E(1.2, 0, 0.5, 1.5, 0.7);
  t[I(Signal::kWbc)] = E(2, 0, 0.5, 1, 0.5);
  t[I(Signal::kHemoglobin)] = E(-4, 0, 0.4, 1, 1);
  t[I(Signal::kPlatelets)] = E(0, -0.15, 0.5, 1, 0.6);
  t[I(Signal::kBun)] = E(0, 0.3, 0.5, 1, 0.6);
  t[I(Signal::kCreatinine)] = E(0, 0.2, 0.5, 1, 0.6);
  t[I(Signal::kBicarbonate)] = E(-3, 0, 0.5, 1, 0.6);
  t[I(Signal::kPh)] = E(-0.04, 0, 0.5, 1, 0.6);
  t[I(Signal::kPtt)] = E(0, 0.1, 0.5, 1, 0.5);
  t[I(Signal::kFibrinogen)] = E(0, -0.25, 0.5, 1, 0.6);  // consumption and dilution
  return t;
}

EffectTable DefaultPostOpFeverEffects() {
  EffectTable t{};
  t[I(Signal::kTemperature)] = E(1.2, 0, 0.4, 1, 1);
  t[I(Signal::kHeartRate)] = E(10, 0, 0.5, 1, 1);
  t[I(Signal::kRespiratoryRate)] = E(2, 0, 0.5, 1, 1);
  t[I(Signal::kWbc)] = E(3, 0, 0.5, 1, 0.6);
  return t;
}

EffectTable DefaultPainEffects() {
  EffectTable t{};
  t[I(Signal::kHeartRate)] = E(28, 0, 0.4, 1, 1);
  t[I(Signal::kRespiratoryRate)] = E(5, 0, 0.5, 1, 1);
  t[I(Signal::kSystolicBp)] = E(15, 0, 0.5, 1, 1);
  t[I(Signal::kDiastolicBp)] = E(8, 0, 0.5, 1, 1);
  return t;
}

EffectTable DefaultCopdDesaturationEffects() {
  EffectTable t{};
  t[I(Signal::kSpO2)] = E(-7, 0, 0.4, 1, 1);
  t[I(Signal::kRespiratoryRate)] = E(6, 0, 0.5, 1, 1);
  t[I(Signal::kHeartRate)] = E(10, 0, 0.5, 1, 1);
  return t;
}

EffectTable DefaultDehydrationEffects() {
  EffectTable t{};
  t[I(Signal::kSystolicBp)] = E(-25, 0, 0.4, 1, 1);
  t[I(Signal::kDiastolicBp)] = E(-12, 0, 0.4, 1, 1);
  t[I(Signal::kHeartRate)] = E(14, 0, 0.5, 1, 1);
  t[I(Signal::kCreatinine)] = E(0, 0.3, 0.5, 1, 0.8);
  t[I(Signal::kBun)] = E(0, 0.5, 0.5, 1, 0.8);
  t[I(Signal::kLactate)] = E(0.5, 0, 0.5, 1, 0.5);
  return t;
}

namespace {

SitePreset Community() {
  SitePreset p;
  p.name = "community";
  p.letter = 'c';
  return p;  // the defaults describe the community hospital
}

SitePreset Academic() {
  SitePreset p;
  p.name = "academic";
  p.letter = 'a';
  CaseMix& m = p.case_mix;
  m.age = {{{0.5, 62, 15}, {0.5, 42, 15}}};
  m.male_fraction = 0.52;
  m.icu_admission_fraction = 0.40;
  m.surgical_fraction = 0.45;
  m.sepsis_fraction = 0.08;
  m.other_deterioration_fraction = 0.05;
  m.comorbidity = {{
      {0.08, 1.4},  // COPD
      {0.08, 1.8},  // heart failure
      {0.10, 1.7},  // CKD
      {0.18, 1.2},  // diabetes
      {0.35, 1.5},  // hypertension
      {0.20, 1.3},  // cancer
  }};
  m.ward_los_median_days = 3.5;
  m.icu_los_median_days = 5.5;
  Practice& q = p.practice;
  q.ward_daily_lab_prob = 0.9;
  q.icu_lab_interval_h = 6;
  q.admission_lactate_prob = 0.25;
  q.admission_lft_prob = 0.8;
  q.routine_lft_prob = 0.5;
  q.routine_ext_prob = 0.5;
  q.icu_ext_prob = 0.3;
  q.icu_coag_prob = 0.3;
  q.icu_lactate_prob = 0.6;
  q.ward_gcs = 0.4;
  p.devices.spo2_bias = -1.0;
  p.devices.temp_bias = 0.2;
  return p;
}

}  // namespace

std::optional<SitePreset> SitePresetByName(std::string_view name) {
  if (name == "community") return Community();
  if (name == "academic") return Academic();
  return std::nullopt;
}

}  // namespace vigil::synth
