#include "ai/model/testing.h"

#include <algorithm>
#include <random>

#include "base/calendar.h"
#include "base/status.h"

namespace vigil::ai::testing {
namespace {

std::vector<Stay> Stays(LabelMap* labels, int seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  std::vector<Stay> stays;
  for (int i = 0; i < 150; ++i) {
    Stay s;
    s.patient_id = "p" + std::to_string(i);
    s.encounter_id = "e" + std::to_string(i);
    s.admit_ms = int64_t{20454} * kMsPerDay + i * kMsPerHour;
    s.discharge_ms = s.admit_ms + 36 * kMsPerHour;
    s.age_years = 30 + 50 * uniform();
    const bool septic = i % 3 == 0;
    for (int h = 0; h < 36; ++h) {
      const double rise = septic ? std::clamp((h - 16) / 8.0, 0.0, 1.0) : 0.0;
      s.series[static_cast<int>(Signal::kHeartRate)].push_back(
          {s.admit_ms + h * kMsPerHour, static_cast<float>(75 + 40 * rise + 20 * (uniform() - 0.5))});
    }
    (*labels)[s.encounter_id] = StayOutcome{septic, s.admit_ms + 24 * kMsPerHour};
    stays.push_back(std::move(s));
  }
  return stays;
}

}  // namespace

std::vector<Stay> TinyStays(LabelMap* labels) { return Stays(labels, 99); }

FeatureSet TinyFeatures() {
  absl::StatusOr<fhir::Json> spec = fhir::ParseJson(R"({"format": "vigil-features/1",
      "static": ["age", "hours_since_admission"],
      "signals": {"heart_rate": ["last", "mean_6h", "slope_6h", "delta_admission", "count_3h"]}})");
  absl::StatusOr<FeatureSet> set = FeatureSet::Compile(*spec);
  return std::move(set).value();
}

TrainConfig TinyConfig() {
  TrainConfig config;
  config.num_rounds = 15;
  config.early_stopping_rounds = 15;
  config.bootstrap_resamples = 10;
  config.threads = 1;
  config.max_alert_rate_per_day = 0.5;
  config.rows.hours_before_onset = 5;
  return config;
}

absl::Status WriteTinyArtifact(const std::string& dir, int seed) {
  LabelMap labels;
  std::vector<Stay> stays = Stays(&labels, seed);
  FeatureSet features = TinyFeatures();
  TrainConfig config = TinyConfig();
  VIGIL_ASSIGN_OR_RETURN(TrainedModel model,
                         Train(stays, labels, features, config, [](std::string_view) {}));
  ArtifactInfo info;
  info.name = "sepsis-test";
  info.sources = {"ai/model/testing.cc"};
  info.created_ms = int64_t{20454} * kMsPerDay;
  return WriteArtifact(dir, model, features, config, info);
}

}  // namespace vigil::ai::testing
