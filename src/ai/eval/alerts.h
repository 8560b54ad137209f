// Stay-level statistics of an alerting policy (a model at one threshold), the
// numbers a ward asks about: how often does it fire, how often is it right,
// which septic patients does it catch, and how early.
//
//   stay.alert = AlertsAtThreshold(stay_scores, 0.3);  // for each stay
//   VIGIL_ASSIGN_OR_RETURN(AlertStats st, ComputeAlertStats(stays));
//
// Definitions:
//   - stay_days = sum over stays of (number of hourly rows) / 24.
//   - alerted stay-days = sum over stays of the number of distinct day indices
//     floor(hour / 24) that have at least one alerting row;
//     alert_rate_per_day = alerted stay-days / stay_days (NaN if stay_days = 0).
//   - an alerted stay has >= 1 alerting row; ppv = alerted septic stays /
//     alerted stays (NaN if none).
//   - a septic stay is detected when an alert fires at an hour <=
//     onset_hours + 3; sensitivity = detected / septic stays (NaN if none);
//     lead time = onset_hours - hour of the first alert (positive = before
//     onset); median_lead_time_hours is the median over detected stays (the
//     mean of the two middle values for an even count; NaN if none).
//   "First alert" is the alerting row with the smallest hour.
//
// Errors: InvalidArgument if a stay's hours and alert differ in length, an
// hour is not finite, or a septic stay's onset_hours is not finite.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"

namespace vigil::ai {

struct StayPredictions {
  std::vector<double> hours;   // hours since admission of each hourly row
  std::vector<uint8_t> alert;  // 1 where the policy alerts on that row
  bool septic = false;
  double onset_hours = 0;  // hours since admission; only if septic
};

struct AlertStats {
  double alert_rate_per_day;
  double ppv;
  double sensitivity;
  double median_lead_time_hours;
  size_t alerted_stays, septic_stays, detected_septic_stays, stays;
  double stay_days;
};

// How long after onset an alert still counts as detecting it.
inline constexpr double kDetectionGraceHours = 3;

// alert[i] = scores[i] >= threshold (NaN scores never alert).
std::vector<uint8_t> AlertsAtThreshold(std::span<const double> scores, double threshold);

absl::StatusOr<AlertStats> ComputeAlertStats(std::span<const StayPredictions> stays);

}  // namespace vigil::ai
