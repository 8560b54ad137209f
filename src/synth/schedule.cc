#include "synth/schedule.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <utility>

namespace vigil::synth {
namespace {

using ai::Signal;

enum Panel : unsigned {
  kCbc = 1,
  kBmp = 2,
  kLft = 4,
  kLactate = 8,
  kGas = 16,
  kExtended = 32,  // calcium, magnesium, phosphate
  kCoag = 64,
  kTroponin = 128,
};

// Orders end this long before discharge, so none falls after it once rounded.
constexpr double kEndMarginH = 0.05;

class Scheduler {
 public:
  Scheduler(const SitePreset& site, const Person& person, const Course& course,
            double admit_clock_h, Rng& rng)
      : q_(site.practice),
        person_(person),
        course_(course),
        admit_clock_h_(admit_clock_h),
        rng_(rng) {}

  std::vector<Order> Run() {
    Ventilation();
    Vitals();
    double admission_panel_h = AdmissionLabs();
    RoutineLabs(admission_panel_h);
    Workups();
    std::stable_sort(orders_.begin(), orders_.end(),
                     [](const Order& a, const Order& b) { return a.t_h < b.t_h; });
    return std::move(orders_);
  }

 private:
  double Concern(double t) const { return course_.Concern(t); }
  bool Before(double t) const { return t < course_.end_h - kEndMarginH; }

  void Add(double t, Signal s) {
    if (t >= 0 && Before(t)) orders_.push_back(Order{t, s});
  }
  void Maybe(double p, double t, Signal s) {
    if (rng_.Bernoulli(p)) Add(t, s);
  }

  void Round(double t) {
    bool icu = course_.InIcu(t);
    if (icu) {
      Maybe(q_.icu_hr, t, Signal::kHeartRate);
      Maybe(q_.icu_rr, t, Signal::kRespiratoryRate);
      Maybe(q_.icu_spo2, t, Signal::kSpO2);
      Maybe(q_.icu_temp, t, Signal::kTemperature);
      Maybe(q_.icu_bp, t, Signal::kSystolicBp);
      Maybe(q_.icu_gcs, t, Signal::kGcs);
      Maybe(q_.icu_fio2, t, Signal::kFiO2);
      if (Ventilated(t)) Maybe(q_.icu_etco2, t, Signal::kEtCO2);
      return;
    }
    Maybe(q_.ward_hr, t, Signal::kHeartRate);
    Maybe(q_.ward_rr, t, Signal::kRespiratoryRate);
    Maybe(q_.ward_spo2, t, Signal::kSpO2);
    Maybe(q_.ward_temp, t, Signal::kTemperature);
    Maybe(q_.ward_bp, t, Signal::kSystolicBp);
    bool concerned = Concern(t) >= q_.workup_concern;
    Maybe(concerned ? q_.ward_gcs_concerned : q_.ward_gcs, t, Signal::kGcs);
    Maybe(q_.ward_o2, t, Signal::kO2Flow);
  }

  // Which parts of the ICU spans are ventilated (Practice).
  void Ventilation() {
    for (const UnitSpan& u : course_.units) {
      if (!u.icu) continue;
      bool sick = Concern(u.start_h) >= q_.full_concern;
      if (!rng_.Bernoulli(sick ? q_.icu_ventilated_prob_sick : q_.icu_ventilated_prob)) continue;
      double fraction = rng_.Uniform(q_.ventilated_fraction_min, q_.ventilated_fraction_max);
      double until = u.start_h + fraction * (u.end_h - u.start_h);
      ventilated_.push_back(UnitSpan{true, u.start_h, until});
    }
  }

  bool Ventilated(double t) const {
    for (const UnitSpan& v : ventilated_) {
      if (t >= v.start_h && t < v.end_h) return true;
    }
    return false;
  }

  // Rounds at the unit's interval, shorter on the ward when the patient looks
  // worse (informative frequency), some skipped; a round on arrival in the ICU.
  void Vitals() {
    double t = rng_.Uniform(0, 0.5);
    Round(t);
    for (;;) {
      double interval = q_.icu_vitals_interval_h;
      if (!course_.InIcu(t)) {
        double worry = std::min(1.0, Concern(t) / q_.full_concern);
        interval = q_.ward_vitals_interval_h -
                   (q_.ward_vitals_interval_h - q_.min_ward_interval_h) * worry;
      }
      double spread = rng_.Uniform(1 - q_.interval_spread, 1 + q_.interval_spread);
      t += std::max(0.25, interval * spread + rng_.Normal(0, q_.interval_jitter_sd_h));
      if (!Before(t)) break;
      if (!rng_.Bernoulli(q_.skip_round_prob)) Round(t);
    }
    for (const UnitSpan& u : course_.units) {
      if (u.icu && u.start_h > 0) Round(u.start_h + rng_.Uniform(0, 0.25));
    }
  }

  void AddPanels(unsigned panels, double t) {
    if (panels & kCbc) {
      for (Signal s :
           {Signal::kWbc, Signal::kHemoglobin, Signal::kHematocrit, Signal::kPlatelets}) {
        Add(t, s);
      }
    }
    if (panels & kBmp) {
      for (Signal s : {Signal::kCreatinine, Signal::kBun, Signal::kGlucose, Signal::kPotassium,
                       Signal::kChloride, Signal::kBicarbonate}) {
        Add(t, s);
      }
    }
    if (panels & kLft) {
      Add(t, Signal::kBilirubinTotal);
      Add(t, Signal::kAst);
      Add(t, Signal::kAlkalinePhosphatase);
      Maybe(q_.direct_bilirubin_with_lft_prob, t, Signal::kBilirubinDirect);
    }
    if (panels & kLactate) Add(t, Signal::kLactate);
    if (panels & kGas) {
      for (Signal s : {Signal::kPh, Signal::kPaCO2, Signal::kBaseExcess, Signal::kSaO2}) Add(t, s);
      if (!(panels & kBmp)) Add(t, Signal::kBicarbonate);
    }
    if (panels & kExtended) {
      for (Signal s : {Signal::kCalcium, Signal::kMagnesium, Signal::kPhosphate}) Add(t, s);
    }
    if (panels & kCoag) {
      Add(t, Signal::kPtt);
      Maybe(q_.fibrinogen_with_coag_prob, t, Signal::kFibrinogen);
    }
    if (panels & kTroponin) Add(t, Signal::kTroponinI);
  }

  // `always` plus each (probability, panel) drawn in order (operands of | are
  // unsequenced, so the draws are not written inside one expression).
  unsigned Panels(unsigned always, std::initializer_list<std::pair<double, unsigned>> maybe) {
    unsigned panels = always;
    for (const auto& [p, panel] : maybe) {
      if (rng_.Bernoulli(p)) panels |= panel;
    }
    return panels;
  }

  double AdmissionLabs() {
    double t = rng_.Uniform(0.2, 2.0);
    double lactate = Concern(t) >= q_.workup_concern ? 1.0 : q_.admission_lactate_prob;
    double gas = person_.icu_admission             ? q_.icu_gas_prob
                 : person_.Has(Comorbidity::kCopd) ? q_.admission_gas_prob_copd
                                                   : q_.admission_gas_prob;
    double coag = person_.icu_admission ? q_.admission_coag_prob_icu : q_.admission_coag_prob;
    AddPanels(Panels(kCbc | kBmp, {{q_.admission_lft_prob, kLft},
                                   {lactate, kLactate},
                                   {gas, kGas},
                                   {q_.admission_ext_prob, kExtended},
                                   {coag, kCoag},
                                   {q_.admission_troponin_prob, kTroponin}}),
              t);
    return t;
  }

  // Morning bloods on the ward; in the ICU every icu_lab_interval_h from the morning draw.
  void RoutineLabs(double admission_panel_h) {
    int per_day = std::max(1, static_cast<int>(std::lround(24 / q_.icu_lab_interval_h)));
    for (int day = 0; day * 24 - admit_clock_h_ < course_.end_h; ++day) {
      for (int j = 0; j < per_day; ++j) {
        double clock = day * 24 + q_.morning_lab_hour + j * q_.icu_lab_interval_h;
        double t = clock - admit_clock_h_ + rng_.Normal(0, 0.5);
        if (t < admission_panel_h + 6 || !Before(t)) continue;
        if (course_.InIcu(t)) {
          AddPanels(Panels(kCbc | kBmp, {{q_.routine_lft_prob, kLft},
                                         {q_.icu_lactate_prob, kLactate},
                                         {q_.icu_gas_prob, kGas},
                                         {q_.icu_ext_prob, kExtended},
                                         {q_.icu_coag_prob, kCoag}}),
                    t);
        } else if (j == 0 && rng_.Bernoulli(q_.ward_daily_lab_prob)) {
          bool concerned = Concern(t) >= q_.workup_concern;
          double lactate = concerned ? 1.0 : q_.ward_lactate_prob;
          double coag = concerned ? q_.workup_coag_prob : q_.ward_coag_prob;
          AddPanels(Panels(kCbc | kBmp, {{q_.routine_lft_prob, kLft},
                                         {lactate, kLactate},
                                         {q_.ward_gas_prob, kGas},
                                         {q_.routine_ext_prob, kExtended},
                                         {coag, kCoag}}),
                    t);
        }
      }
    }
  }

  // When concern crosses workup_concern: a work-up after a delay, then repeat
  // lactates while it stays high (re-armed once it falls below 70% of it).
  void Workups() {
    bool armed = true;
    double next_repeat = 0;
    for (double t = 0; Before(t); t += 0.25) {
      double concern = Concern(t);
      if (armed && concern >= q_.workup_concern) {
        armed = false;
        double at = t + rng_.LogNormal(q_.workup_delay_median_h, 0.5);
        AddPanels(Panels(kCbc | kBmp | kLft | kLactate, {{q_.workup_gas_prob, kGas},
                                                          {q_.workup_ext_prob, kExtended},
                                                          {q_.workup_coag_prob, kCoag},
                                                          {q_.workup_troponin_prob, kTroponin}}),
                  at);
        next_repeat = at + q_.repeat_lactate_interval_h * rng_.Uniform(0.8, 1.2);
      } else if (!armed && concern < 0.7 * q_.workup_concern) {
        armed = true;
      } else if (!armed && t >= next_repeat) {
        if (rng_.Bernoulli(q_.repeat_lactate_prob)) {
          double at = t + rng_.Uniform(0, 0.25);
          AddPanels(Panels(kLactate, {{q_.repeat_gas_prob, kGas}}), at);
        }
        next_repeat = t + q_.repeat_lactate_interval_h * rng_.Uniform(0.8, 1.2);
      }
    }
  }

  const Practice& q_;
  const Person& person_;
  const Course& course_;
  double admit_clock_h_;
  Rng& rng_;
  std::vector<Order> orders_;
  std::vector<UnitSpan> ventilated_;
};

}  // namespace

std::vector<Order> ScheduleStay(const SitePreset& site, const Person& person, const Course& course,
                                double admit_clock_h, Rng& rng) {
  return Scheduler(site, person, course, admit_clock_h, rng).Run();
}

}  // namespace vigil::synth
