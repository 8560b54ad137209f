#include "ai/model/dataset.h"

#include <algorithm>
#include <thread>

#include "ai/scores/early_warning.h"
#include "base/calendar.h"

namespace vigil::ai {
namespace {

// The last time a row may have: discharge (or the last measurement of an open
// stay), onset + hours_after_onset for a septic stay, capped at max_hours.
int64_t RowsEnd(const Stay& stay, const StayOutcome& outcome, const RowOptions& o) {
  int64_t end = stay.discharge_ms == kOpenEnd ? stay.LastMeasurementMs() : stay.discharge_ms;
  if (outcome.sepsis) end = std::min(end, outcome.onset_ms + int64_t{o.hours_after_onset} * kMsPerHour);
  return std::min(end, stay.admit_ms + int64_t{o.max_hours} * kMsPerHour);
}

void FillRows(Dataset& d, const FeatureSet& features, const RowOptions& o, size_t stay_begin,
              size_t stay_end, const LabelMap& labels) {
  for (size_t si = stay_begin; si < stay_end; ++si) {
    const StayRows& sr = d.stays[si];
    const Stay& stay = *sr.stay;
    const int64_t onset_label_ms =
        sr.septic ? labels.at(stay.encounter_id).onset_ms - int64_t{o.hours_before_onset} * kMsPerHour : 0;
    for (size_t k = 0; k < sr.row_count; ++k) {
      const size_t row = sr.first_row + k;
      const int64_t at = stay.admit_ms + static_cast<int64_t>(k + 1) * kMsPerHour;
      features.Compute(stay, at, std::span<float>(d.x.data() + row * d.cols, d.cols));
      d.label[row] = sr.septic && at >= onset_label_ms ? 1.f : 0.f;
      d.hour[row] = static_cast<float>(k + 1);
      d.stay[row] = static_cast<uint32_t>(si);
      VitalSigns v = LatestVitals(stay, at, features.lookback_ms());
      d.news2[row] = static_cast<float>(News2(v).total);
      d.qsofa[row] = static_cast<float>(Qsofa(v).total);
    }
  }
}

}  // namespace

Dataset BuildDataset(const std::vector<Stay>& stays, const LabelMap& labels, const FeatureSet& features,
                     const RowOptions& options, int threads) {
  Dataset d;
  d.cols = features.size();
  size_t rows = 0;
  for (const Stay& stay : stays) {
    auto it = labels.find(stay.encounter_id);
    if (it == labels.end()) {
      ++d.unlabelled_stays;
      continue;
    }
    const int64_t end = RowsEnd(stay, it->second, options);
    const size_t count = end > stay.admit_ms ? static_cast<size_t>((end - stay.admit_ms) / kMsPerHour) : 0;
    const double onset_h =
        it->second.sepsis ? static_cast<double>(it->second.onset_ms - stay.admit_ms) / kMsPerHour : 0;
    d.stays.push_back(StayRows{&stay, it->second.sepsis, onset_h, rows, count});
    rows += count;
  }
  d.x.resize(rows * d.cols);
  d.label.resize(rows);
  d.hour.resize(rows);
  d.stay.resize(rows);
  d.news2.resize(rows);
  d.qsofa.resize(rows);
  threads = std::max(1, threads);
  std::vector<std::thread> workers;
  const size_t per = (d.stays.size() + threads - 1) / threads;
  for (int t = 0; t < threads; ++t) {
    const size_t begin = std::min(d.stays.size(), t * per);
    const size_t end = std::min(d.stays.size(), begin + per);
    workers.emplace_back([&, begin, end] { FillRows(d, features, options, begin, end, labels); });
  }
  for (auto& w : workers) w.join();
  return d;
}

std::vector<size_t> RowsOfStays(const Dataset& dataset, const std::vector<uint32_t>& stay_indices) {
  std::vector<size_t> rows;
  for (uint32_t si : stay_indices) {
    const StayRows& sr = dataset.stays[si];
    for (size_t k = 0; k < sr.row_count; ++k) rows.push_back(sr.first_row + k);
  }
  return rows;
}

}  // namespace vigil::ai
