// Declarative features, computed by one code path for training and live scoring.
//
// A feature spec (JSON, format "vigil-features/1") names what to compute; it is
// compiled once into a FeatureSet that evaluates any stay at any time point using
// only measurements taken at or before that time:
//
//   {"format": "vigil-features/1",
//    "lookback_hours": 24,                       // scores use values at most this old
//    "static": ["age", "male", "hours_since_admission", "in_icu"],
//    "scores": ["news2", "qsofa", "sirs", "mews"],
//    "signals": {"heart_rate": ["last", "time_since_last", "mean_6h", "slope_6h",
//                               "delta_admission", "count_24h", "missing_24h"], ...}}
//
// Signal aggregations (N is a whole number of hours, 1..168):
//   last              the latest value
//   time_since_last   hours since the latest value
//   min_Nh max_Nh mean_Nh   over the window (t - N h, t]
//   slope_Nh          least-squares slope per hour over the window (>= 2 values)
//   delta_Nh          latest value minus the latest value at or before t - N h
//   delta_admission   latest value minus the first value of the stay
//   count_Nh          number of values in the window (0 when none)
//   missing_Nh        1 when the window holds no value, else 0
// A value that cannot be computed is NaN (XGBoost's "missing"). Feature names
// are "signal.aggregation" ("heart_rate.mean_6h"), or the static/score name.
//
// Thread-safety: a compiled FeatureSet is immutable; Compute may be called from
// any number of threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ai/scores/early_warning.h"
#include "ai/timeline.h"
#include "fhir/json.h"

namespace vigil::ai {

class FeatureSet {
 public:
  // Errors: InvalidArgument naming the entry that is wrong.
  static absl::StatusOr<FeatureSet> Compile(const fhir::Json& spec);

  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return names_.size(); }
  // The spec as given (stored in model artifacts).
  const fhir::Json& spec() const { return spec_; }
  int64_t lookback_ms() const { return lookback_ms_; }

  // REQUIRES: out.size() == size().
  void Compute(const Stay& stay, int64_t at_ms, std::span<float> out) const;

 private:
  enum class Kind : uint8_t {
    kAge, kMale, kHoursSinceAdmission, kInIcu,
    kNews2, kQsofa, kSirs, kMews,
    kLast, kTimeSinceLast, kMin, kMax, kMean, kSlope, kDelta, kDeltaAdmission, kCount, kMissing,
  };
  struct Feature {
    Kind kind;
    Signal signal;       // signal aggregations only
    int64_t window_ms;   // windowed aggregations only
  };

  float ComputeOne(const Feature& f, const Stay& stay, int64_t at_ms, const VitalSigns& vitals) const;

  fhir::Json spec_;
  std::vector<Feature> features_;
  std::vector<std::string> names_;
  int64_t lookback_ms_ = 0;
  bool needs_vitals_ = false;
};

// The latest value of each early-warning input at or before at_ms and no older
// than max_age_ms.
VitalSigns LatestVitals(const Stay& stay, int64_t at_ms, int64_t max_age_ms);

}  // namespace vigil::ai
