#include "ai/eval/alerts.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>

#include "base/str.h"

namespace vigil::ai {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

absl::Status CheckStay(const StayPredictions& stay, size_t index) {
  if (stay.hours.size() != stay.alert.size()) {
    return absl::InvalidArgumentError(StrCat("stay ", index, ": ", stay.hours.size(), " hours but ",
                                             stay.alert.size(), " alert values"));
  }
  if (!std::all_of(stay.hours.begin(), stay.hours.end(),
                   [](double h) { return std::isfinite(h); })) {
    return absl::InvalidArgumentError(StrCat("stay ", index, ": an hour is not finite"));
  }
  if (stay.septic && !std::isfinite(stay.onset_hours)) {
    return absl::InvalidArgumentError(StrCat("stay ", index, ": septic without a finite onset"));
  }
  return absl::OkStatus();
}

// What one stay contributes.
struct StaySummary {
  size_t alerted_days = 0;            // distinct floor(hour / 24) with an alert
  std::optional<double> first_alert;  // smallest alerting hour
};

StaySummary Summarize(const StayPredictions& stay) {
  StaySummary out;
  std::set<double> days;
  for (size_t i = 0; i < stay.hours.size(); ++i) {
    if (stay.alert[i] == 0) continue;
    days.insert(std::floor(stay.hours[i] / 24));
    out.first_alert = std::min(out.first_alert.value_or(stay.hours[i]), stay.hours[i]);
  }
  out.alerted_days = days.size();
  return out;
}

double Median(std::vector<double> values) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

double Ratio(size_t num, size_t den) {
  return den == 0 ? kNaN : static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

std::vector<uint8_t> AlertsAtThreshold(std::span<const double> scores, double threshold) {
  std::vector<uint8_t> alert(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) alert[i] = scores[i] >= threshold ? 1 : 0;
  return alert;
}

absl::StatusOr<AlertStats> ComputeAlertStats(std::span<const StayPredictions> stays) {
  AlertStats st{kNaN, kNaN, kNaN, kNaN, 0, 0, 0, stays.size(), 0};
  size_t rows = 0, alerted_days = 0, alerted_septic = 0;
  std::vector<double> lead_times;
  for (size_t k = 0; k < stays.size(); ++k) {
    const StayPredictions& stay = stays[k];
    if (absl::Status s = CheckStay(stay, k); !s.ok()) return s;
    const StaySummary summary = Summarize(stay);
    rows += stay.hours.size();
    alerted_days += summary.alerted_days;
    if (summary.first_alert) ++st.alerted_stays;
    if (!stay.septic) continue;
    ++st.septic_stays;
    if (!summary.first_alert) continue;
    ++alerted_septic;
    if (*summary.first_alert <= stay.onset_hours + kDetectionGraceHours) {
      ++st.detected_septic_stays;
      lead_times.push_back(stay.onset_hours - *summary.first_alert);
    }
  }
  st.stay_days = static_cast<double>(rows) / 24;
  st.alert_rate_per_day = rows == 0 ? kNaN : static_cast<double>(alerted_days) / st.stay_days;
  st.ppv = Ratio(alerted_septic, st.alerted_stays);
  st.sensitivity = Ratio(st.detected_septic_stays, st.septic_stays);
  st.median_lead_time_hours = Median(std::move(lead_times));
  return st;
}

}  // namespace vigil::ai
