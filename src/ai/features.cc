#include "ai/features.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include "base/calendar.h"
#include "base/str.h"

namespace vigil::ai {
namespace {

using fhir::Json;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr int kMaxWindowHours = 168;

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(StrCat("feature spec: ", what));
}

// "mean_6h" -> ("mean", 6); ("last", nullopt) when there is no window suffix.
// "mean_0h" -> ("mean", 0): a suffix that is there but out of range is an error,
// not a windowless aggregation.
std::pair<std::string_view, std::optional<int>> SplitWindow(std::string_view agg) {
  size_t underscore = agg.rfind('_');
  if (underscore == std::string_view::npos || agg.size() < underscore + 3 || agg.back() != 'h') {
    return {agg, std::nullopt};
  }
  std::string_view digits = agg.substr(underscore + 1, agg.size() - underscore - 2);
  int hours = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), hours);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return {agg, std::nullopt};
  return {agg.substr(0, underscore), hours};
}

// First measurement after at_ms, i.e. one past the last usable one.
std::vector<Measurement>::const_iterator UpTo(const std::vector<Measurement>& s, int64_t at_ms) {
  return std::upper_bound(s.begin(), s.end(), Measurement{at_ms, 0});
}

std::optional<double> LatestWithin(const Stay& stay, Signal signal, int64_t at_ms, int64_t max_age_ms) {
  const auto& s = stay.Series(signal);
  auto end = UpTo(s, at_ms);
  if (end == s.begin()) return std::nullopt;
  const Measurement& m = *(end - 1);
  if (at_ms - m.time_ms > max_age_ms) return std::nullopt;
  return m.value;
}

float Slope(std::vector<Measurement>::const_iterator begin, std::vector<Measurement>::const_iterator end) {
  if (end - begin < 2) return kNaN;
  double n = 0, mean_t = 0, mean_v = 0;
  const int64_t t0 = begin->time_ms;
  for (auto it = begin; it != end; ++it) {
    ++n;
    mean_t += static_cast<double>(it->time_ms - t0) / kMsPerHour;
    mean_v += it->value;
  }
  mean_t /= n;
  mean_v /= n;
  double sxx = 0, sxy = 0;
  for (auto it = begin; it != end; ++it) {
    double dt = static_cast<double>(it->time_ms - t0) / kMsPerHour - mean_t;
    sxx += dt * dt;
    sxy += dt * (it->value - mean_v);
  }
  return sxx > 0 ? static_cast<float>(sxy / sxx) : kNaN;
}

}  // namespace

absl::StatusOr<FeatureSet> FeatureSet::Compile(const Json& spec) {
  if (!spec.is_object()) return Bad("must be a JSON object");
  const Json* format = spec.Find("format");
  if (format == nullptr || !format->is_string() || format->text() != "vigil-features/1") {
    return Bad("\"format\" must be \"vigil-features/1\"");
  }
  FeatureSet set;
  set.spec_ = spec;
  int lookback_hours = 24;
  if (const Json* lb = spec.Find("lookback_hours")) {
    auto [ptr, ec] = std::from_chars(lb->text().data(), lb->text().data() + lb->text().size(), lookback_hours);
    if (!lb->is_number() || ec != std::errc() || ptr != lb->text().data() + lb->text().size() ||
        lookback_hours < 1 || lookback_hours > kMaxWindowHours) {
      return Bad("\"lookback_hours\" must be a whole number of hours, 1..168");
    }
  }
  set.lookback_ms_ = int64_t{lookback_hours} * kMsPerHour;

  auto add = [&](Kind kind, std::string name, Signal signal = Signal::kCount, int64_t window = 0) {
    set.features_.push_back(Feature{kind, signal, window});
    set.names_.push_back(std::move(name));
  };
  if (const Json* statics = spec.Find("static")) {
    for (const Json& item : statics->items()) {
      std::string_view name = item.text();
      if (!item.is_string()) return Bad("\"static\" entries must be strings");
      if (name == "age") add(Kind::kAge, "age");
      else if (name == "male") add(Kind::kMale, "male");
      else if (name == "hours_since_admission") add(Kind::kHoursSinceAdmission, "hours_since_admission");
      else if (name == "in_icu") add(Kind::kInIcu, "in_icu");
      else return Bad(StrCat("unknown static feature \"", name, "\""));
    }
  }
  if (const Json* scores = spec.Find("scores")) {
    for (const Json& item : scores->items()) {
      std::string_view name = item.text();
      if (!item.is_string()) return Bad("\"scores\" entries must be strings");
      if (name == "news2") add(Kind::kNews2, "news2");
      else if (name == "qsofa") add(Kind::kQsofa, "qsofa");
      else if (name == "sirs") add(Kind::kSirs, "sirs");
      else if (name == "mews") add(Kind::kMews, "mews");
      else return Bad(StrCat("unknown score \"", name, "\""));
      set.needs_vitals_ = true;
    }
  }
  if (const Json* signals = spec.Find("signals")) {
    if (!signals->is_object()) return Bad("\"signals\" must be an object");
    for (const auto& [signal_name, aggs] : signals->members()) {
      std::optional<Signal> signal = SignalByName(signal_name);
      if (!signal) return Bad(StrCat("unknown signal \"", signal_name, "\""));
      if (!aggs.is_array()) return Bad(StrCat("\"", signal_name, "\" must list aggregations"));
      for (const Json& agg : aggs.items()) {
        if (!agg.is_string()) return Bad(StrCat("\"", signal_name, "\": aggregations are strings"));
        std::string name = StrCat(signal_name, ".", agg.text());
        auto [base, window_hours] = SplitWindow(agg.text());
        if (!window_hours) {
          if (base == "last") add(Kind::kLast, name, *signal);
          else if (base == "time_since_last") add(Kind::kTimeSinceLast, name, *signal);
          else if (base == "delta_admission") add(Kind::kDeltaAdmission, name, *signal);
          else return Bad(StrCat("unknown aggregation \"", agg.text(), "\" for ", signal_name));
          continue;
        }
        const int hours = *window_hours;
        if (hours < 1 || hours > kMaxWindowHours) return Bad(StrCat("window out of range in ", name));
        const int64_t window = int64_t{hours} * kMsPerHour;
        if (base == "min") add(Kind::kMin, name, *signal, window);
        else if (base == "max") add(Kind::kMax, name, *signal, window);
        else if (base == "mean") add(Kind::kMean, name, *signal, window);
        else if (base == "slope") add(Kind::kSlope, name, *signal, window);
        else if (base == "delta") add(Kind::kDelta, name, *signal, window);
        else if (base == "count") add(Kind::kCount, name, *signal, window);
        else if (base == "missing") add(Kind::kMissing, name, *signal, window);
        else return Bad(StrCat("unknown aggregation \"", agg.text(), "\" for ", signal_name));
      }
    }
  }
  if (set.features_.empty()) return Bad("defines no features");
  return set;
}

void FeatureSet::Compute(const Stay& stay, int64_t at_ms, std::span<float> out) const {
  VitalSigns vitals;
  if (needs_vitals_) vitals = LatestVitals(stay, at_ms, lookback_ms_);
  for (size_t i = 0; i < features_.size(); ++i) out[i] = ComputeOne(features_[i], stay, at_ms, vitals);
}

float FeatureSet::ComputeOne(const Feature& f, const Stay& stay, int64_t at_ms,
                             const VitalSigns& vitals) const {
  switch (f.kind) {
    case Kind::kAge: return stay.age_years ? static_cast<float>(*stay.age_years) : kNaN;
    case Kind::kMale: return stay.male ? (*stay.male ? 1.f : 0.f) : kNaN;
    case Kind::kHoursSinceAdmission: return static_cast<float>(at_ms - stay.admit_ms) / kMsPerHour;
    case Kind::kInIcu: return stay.InIcu(at_ms) ? 1.f : 0.f;
    case Kind::kNews2: return static_cast<float>(News2(vitals).total);
    case Kind::kQsofa: return static_cast<float>(Qsofa(vitals).total);
    case Kind::kSirs: return static_cast<float>(Sirs(vitals).total);
    case Kind::kMews: return static_cast<float>(Mews(vitals).total);
    default: break;
  }
  const auto& s = stay.Series(f.signal);
  const auto end = UpTo(s, at_ms);
  const bool any = end != s.begin();
  const auto window_begin = std::upper_bound(s.begin(), end, Measurement{at_ms - f.window_ms, 0});
  switch (f.kind) {
    case Kind::kLast: return any ? (end - 1)->value : kNaN;
    case Kind::kTimeSinceLast:
      return any ? static_cast<float>(at_ms - (end - 1)->time_ms) / kMsPerHour : kNaN;
    case Kind::kDeltaAdmission: return any ? (end - 1)->value - s.front().value : kNaN;
    case Kind::kDelta: {
      if (!any || window_begin == s.begin()) return kNaN;
      return (end - 1)->value - (window_begin - 1)->value;
    }
    case Kind::kCount: return static_cast<float>(end - window_begin);
    case Kind::kMissing: return window_begin == end ? 1.f : 0.f;
    case Kind::kSlope: return Slope(window_begin, end);
    case Kind::kMin:
    case Kind::kMax:
    case Kind::kMean: {
      if (window_begin == end) return kNaN;
      double lo = window_begin->value, hi = lo, sum = 0;
      for (auto it = window_begin; it != end; ++it) {
        lo = std::min<double>(lo, it->value);
        hi = std::max<double>(hi, it->value);
        sum += it->value;
      }
      if (f.kind == Kind::kMin) return static_cast<float>(lo);
      if (f.kind == Kind::kMax) return static_cast<float>(hi);
      return static_cast<float>(sum / static_cast<double>(end - window_begin));
    }
    default: return kNaN;
  }
}

VitalSigns LatestVitals(const Stay& stay, int64_t at_ms, int64_t max_age_ms) {
  VitalSigns v;
  auto latest = [&](Signal s) { return LatestWithin(stay, s, at_ms, max_age_ms); };
  v.respiratory_rate = latest(Signal::kRespiratoryRate);
  v.spo2 = latest(Signal::kSpO2);
  v.temperature = latest(Signal::kTemperature);
  v.systolic_bp = latest(Signal::kSystolicBp);
  v.heart_rate = latest(Signal::kHeartRate);
  v.gcs = latest(Signal::kGcs);
  v.o2_flow = latest(Signal::kO2Flow);
  v.fio2 = latest(Signal::kFiO2);
  v.wbc = latest(Signal::kWbc);
  v.paco2 = latest(Signal::kPaCO2);
  return v;
}

}  // namespace vigil::ai
