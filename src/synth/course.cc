#include "synth/course.h"

#include <algorithm>
#include <cmath>

namespace vigil::synth {
namespace {

using ai::Signal;

constexpr int I(Signal s) { return static_cast<int>(s); }
constexpr int C(Comorbidity c) { return static_cast<int>(c); }

double Logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double Logit(double p) { return std::log(p / (1.0 - p)); }

int DrawAge(const CaseMix& mix, Rng& rng) {
  const CaseMix::AgeComponent& c = rng.Uniform() < mix.age[0].weight ? mix.age[0] : mix.age[1];
  double age = rng.Normal(c.mean, c.sd);
  for (int i = 0; i < 20 && (age < mix.min_age || age > mix.max_age); ++i) {
    age = rng.Normal(c.mean, c.sd);
  }
  return static_cast<int>(std::clamp(age, mix.min_age, mix.max_age));
}

// Each sign present with its prevalence, then scaled by U(1 - spread, 1 + spread).
std::array<double, ai::kSignalCount> DrawFactors(const EffectTable& effects, const Person& person,
                                                 const Physiology& phys, Rng& rng) {
  std::array<double, ai::kSignalCount> f{};
  for (int i = 0; i < ai::kSignalCount; ++i) {
    const SignalEffect& e = effects[i];
    if (e.add == 0 && e.rel == 0) continue;
    if (rng.Bernoulli(e.prevalence)) f[i] = rng.Uniform(1 - e.spread, 1 + e.spread);
  }
  f[I(Signal::kDiastolicBp)] = f[I(Signal::kSystolicBp)];  // one cuff, one circulation
  if (person.beta_blocker) f[I(Signal::kHeartRate)] *= phys.beta_blocker_tachycardia_factor;
  return f;
}

Process DrawDeterioration(Process::Kind kind, const DeteriorationShape& s,
                          const EffectTable& effects, const Person& person, const Physiology& phys,
                          Rng& rng) {
  Process p;
  p.kind = kind;
  p.effects = effects;
  p.onset_h =
      std::min(s.max_after_admit_h,
               s.min_after_admit_h + rng.LogNormal(s.after_admit_median_h, s.after_admit_sigma));
  // A prodrome longer than the time since admission began before admission.
  p.start_h = p.onset_h - rng.Uniform(s.prodrome_min_h, s.prodrome_max_h);
  p.ramp_exponent = s.ramp_exponent;
  p.onset_x = rng.Uniform(s.onset_x_min, s.onset_x_max);
  p.peak_x = std::max(p.onset_x + 0.05, rng.Uniform(s.peak_x_min, s.peak_x_max));
  p.peak_h = p.onset_h + rng.Uniform(s.to_peak_min_h, s.to_peak_max_h);
  p.tau_h = rng.LogNormal(s.recovery_tau_median_h, s.recovery_tau_sigma);
  p.factor = DrawFactors(effects, person, phys, rng);
  return p;
}

// Sepsis phenotypes: fever or hypothermia or neither; leukocytosis or
// leukopenia; a respiratory source with more tachypnoea and desaturation.
void DrawSepsisPhenotype(const Physiology& phys, Process& p, Rng& rng) {
  double r = rng.Uniform();
  SignalEffect& temp = p.effects[I(Signal::kTemperature)];
  if (r >= phys.febrile_fraction + phys.hypothermic_fraction) {
    p.factor[I(Signal::kTemperature)] = 0;
  } else if (r >= phys.febrile_fraction) {
    temp.add = phys.hypothermia_add;
  }
  if (rng.Bernoulli(phys.leukopenia_fraction)) {
    SignalEffect& wbc = p.effects[I(Signal::kWbc)];
    wbc.add = 0;
    wbc.rel = phys.leukopenia_rel;
    p.factor[I(Signal::kWbc)] = rng.Uniform(0.6, 1.2);
  }
  if (rng.Bernoulli(phys.respiratory_source_fraction)) {
    p.factor[I(Signal::kRespiratoryRate)] *= phys.respiratory_source_factor;
    p.factor[I(Signal::kSpO2)] = phys.respiratory_source_factor * rng.Uniform(0.6, 1.4);
  }
}

Process DrawEpisode(const EpisodeKind& kind, double start_h, const Person& person,
                    const Physiology& phys, Rng& rng) {
  Process p;
  p.kind = Process::Kind::kEpisode;
  p.effects = kind.effects;
  p.start_h = start_h;
  p.end_h = start_h + rng.Uniform(kind.duration_min_h, kind.duration_max_h);
  p.amplitude = rng.Uniform(kind.amplitude_min, kind.amplitude_max);
  p.concern_weight = kind.concern;
  p.factor = DrawFactors(kind.effects, person, phys, rng);
  return p;
}

void AddPoissonEpisodes(const EpisodeKind& kind, double rate_factor, const Person& person,
                        const Physiology& phys, double los_h, Course& course, Rng& rng) {
  int n = rng.Poisson(kind.rate_per_day * rate_factor * los_h / 24.0);
  for (int i = 0; i < n; ++i) {
    course.processes.push_back(DrawEpisode(kind, rng.Uniform(0, los_h), person, phys, rng));
  }
}

void AddEpisodes(const Physiology& phys, const Person& person, Course& course, Rng& rng) {
  double los = course.end_h;
  if (person.surgical && rng.Bernoulli(phys.post_op_fever.rate_per_day)) {
    double latest = std::max(4.5, std::min(phys.post_op_fever_latest_start_h, los - 2));
    course.processes.push_back(
        DrawEpisode(phys.post_op_fever, rng.Uniform(4, latest), person, phys, rng));
  }
  AddPoissonEpisodes(phys.pain, 1, person, phys, los, course, rng);
  if (person.Has(Comorbidity::kCopd)) {
    AddPoissonEpisodes(phys.copd_desaturation, 1, person, phys, los, course, rng);
  }
  double dehydration = person.age > 70 ? phys.dehydration_rate_factor_over_70 : 1;
  AddPoissonEpisodes(phys.dehydration, dehydration, person, phys, los, course, rng);
}

// Survivors leave in the late morning or afternoon, at or after `end_h`.
double AlignDischarge(double end_h, double admit_clock_h, Rng& rng) {
  double clock = admit_clock_h + end_h;
  double t = std::floor(clock / 24) * 24 + rng.Uniform(10, 16);
  if (t < clock) t += 24;
  return t - admit_clock_h;
}

// Merges the ICU spans and fills the gaps with ward spans over [0, end_h].
std::vector<UnitSpan> BuildUnits(std::vector<UnitSpan> icu, double end_h) {
  std::sort(icu.begin(), icu.end(),
            [](const UnitSpan& a, const UnitSpan& b) { return a.start_h < b.start_h; });
  std::vector<UnitSpan> units;
  double t = 0;
  for (UnitSpan span : icu) {
    span.start_h = std::max(span.start_h, t);
    span.end_h = std::min(span.end_h, end_h);
    if (span.end_h <= span.start_h) continue;
    if (!units.empty() && units.back().icu && span.start_h <= units.back().end_h) {
      units.back().end_h = std::max(units.back().end_h, span.end_h);
    } else {
      if (span.start_h > t) units.push_back(UnitSpan{false, t, span.start_h});
      units.push_back(span);
    }
    t = units.back().end_h;
  }
  if (t < end_h) units.push_back(UnitSpan{false, t, end_h});
  return units;
}

// The deterioration's end of stay, ICU stay and death.
void PlanDeterioration(const SitePreset& site, const Process& det, bool sepsis, double base_los_h,
                       std::vector<UnitSpan>& icu, Course& course, Rng& rng) {
  const Practice& practice = site.practice;
  if (course.died) {
    course.end_h = det.death_h;
  } else {
    double recovered = det.peak_h + det.tau_h * std::log(det.peak_x / 0.1);
    course.end_h = std::max(base_los_h, recovered + rng.Uniform(24, 72));
  }
  double cross = det.TimeReaching(practice.icu_transfer_intensity, 0, course.end_h);
  if (cross >= course.end_h) return;
  double icu_until =
      course.died ? det.death_h
                  : det.peak_h + det.tau_h * std::log(det.peak_x / 0.3) + rng.Uniform(12, 36);
  if (!icu.empty() && icu[0].start_h <= cross && cross < icu[0].end_h) {
    icu[0].end_h = std::max(icu[0].end_h, icu_until);
    return;
  }
  double p = sepsis ? practice.icu_transfer_prob_sepsis : practice.icu_transfer_prob_other;
  if (!rng.Bernoulli(p)) return;
  double at = cross + rng.LogNormal(practice.icu_transfer_delay_median_h, 0.5);
  if (at < course.end_h) icu.push_back(UnitSpan{true, at, icu_until});
}

void DrawDeath(const Physiology& phys, const Person& person, Process* det, Course& course,
               Rng& rng) {
  if (det == nullptr) {
    double p = person.age > 80 ? phys.baseline_death_over_80 : phys.baseline_death;
    course.died = rng.Bernoulli(p);
    return;
  }
  course.died = rng.Bernoulli(Logistic(phys.death_logit_a + phys.death_logit_b * det->peak_x));
  if (course.died) {
    det->death_h = std::max(
        det->peak_h + rng.Uniform(phys.death_after_peak_min_h, phys.death_after_peak_max_h),
        det->onset_h + 12);
  }
}

}  // namespace

Person DrawPerson(const CaseMix& mix, Rng& rng) {
  Person p;
  p.age = DrawAge(mix, rng);
  p.male = rng.Bernoulli(mix.male_fraction);
  for (int c = 0; c < kComorbidityCount; ++c) {
    const CaseMix::Prevalence& prev = mix.comorbidity[c];
    double logit = Logit(prev.at_60) + std::log(prev.odds_ratio_per_decade) * (p.age - 60) / 10.0;
    p.comorbid[c] = rng.Bernoulli(Logistic(logit));
  }
  bool indicated = p.Has(Comorbidity::kHeartFailure) || p.Has(Comorbidity::kHypertension);
  p.beta_blocker = indicated && rng.Bernoulli(mix.beta_blocker_given_hf_or_htn);
  p.surgical = rng.Bernoulli(mix.surgical_fraction);
  p.icu_admission = rng.Bernoulli(mix.icu_admission_fraction);
  return p;
}

double SepsisRelativeRisk(const Physiology& phys, const Person& person) {
  double rr = 1;
  if (person.age > 75) rr *= phys.sepsis_rr_age_over_75;
  if (person.comorbid[C(Comorbidity::kDiabetes)]) rr *= phys.sepsis_rr_diabetes;
  if (person.comorbid[C(Comorbidity::kCkd)]) rr *= phys.sepsis_rr_ckd;
  if (person.comorbid[C(Comorbidity::kCancer)]) rr *= phys.sepsis_rr_cancer;
  if (person.comorbid[C(Comorbidity::kCopd)]) rr *= phys.sepsis_rr_copd;
  if (person.icu_admission) rr *= phys.sepsis_rr_icu_admission;
  return rr;
}

double Process::Intensity(double t) const {
  if (kind == Kind::kEpisode) {
    if (t <= start_h || t >= end_h) return 0;
    return amplitude * std::sin(M_PI * (t - start_h) / (end_h - start_h));
  }
  if (t <= start_h) return 0;
  if (t < onset_h) return onset_x * std::pow((t - start_h) / (onset_h - start_h), ramp_exponent);
  if (t < peak_h)
    return onset_x + (peak_x - onset_x) * std::pow((t - onset_h) / (peak_h - onset_h), 0.7);
  if (death_h > 0) return peak_x + (1 - peak_x) * std::min(1.0, (t - peak_h) / (death_h - peak_h));
  return peak_x * std::exp(-(t - peak_h) / tau_h);
}

double Process::TimeReaching(double x, double from_h, double until_h) const {
  for (double t = from_h; t < until_h; t += 0.25) {
    if (Intensity(t) >= x) return t;
  }
  return until_h;
}

double Course::Concern(double t_h) const {
  double concern = 0;
  for (const Process& p : processes)
    concern = std::max(concern, p.Intensity(t_h) * p.concern_weight);
  return concern;
}

double Course::Shift(Signal s, double mean, double t_h) const {
  int i = I(s);
  double shift = 0;
  for (const Process& p : processes) {
    if (p.factor[i] == 0) continue;
    double x = p.Intensity(t_h);
    if (x <= 0) continue;
    const SignalEffect& e = p.effects[i];
    double shape = e.exponent == 1 ? x : std::pow(x, e.exponent);
    shift += p.factor[i] * (e.add + e.rel * mean) * shape;
  }
  return shift;
}

bool Course::InIcu(double t_h) const {
  for (const UnitSpan& u : units) {
    if (t_h >= u.start_h && t_h < u.end_h) return u.icu;
  }
  return false;
}

Course DrawCourse(const SitePreset& site, const Person& person, double p_sepsis,
                  double admit_clock_h, Rng& rng) {
  const CaseMix& mix = site.case_mix;
  const Physiology& phys = site.physiology;
  Course course;
  double median_days = person.icu_admission ? mix.icu_los_median_days : mix.ward_los_median_days;
  double base_los_h = std::clamp(rng.LogNormal(median_days * 24, mix.los_sigma),
                                 mix.min_los_days * 24, mix.max_los_days * 24);
  std::vector<UnitSpan> icu;
  if (person.icu_admission) {
    double first =
        std::max(12.0, rng.LogNormal(mix.icu_first_segment_median_h, mix.icu_first_segment_sigma));
    icu.push_back(UnitSpan{true, 0, first});
  }
  bool sepsis = rng.Bernoulli(p_sepsis);
  bool other = !sepsis && rng.Bernoulli(mix.other_deterioration_fraction);
  if (sepsis) {
    course.processes.push_back(DrawDeterioration(Process::Kind::kSepsis, phys.sepsis_shape,
                                                 phys.sepsis, person, phys, rng));
    DrawSepsisPhenotype(phys, course.processes.back(), rng);
    course.sepsis = 0;
  } else if (other) {
    double p_hf = person.Has(Comorbidity::kHeartFailure) ? phys.heart_failure_given_hf
                                                         : phys.heart_failure_given_no_hf;
    const EffectTable& effects = rng.Bernoulli(p_hf) ? phys.heart_failure : phys.bleeding;
    course.processes.push_back(DrawDeterioration(Process::Kind::kOtherDeterioration,
                                                 phys.other_shape, effects, person, phys, rng));
    course.other = 0;
  }
  Process* det = course.processes.empty() ? nullptr : &course.processes[0];
  DrawDeath(phys, person, det, course, rng);
  if (det != nullptr) {
    PlanDeterioration(site, *det, sepsis, base_los_h, icu, course, rng);
  } else {
    course.end_h = base_los_h;
  }
  if (!course.died) {
    for (const UnitSpan& span : icu) course.end_h = std::max(course.end_h, span.end_h + 24);
    course.end_h = AlignDischarge(course.end_h, admit_clock_h, rng);
    double cap = mix.max_total_los_days * 24;
    if (det != nullptr) cap = std::max(cap, det->onset_h + 12);
    course.end_h = std::min(course.end_h, cap);
  }
  course.units = BuildUnits(std::move(icu), course.end_h);
  AddEpisodes(phys, person, course, rng);
  return course;
}

}  // namespace vigil::synth
