#include "synth/measure.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace vigil::synth {
namespace {

using ai::Signal;

constexpr int I(Signal s) { return static_cast<int>(s); }

double RoundTo(double v, int decimals) {
  double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale + 0.0;  // + 0.0: never "-0.0"
}

// Values a nurse types in; lab values and MAP come from machines.
bool HandCharted(Signal s) {
  switch (s) {
    case Signal::kHeartRate:
    case Signal::kRespiratoryRate:
    case Signal::kSpO2:
    case Signal::kTemperature:
    case Signal::kSystolicBp:
    case Signal::kDiastolicBp: return true;
    default: return false;
  }
}

class Charter {
 public:
  Charter(const SitePreset& site, const Baseline& baseline, const Course& course,
          double admit_clock_h, Rng& rng)
      : site_(site),
        phys_(site.physiology),
        baseline_(baseline),
        course_(course),
        admit_clock_h_(admit_clock_h),
        rng_(rng) {}

  void Chart(const Order& o, std::vector<Charted>& out) {
    double t = o.t_h;
    switch (o.signal) {
      case Signal::kSystolicBp: Cuff(t, out); return;
      case Signal::kSpO2: {
        double v = Saturation(t) + rng_.Normal(0, Norm(Signal::kSpO2).noise_sd);
        Emit(t, o.signal, Finish(o.signal, v + site_.devices.spo2_bias), out);
        return;
      }
      case Signal::kSaO2:
      case Signal::kHematocrit:
      case Signal::kEtCO2:
      case Signal::kBilirubinDirect:
      case Signal::kBaseExcess:
        Emit(t, o.signal, Finish(o.signal, Derived(o.signal, t)), out);
        return;
      case Signal::kO2Flow: Emit(t, o.signal, Finish(o.signal, O2Flow(t)), out); return;
      case Signal::kFiO2: {
        double flow = O2Flow(t);
        double fio2 = flow == 0 ? 21 : 21 + flow * phys_.fio2_percent_per_l_min;
        Emit(t, o.signal, Finish(o.signal, fio2), out);
        return;
      }
      case Signal::kTemperature:
        Emit(t, o.signal, Finish(o.signal, Noisy(o.signal, t) + site_.devices.temp_bias), out);
        return;
      case Signal::kRespiratoryRate: {
        double v = Noisy(o.signal, t);
        if (rng_.Bernoulli(phys_.rr_even_preference)) v = 2 * std::round(v / 2);
        Emit(t, o.signal, Finish(o.signal, v), out);
        return;
      }
      default: Emit(t, o.signal, Finish(o.signal, Noisy(o.signal, t)), out); return;
    }
  }

 private:
  const SignalNorm& Norm(Signal s) const { return phys_.norms[I(s)]; }

  // The AR(1) drift of signal i at time t (times arrive in order).
  double Drift(int i, double t) {
    const SignalNorm& n = phys_.norms[i];
    if (n.drift_sd == 0) return 0;
    if (!started_[i]) {
      started_[i] = true;
      drift_[i] = rng_.Normal(0, n.drift_sd);
      last_[i] = t;
      return drift_[i];
    }
    double dt = t - last_[i];
    if (dt <= 0) return drift_[i];
    double a = std::exp(-dt / n.drift_tau_h);
    drift_[i] = a * drift_[i] + n.drift_sd * std::sqrt(1 - a * a) * rng_.Normal(0, 1);
    last_[i] = t;
    return drift_[i];
  }

  double Latent(Signal s, double t) {
    int i = I(s);
    const SignalNorm& n = phys_.norms[i];
    double mean = baseline_.mean[i];
    double base;
    if (n.log_normal) {
      base = mean * std::exp(Drift(i, t));
    } else {
      base = mean + Drift(i, t);
      if (n.diurnal_amp != 0) {
        double clock = admit_clock_h_ + t;
        base += n.diurnal_amp * std::cos(2 * M_PI * (clock - n.diurnal_peak_h) / 24);
      }
    }
    return base + course_.Shift(s, mean, t);
  }

  double Noisy(Signal s, double t) {
    const SignalNorm& n = Norm(s);
    double latent = Latent(s, t);
    if (n.log_normal) return std::max(n.floor, latent) * std::exp(rng_.Normal(0, n.noise_sd));
    return latent + rng_.Normal(0, n.noise_sd);
  }

  double Finish(Signal s, double v) const {
    const SignalNorm& n = Norm(s);
    return RoundTo(std::clamp(v, n.floor, n.ceiling), n.decimals);
  }

  double RawSpo2(double t) { return std::min(100.0, Latent(Signal::kSpO2, t)); }

  // The arterial saturation: SpO2 before oxygen plus what oxygen recovers.
  double Saturation(double t) {
    double raw = RawSpo2(t);
    double deficit = std::max(0.0, baseline_.spo2_target - raw);
    return raw + (deficit > 0.5 ? phys_.o2_recovered_fraction * deficit : 0);
  }

  // A derived signal's value from its sources' true values at t (site.h).
  double Derived(Signal s, double t) {
    double noise = Norm(s).noise_sd;
    switch (s) {
      case Signal::kSaO2: return Saturation(t) + rng_.Normal(0, noise);
      case Signal::kHematocrit:
        return baseline_.hct_per_hgb * Latent(Signal::kHemoglobin, t) + rng_.Normal(0, noise);
      case Signal::kEtCO2:
        return Latent(Signal::kPaCO2, t) - baseline_.etco2_gradient +
               course_.Shift(s, baseline_.mean[I(s)], t) + rng_.Normal(0, noise);
      case Signal::kBilirubinDirect: {
        double total = Latent(Signal::kBilirubinTotal, t);
        double usual = baseline_.mean[I(Signal::kBilirubinTotal)];
        double direct = baseline_.direct_bilirubin_fraction * std::min(total, usual) +
                        phys_.direct_bilirubin_share_of_rise * std::max(0.0, total - usual);
        return direct * std::exp(rng_.Normal(0, noise));
      }
      case Signal::kBaseExcess: {
        double hco3 = Latent(Signal::kBicarbonate, t), ph = Latent(Signal::kPh, t);
        return 0.93 * (hco3 - 24.4 + 14.8 * (ph - 7.4)) + rng_.Normal(0, noise);
      }
      default: return Noisy(s, t);
    }
  }

  // Oxygen given to bring SpO2 back toward the target (L/min; home oxygen at least).
  double O2Flow(double t) {
    double deficit = std::max(0.0, baseline_.spo2_target - RawSpo2(t));
    double flow = 0;
    if (deficit > 0.5) {
      flow = std::clamp(std::round(1 + deficit * phys_.o2_l_min_per_deficit_point), 1.0,
                        phys_.o2_max_l_min);
    }
    return std::max(flow, baseline_.home_o2_l_min);
  }

  // One cuff reading: SBP, DBP below it, and the device's MAP.
  void Cuff(double t, std::vector<Charted>& out) {
    double sbp = Finish(Signal::kSystolicBp, Noisy(Signal::kSystolicBp, t));
    double dbp = std::min(Noisy(Signal::kDiastolicBp, t), sbp - 10);
    dbp = Finish(Signal::kDiastolicBp, dbp);
    double map = (sbp + 2 * dbp) / 3 + rng_.Normal(0, Norm(Signal::kMeanArterialPressure).noise_sd);
    Emit(t, Signal::kSystolicBp, sbp, out);
    Emit(t, Signal::kDiastolicBp, dbp, out);
    Emit(t, Signal::kMeanArterialPressure, Finish(Signal::kMeanArterialPressure, map), out);
  }

  void Emit(double t, Signal s, double value, std::vector<Charted>& out) {
    Charted c;
    c.t_h = t;
    c.signal = s;
    c.value = value;
    if (HandCharted(s) && rng_.Bernoulli(phys_.charting_error_rate)) {
      c.value = ChartingError(s, value, Norm(s).decimals, rng_);
      c.charting_error = true;
    }
    out.push_back(c);
    if (rng_.Bernoulli(phys_.duplicate_rate)) {
      c.duplicate = true;
      out.push_back(c);
    }
  }

  const SitePreset& site_;
  const Physiology& phys_;
  const Baseline& baseline_;
  const Course& course_;
  double admit_clock_h_;
  Rng& rng_;
  std::array<double, ai::kSignalCount> drift_{};
  std::array<double, ai::kSignalCount> last_{};
  std::array<bool, ai::kSignalCount> started_{};
};

}  // namespace

Baseline DrawBaseline(const Physiology& phys, const Person& person, Rng& rng) {
  Baseline b;
  for (int i = 0; i < ai::kSignalCount; ++i) {
    const SignalNorm& n = phys.norms[i];
    b.mean[i] = n.log_normal ? n.mean * std::exp(rng.Normal(0, n.between_sd))
                             : rng.Normal(n.mean, n.between_sd);
  }
  auto mean = [&b](Signal s) -> double& { return b.mean[I(s)]; };
  if (person.beta_blocker) mean(Signal::kHeartRate) += phys.beta_blocker_hr_shift;
  mean(Signal::kRespiratoryRate) = std::max(phys.min_personal_rr, mean(Signal::kRespiratoryRate));
  mean(Signal::kSystolicBp) += phys.sbp_per_decade_over_50 * std::max(0, person.age - 50) / 10.0;
  if (person.male) mean(Signal::kCreatinine) *= phys.male_creatinine_factor;
  if (!person.male) mean(Signal::kHemoglobin) += phys.female_hgb_shift;
  if (person.Has(Comorbidity::kCopd)) {
    mean(Signal::kSpO2) = rng.Normal(phys.copd_spo2_mean, phys.copd_spo2_sd);
    mean(Signal::kPaCO2) += phys.copd_paco2_shift;
    mean(Signal::kBicarbonate) += phys.copd_hco3_shift;
    b.spo2_target = phys.copd_spo2_target;
    if (rng.Bernoulli(phys.copd_home_o2_fraction)) b.home_o2_l_min = phys.copd_home_o2_l_min;
  } else {
    b.spo2_target = phys.spo2_target;
  }
  if (person.Has(Comorbidity::kCkd)) {
    mean(Signal::kCalcium) += phys.ckd_calcium_shift;
    mean(Signal::kMagnesium) += phys.ckd_magnesium_shift;
    mean(Signal::kPhosphate) += phys.ckd_phosphate_shift;
    mean(Signal::kCreatinine) *= phys.ckd_creatinine_factor;
    mean(Signal::kBun) *= phys.ckd_bun_factor;
    mean(Signal::kHemoglobin) += phys.ckd_hgb_shift;
    mean(Signal::kPotassium) += phys.ckd_potassium_shift;
  }
  if (person.Has(Comorbidity::kHeartFailure)) mean(Signal::kBun) *= phys.heart_failure_bun_factor;
  if (person.Has(Comorbidity::kDiabetes)) mean(Signal::kGlucose) *= phys.diabetes_glucose_factor;
  if (person.Has(Comorbidity::kCancer)) mean(Signal::kHemoglobin) += phys.cancer_hgb_shift;
  b.hct_per_hgb = rng.Normal(phys.hct_per_hgb, phys.hct_per_hgb_sd);
  b.etco2_gradient = std::max(0.0, rng.Normal(phys.etco2_gradient, phys.etco2_gradient_sd));
  if (person.Has(Comorbidity::kCopd)) b.etco2_gradient += phys.copd_etco2_gradient_shift;
  b.direct_bilirubin_fraction =
      std::min(0.9, phys.direct_bilirubin_fraction *
                        std::exp(rng.Normal(0, phys.direct_bilirubin_fraction_sd)));
  double gcs14 = person.age > 80 ? phys.gcs_14_fraction_over_80 : phys.gcs_14_fraction;
  mean(Signal::kGcs) = rng.Bernoulli(gcs14) ? 14 : 15;
  for (int i = 0; i < ai::kSignalCount; ++i) {
    b.mean[i] = std::clamp(b.mean[i], phys.norms[i].floor, phys.norms[i].ceiling);
  }
  return b;
}

std::vector<Charted> ChartOrders(const SitePreset& site, const Baseline& baseline,
                                 const Course& course, double admit_clock_h,
                                 const std::vector<Order>& orders, Rng& rng) {
  Charter charter(site, baseline, course, admit_clock_h, rng);
  std::vector<Charted> out;
  out.reserve(orders.size() + orders.size() / 4);
  for (const Order& o : orders) charter.Chart(o, out);
  return out;
}

double ChartingError(Signal signal, double value, int decimals, Rng& rng) {
  double r = rng.Uniform();
  bool temperature = signal == Signal::kTemperature;
  if (temperature && r < 0.4) return RoundTo(value * 9 / 5 + 32, decimals);
  double scale = std::pow(10.0, decimals);
  int64_t n = std::llround(std::fabs(value) * scale);
  int64_t tens = (n / 10) % 10, units = n % 10;
  bool transpose = r < (temperature ? 0.7 : 0.6) && n >= 10 && tens != units;
  n = transpose ? n - tens * 10 - units + units * 10 + tens : n * 10;
  return static_cast<double>(n) / scale;
}

}  // namespace vigil::synth
