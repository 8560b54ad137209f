#include "ai/eval/alerts.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace vigil::ai {
namespace {

// A stay with rows at hours 0..rows-1 that alerts at the given hours.
StayPredictions Stay(int rows, std::vector<int> alert_hours, bool septic, double onset = 0) {
  StayPredictions s;
  for (int h = 0; h < rows; ++h) s.hours.push_back(h);
  s.alert.assign(rows, 0);
  for (int h : alert_hours) s.alert[h] = 1;
  s.septic = septic;
  s.onset_hours = onset;
  return s;
}

TEST(AlertStatsTest, CountsRatesPpvSensitivityAndLeadTime) {
  std::vector<StayPredictions> stays = {
      Stay(48, {5, 6, 30}, false),   // alerted on days 0 and 1
      Stay(30, {10, 22}, true, 20),  // detected, lead 20 - 10 = 10
      Stay(24, {13}, true, 10),      // detected at exactly onset + 3, lead -3
      Stay(12, {9}, true, 5),        // alerted at 9 > 5 + 3: not detected
      Stay(36, {}, true, 30),        // missed
      Stay(12, {}, false),
  };
  absl::StatusOr<AlertStats> st = ComputeAlertStats(stays);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->stays, 6u);
  EXPECT_DOUBLE_EQ(st->stay_days, 162.0 / 24);
  EXPECT_DOUBLE_EQ(st->alert_rate_per_day, 5 / (162.0 / 24));  // 2 + 1 + 1 + 1 alerted days
  EXPECT_EQ(st->alerted_stays, 4u);
  EXPECT_DOUBLE_EQ(st->ppv, 0.75);
  EXPECT_EQ(st->septic_stays, 4u);
  EXPECT_EQ(st->detected_septic_stays, 2u);
  EXPECT_DOUBLE_EQ(st->sensitivity, 0.5);
  EXPECT_DOUBLE_EQ(st->median_lead_time_hours, 3.5);
}

TEST(AlertStatsTest, DaysAreFloorOfHourOverTwentyFour) {
  StayPredictions s;
  s.hours = {22.5, 23.5, 24.0, 47.9, 48.0};
  s.alert = {1, 1, 1, 1, 0};
  s.septic = false;
  absl::StatusOr<AlertStats> st = ComputeAlertStats(std::vector<StayPredictions>{s});
  ASSERT_TRUE(st.ok());
  // Days 0 and 1 alerted over 5 / 24 stay-days.
  EXPECT_DOUBLE_EQ(st->alert_rate_per_day, 2 / (5.0 / 24));
  EXPECT_DOUBLE_EQ(st->ppv, 0.0);
  EXPECT_TRUE(std::isnan(st->sensitivity));
  EXPECT_TRUE(std::isnan(st->median_lead_time_hours));
}

TEST(AlertStatsTest, LeadTimeUsesTheEarliestAlertAndAnOddMedian) {
  StayPredictions unordered;
  unordered.hours = {5, 2, 8};  // rows out of time order
  unordered.alert = {1, 1, 0};
  unordered.septic = true;
  unordered.onset_hours = 6.5;
  std::vector<StayPredictions> stays = {unordered, Stay(10, {1}, true, 9), Stay(10, {7}, true, 8)};
  absl::StatusOr<AlertStats> st = ComputeAlertStats(stays);
  ASSERT_TRUE(st.ok());
  // Lead times 4.5, 8 and 1: the median is 4.5.
  EXPECT_EQ(st->detected_septic_stays, 3u);
  EXPECT_DOUBLE_EQ(st->median_lead_time_hours, 4.5);
}

TEST(AlertStatsTest, EmptyInputHasNoRates) {
  absl::StatusOr<AlertStats> st = ComputeAlertStats({});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->stays, 0u);
  EXPECT_EQ(st->stay_days, 0.0);
  EXPECT_TRUE(std::isnan(st->alert_rate_per_day));
  EXPECT_TRUE(std::isnan(st->ppv));
  EXPECT_TRUE(std::isnan(st->sensitivity));
}

TEST(AlertStatsTest, RejectsMalformedStays) {
  StayPredictions mismatched = Stay(5, {}, false);
  mismatched.alert.pop_back();
  EXPECT_EQ(ComputeAlertStats(std::vector<StayPredictions>{mismatched}).status().code(),
            absl::StatusCode::kInvalidArgument);
  StayPredictions no_onset = Stay(5, {}, true, std::nan(""));
  EXPECT_EQ(ComputeAlertStats(std::vector<StayPredictions>{no_onset}).status().code(),
            absl::StatusCode::kInvalidArgument);
  StayPredictions bad_hour = Stay(5, {}, false);
  bad_hour.hours[2] = std::numeric_limits<double>::infinity();
  EXPECT_EQ(ComputeAlertStats(std::vector<StayPredictions>{bad_hour}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AlertsAtThresholdTest, AlertsAtOrAboveTheThreshold) {
  std::vector<double> scores = {0.2, 0.3, 0.31, std::nan("")};
  EXPECT_EQ(AlertsAtThreshold(scores, 0.3), (std::vector<uint8_t>{0, 1, 1, 0}));
}

}  // namespace
}  // namespace vigil::ai
