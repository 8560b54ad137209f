// The rows a model is trained and evaluated on: one per stay per hour.
//
// A stay contributes a row at every whole hour since admission (admit + k h,
// k = 1, 2, ...) up to its discharge; a septic stay stops at onset +
// hours_after_onset, because after that the sepsis is clinically recognised and
// a prediction no longer changes care (the PhysioNet 2019 utility is 0 there).
// A row's label is 1 from onset - hours_before_onset on (PhysioNet's
// SepsisLabel). Each row's features come from FeatureSet::Compute at that hour,
// i.e. from measurements taken at or before it, exactly as live scoring sees them.
// NEWS2 and qSOFA are computed for every row too: they are the baselines.
//
// Stays without a label are left out and counted. Thread-safety: BuildDataset
// uses `threads` worker threads internally; the result is a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ai/features.h"
#include "ai/labels.h"
#include "ai/timeline.h"

namespace vigil::ai {

struct RowOptions {
  int hours_before_onset = 6;
  int hours_after_onset = 3;
  int max_hours = 21 * 24;  // rows beyond this many hours of a stay are not generated
};

struct StayRows {
  const Stay* stay;
  bool septic;
  double onset_hours;  // since admission, when septic
  size_t first_row;    // rows [first_row, first_row + row_count) of the dataset
  size_t row_count;
};

struct Dataset {
  size_t cols = 0;
  std::vector<float> x;       // rows × cols, row-major, NaN = missing
  std::vector<float> label;   // 0 or 1
  std::vector<float> hour;    // hours since admission
  std::vector<uint32_t> stay; // index into stays
  std::vector<float> news2;   // baseline scores at the row's time
  std::vector<float> qsofa;
  std::vector<StayRows> stays;
  size_t unlabelled_stays = 0;

  size_t rows() const { return label.size(); }
};

Dataset BuildDataset(const std::vector<Stay>& stays, const LabelMap& labels, const FeatureSet& features,
                     const RowOptions& options, int threads);

// The rows of the given stays (indices into dataset.stays), in stay order.
std::vector<size_t> RowsOfStays(const Dataset& dataset, const std::vector<uint32_t>& stay_indices);

}  // namespace vigil::ai
