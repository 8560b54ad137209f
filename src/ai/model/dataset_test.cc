#include "ai/model/dataset.h"

#include <string>
#include <vector>

#include "base/calendar.h"
#include "fhir/json.h"
#include "gtest/gtest.h"

namespace vigil::ai {
namespace {

constexpr int64_t kAdmit = int64_t{20454} * kMsPerDay;  // 2026-01-01T00:00:00Z

int64_t H(double hours) { return kAdmit + static_cast<int64_t>(hours * kMsPerHour); }

Stay MakeStay(std::string id, double hours) {
  Stay s;
  s.patient_id = "p-" + id;
  s.encounter_id = std::move(id);
  s.admit_ms = kAdmit;
  s.discharge_ms = H(hours);
  return s;
}

FeatureSet HoursFeature() {
  absl::StatusOr<FeatureSet> set = FeatureSet::Compile(
      fhir::ParseJson(R"({"format": "vigil-features/1", "static": ["hours_since_admission"]})")
          .value());
  EXPECT_TRUE(set.ok()) << set.status();
  return std::move(set).value();
}

std::vector<float> Range(int from, int to) {
  std::vector<float> out;
  for (int h = from; h <= to; ++h) out.push_back(static_cast<float>(h));
  return out;
}

TEST(BuildDatasetTest, NonSepticStayHasHourlyRowsFromAdmissionPlusOneHourToDischarge) {
  std::vector<Stay> stays = {MakeStay("e1", 10.5)};
  LabelMap labels = {{"e1", StayOutcome{false, 0}}};
  Dataset d = BuildDataset(stays, labels, HoursFeature(), RowOptions{}, 1);
  ASSERT_EQ(d.rows(), 10u);
  EXPECT_EQ(d.cols, 1u);
  EXPECT_EQ(d.hour, Range(1, 10));
  EXPECT_EQ(d.x, Range(1, 10));  // the features are computed at each row's hour
  EXPECT_EQ(d.label, std::vector<float>(10, 0.f));
  EXPECT_EQ(d.stay, std::vector<uint32_t>(10, 0));
  ASSERT_EQ(d.stays.size(), 1u);
  EXPECT_EQ(d.stays[0].stay, &stays[0]);
  EXPECT_FALSE(d.stays[0].septic);
  EXPECT_EQ(d.stays[0].first_row, 0u);
  EXPECT_EQ(d.stays[0].row_count, 10u);
  EXPECT_EQ(d.unlabelled_stays, 0u);
}

TEST(BuildDatasetTest, SepticStayEndsAfterOnsetAndIsLabelledFromHoursBeforeOnset) {
  std::vector<Stay> stays = {MakeStay("e1", 48)};
  LabelMap labels = {{"e1", StayOutcome{true, H(20)}}};
  RowOptions options;
  options.hours_before_onset = 6;
  options.hours_after_onset = 3;
  Dataset d = BuildDataset(stays, labels, HoursFeature(), options, 1);
  ASSERT_EQ(d.rows(), 23u);  // hours 1..23 = onset + 3
  EXPECT_EQ(d.hour, Range(1, 23));
  std::vector<float> expected(23, 0.f);
  for (int h = 14; h <= 23; ++h) expected[h - 1] = 1.f;  // from onset - 6 h on
  EXPECT_EQ(d.label, expected);
  ASSERT_EQ(d.stays.size(), 1u);
  EXPECT_TRUE(d.stays[0].septic);
  EXPECT_DOUBLE_EQ(d.stays[0].onset_hours, 20);
}

TEST(BuildDatasetTest, SepticStayDischargedBeforeOnsetPlusHoursAfterEndsAtDischarge) {
  std::vector<Stay> stays = {MakeStay("e1", 21)};
  LabelMap labels = {{"e1", StayOutcome{true, H(20)}}};
  Dataset d = BuildDataset(stays, labels, HoursFeature(), RowOptions{}, 1);
  EXPECT_EQ(d.hour, Range(1, 21));
}

TEST(BuildDatasetTest, OpenStayEndsAtItsLastMeasurementAndMaxHoursCapsRows) {
  Stay open = MakeStay("e1", 0);
  open.discharge_ms = kOpenEnd;
  open.series[static_cast<int>(Signal::kHeartRate)] = {{H(2), 80}, {H(7.5), 90}};
  open.series[static_cast<int>(Signal::kTemperature)] = {{H(5), 37}};
  std::vector<Stay> stays = {open, MakeStay("e2", 100)};
  LabelMap labels = {{"e1", StayOutcome{false, 0}}, {"e2", StayOutcome{false, 0}}};
  RowOptions options;
  options.max_hours = 50;
  Dataset d = BuildDataset(stays, labels, HoursFeature(), options, 1);
  ASSERT_EQ(d.stays.size(), 2u);
  EXPECT_EQ(d.stays[0].row_count, 7u);
  EXPECT_EQ(d.stays[1].row_count, 50u);
  EXPECT_EQ(d.stays[1].first_row, 7u);
  EXPECT_EQ(d.rows(), 57u);
}

TEST(BuildDatasetTest, UnlabelledStaysAreLeftOutAndCounted) {
  std::vector<Stay> stays = {MakeStay("a", 3), MakeStay("b", 4), MakeStay("c", 5)};
  LabelMap labels = {{"b", StayOutcome{false, 0}}};
  Dataset d = BuildDataset(stays, labels, HoursFeature(), RowOptions{}, 1);
  EXPECT_EQ(d.unlabelled_stays, 2u);
  ASSERT_EQ(d.stays.size(), 1u);
  EXPECT_EQ(d.stays[0].stay, &stays[1]);
  EXPECT_EQ(d.rows(), 4u);
}

TEST(BuildDatasetTest, BaselineScoresAreComputedForEveryRow) {
  Stay s = MakeStay("e1", 4);
  s.series[static_cast<int>(Signal::kHeartRate)] = {{H(2), 120}};       // NEWS2 2
  s.series[static_cast<int>(Signal::kRespiratoryRate)] = {{H(3), 22}};  // NEWS2 2, qSOFA 1
  std::vector<Stay> stays = {s};
  LabelMap labels = {{"e1", StayOutcome{false, 0}}};
  Dataset d = BuildDataset(stays, labels, HoursFeature(), RowOptions{}, 1);
  EXPECT_EQ(d.news2, (std::vector<float>{0, 2, 4, 4}));
  EXPECT_EQ(d.qsofa, (std::vector<float>{0, 0, 1, 1}));
}

TEST(BuildDatasetTest, ThreadCountDoesNotChangeTheRows) {
  std::vector<Stay> stays;
  LabelMap labels;
  for (int i = 0; i < 7; ++i) {
    stays.push_back(MakeStay("e" + std::to_string(i), 5 + 3 * i));
    labels["e" + std::to_string(i)] = StayOutcome{i % 2 == 1, H(4 + i)};
  }
  Dataset one = BuildDataset(stays, labels, HoursFeature(), RowOptions{}, 1);
  Dataset three = BuildDataset(stays, labels, HoursFeature(), RowOptions{}, 3);
  EXPECT_EQ(one.x, three.x);
  EXPECT_EQ(one.label, three.label);
  EXPECT_EQ(one.hour, three.hour);
  EXPECT_EQ(one.stay, three.stay);
  EXPECT_GT(one.rows(), 0u);
}

TEST(RowsOfStaysTest, ListsTheRowsOfTheGivenStaysInTheGivenOrder) {
  std::vector<Stay> stays = {MakeStay("a", 2), MakeStay("b", 3), MakeStay("c", 1)};
  LabelMap labels = {
      {"a", StayOutcome{false, 0}}, {"b", StayOutcome{false, 0}}, {"c", StayOutcome{false, 0}}};
  Dataset d = BuildDataset(stays, labels, HoursFeature(), RowOptions{}, 1);
  ASSERT_EQ(d.rows(), 6u);
  EXPECT_EQ(RowsOfStays(d, {2, 0}), (std::vector<size_t>{5, 0, 1}));
  EXPECT_EQ(RowsOfStays(d, {1}), (std::vector<size_t>{2, 3, 4}));
  EXPECT_TRUE(RowsOfStays(d, {}).empty());
  for (size_t r : RowsOfStays(d, {1})) EXPECT_EQ(d.stay[r], 1u);
}

}  // namespace
}  // namespace vigil::ai
