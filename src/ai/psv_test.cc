#include "ai/psv.h"

#include <gtest/gtest.h>

#include "base/calendar.h"

namespace vigil::ai {
namespace {

constexpr char kHeader[] = "HR|O2Sat|Temp|FiO2|Lactate|EtCO2|Age|Gender|Unit1|Unit2|ICULOS|SepsisLabel\n";

TEST(ParsePsv, ReadsMeasurementsAtHalfPastTheirHour) {
  std::string text = std::string(kHeader) +
                     "80|97|36.8|NaN|NaN|30|71.5|1|0|0|1|0\n"
                     "NaN|95|NaN|0.4|2.5|NaN|71.5|1|1|0|2|0\n";
  absl::StatusOr<PsvStay> psv = ParsePsv(text, "p000001");
  ASSERT_TRUE(psv.ok()) << psv.status();
  const Stay& s = psv->stay;
  EXPECT_EQ(s.encounter_id, "p000001");
  EXPECT_EQ(s.age_years, 71.5);
  EXPECT_EQ(s.male, true);
  ASSERT_EQ(s.Series(Signal::kHeartRate).size(), 1u);
  EXPECT_EQ(s.Series(Signal::kHeartRate)[0].time_ms, 30 * kMsPerMinute);
  ASSERT_EQ(s.Series(Signal::kSpO2).size(), 2u);
  EXPECT_EQ(s.Series(Signal::kSpO2)[1].time_ms, kMsPerHour + 30 * kMsPerMinute);
  ASSERT_EQ(s.Series(Signal::kFiO2).size(), 1u);
  EXPECT_FLOAT_EQ(s.Series(Signal::kFiO2)[0].value, 40);  // fraction -> %
  EXPECT_FLOAT_EQ(s.Series(Signal::kLactate)[0].value, 2.5f);
  EXPECT_EQ(s.discharge_ms, 2 * kMsPerHour);
  ASSERT_EQ(s.icu_periods.size(), 1u);
  EXPECT_EQ(s.icu_periods[0], std::make_pair(kMsPerHour, 2 * kMsPerHour));
  EXPECT_FALSE(psv->outcome.sepsis);
}

TEST(ParsePsv, OnsetIsSevenHoursAfterTheFirstLabelledRow) {
  std::string text = kHeader;
  for (int k = 0; k < 12; ++k) {
    text += "80|97|36.8|NaN|NaN|NaN|60|0|0|0|" + std::to_string(k + 1) + "|" + (k >= 4 ? "1" : "0") + "\n";
  }
  absl::StatusOr<PsvStay> psv = ParsePsv(text, "p2");
  ASSERT_TRUE(psv.ok()) << psv.status();
  EXPECT_TRUE(psv->outcome.sepsis);
  // Row 4 is the first labelled: onset at 11 h, so the dataset labels hour 5 (row 4) on.
  EXPECT_EQ(psv->outcome.onset_ms, 11 * kMsPerHour);
  EXPECT_EQ(psv->stay.male, false);
}

TEST(ParsePsv, DropsImplausibleValues) {
  std::string text = std::string(kHeader) + "800|97|98.6|NaN|NaN|NaN|60|0|0|0|1|0\n";
  absl::StatusOr<PsvStay> psv = ParsePsv(text, "p3");
  ASSERT_TRUE(psv.ok());
  EXPECT_TRUE(psv->stay.Series(Signal::kHeartRate).empty());
  EXPECT_TRUE(psv->stay.Series(Signal::kTemperature).empty());
  EXPECT_EQ(psv->stay.Series(Signal::kSpO2).size(), 1u);
}

TEST(ParsePsv, RejectsMalformedRows) {
  EXPECT_EQ(ParsePsv("", "p").status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status short_row = ParsePsv(std::string(kHeader) + "80|97\n", "p4").status();
  EXPECT_EQ(short_row.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(short_row.message()).find("line 2"), std::string::npos);
  absl::Status text_cell = ParsePsv(std::string(kHeader) + "fast|97|36.8|NaN|NaN|NaN|60|0|0|0|1|0\n", "p5").status();
  EXPECT_NE(std::string(text_cell.message()).find("column 1"), std::string::npos);
}

}  // namespace
}  // namespace vigil::ai
