// The PhysioNet/Computing in Cardiology Challenge 2019 utility score for early
// sepsis prediction, computed as the official scorer does
// (physionetchallenges/evaluation-2019, evaluate_sepsis_score.py:
// compute_prediction_utility and the normalization in evaluate_sepsis_score).
//
//   double u = NormalizedUtility(labels_per_patient, predictions_per_patient);
//
// Input: one vector per patient with one entry per hourly row. labels are the
// PhysioNet SepsisLabel column (1 from onset - 6 h onwards; nonzero counts as
// 1); predictions are the binarized alerts (nonzero counts as 1).
//
// Per patient, with t the row index and, for a septic patient (any label set),
// t_sepsis = (index of the first label 1) - dt_optimal, i.e. the onset time:
//   m1 = max_u_tp / (dt_optimal - dt_early),  b1 = -m1 * dt_early
//   m2 = -max_u_tp / (dt_late - dt_optimal),  b2 = -m2 * dt_late
//   m3 = min_u_fn / (dt_late - dt_optimal),   b3 = -m3 * dt_optimal
// and only rows with t <= t_sepsis + dt_late score (t_sepsis is +infinity for
// a non-septic patient, so all of its rows score):
//   septic, predicted:     t <= t_sepsis + dt_optimal: max(m1 (t - t_sepsis) + b1, u_fp)
//                          otherwise:                  m2 (t - t_sepsis) + b2
//   non-septic, predicted: u_fp
//   septic, not predicted: t <= t_sepsis + dt_optimal: 0
//                          otherwise:                  m3 (t - t_sepsis) + b3
//   non-septic, not predicted: u_tn
// The patient's utility is the sum over rows. The cohort score is
//   (sum observed - sum inaction) / (sum best - sum inaction)
// where inaction predicts 0 everywhere and best predicts 1 exactly on rows
// [max(0, t_sepsis + dt_early), min(t_sepsis + dt_late + 1, n)) of septic
// patients. With the defaults: a prediction 12 h before onset earns 0, 6 h
// before earns 1, falling to 0 at 3 h after; a missed onset costs up to -2 per
// hour; a false alarm costs -0.05 per hour.
//
// One difference in the last bits: numpy's np.sum adds pairwise, we add in row
// order, so results can differ from the official script by a few ulps.
//
// Errors: NaN where the official script raises (lengths differ, or the times
// are not dt_early < dt_optimal < dt_late). NormalizedUtility is NaN (0/0) or
// infinite, as in the script, when no patient is septic.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace vigil::ai {

struct UtilityParams {
  int dt_early = -12;  // hours relative to onset
  int dt_optimal = -6;
  int dt_late = 3;
  double max_u_tp = 1;
  double min_u_fn = -2;
  double u_fp = -0.05;
  double u_tn = 0;
};

// compute_prediction_utility for one patient.
double PatientUtility(std::span<const uint8_t> labels, std::span<const uint8_t> predictions,
                      const UtilityParams& p = {});

// The official "best" predictions for one patient (all zeros if not septic).
std::vector<uint8_t> BestPredictions(std::span<const uint8_t> labels, const UtilityParams& p = {});

// The normalized observed utility of a cohort (1 = best, 0 = no alerts).
// NaN if the patient counts or any patient's lengths differ.
double NormalizedUtility(const std::vector<std::vector<uint8_t>>& labels,
                         const std::vector<std::vector<uint8_t>>& predictions,
                         const UtilityParams& p = {});

}  // namespace vigil::ai
