#include "ai/labels.h"

#include <string>
#include <string_view>

#include "base/time.h"
#include "fhir/json.h"
#include "gtest/gtest.h"

namespace vigil::ai {
namespace {

absl::StatusOr<LabelMap> Parse(std::string_view text) {
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(text);
  EXPECT_TRUE(json.ok()) << json.status();
  return ParseLabels(json.ok() ? *json : fhir::Json());
}

TEST(ParseLabelsTest, ReadsSepticAndNonSepticStays) {
  absl::StatusOr<LabelMap> labels = Parse(R"({"seed": 7, "stays": [
      {"encounter": "e1", "sepsis": true, "onset": "2026-01-03T08:30:00Z", "patient": "p1"},
      {"encounter": "e2", "sepsis": false},
      {"encounter": "e3", "sepsis": false, "onset": "not read"}]})");
  ASSERT_TRUE(labels.ok()) << labels.status();
  ASSERT_EQ(labels->size(), 3u);
  EXPECT_TRUE(labels->at("e1").sepsis);
  EXPECT_EQ(labels->at("e1").onset_ms, int64_t{1767429000000});
  EXPECT_FALSE(labels->at("e2").sepsis);
  EXPECT_EQ(labels->at("e2").onset_ms, 0);
  EXPECT_FALSE(labels->at("e3").sepsis);
}

TEST(ParseLabelsTest, StaysStillAdmittedGetNoLabel) {
  absl::StatusOr<LabelMap> labels = Parse(R"({"stays": [
      {"encounter": "e1", "sepsis": true, "onset": "2026-01-03T08:30:00Z", "admitted": true},
      {"encounter": "e2", "sepsis": false, "admitted": true},
      {"encounter": "e3", "sepsis": false, "admitted": false},
      {"encounter": "e4", "sepsis": true, "onset": "2026-01-03T08:30:00Z"}]})");
  ASSERT_TRUE(labels.ok()) << labels.status();
  EXPECT_EQ(labels->size(), 2u);
  EXPECT_EQ(labels->count("e1"), 0u);
  EXPECT_EQ(labels->count("e2"), 0u);
  EXPECT_FALSE(labels->at("e3").sepsis);
  EXPECT_TRUE(labels->at("e4").sepsis);
}

TEST(ParseLabelsTest, EmptyStaysArrayGivesNoLabels) {
  absl::StatusOr<LabelMap> labels = Parse(R"({"stays": []})");
  ASSERT_TRUE(labels.ok()) << labels.status();
  EXPECT_TRUE(labels->empty());
}

TEST(ParseLabelsTest, RejectsMalformedFilesNamingTheEntry) {
  struct Case {
    std::string_view text;
    std::string_view message_part;
  };
  const Case cases[] = {
      {R"({})", "no \"stays\" array"},
      {R"([])", "no \"stays\" array"},
      {R"({"stays": {"encounter": "e1"}})", "no \"stays\" array"},
      {R"({"stays": [{"sepsis": false}]})", "stays[0] needs"},
      {R"({"stays": [{"encounter": 1, "sepsis": false}]})", "stays[0] needs"},
      {R"({"stays": [{"encounter": "e1", "sepsis": false}, {"encounter": "e2"}]})",
       "stays[1] needs"},
      {R"({"stays": [{"encounter": "e1", "sepsis": "yes"}]})", "stays[0] needs"},
      {R"({"stays": [{"encounter": "e1", "sepsis": true}]})",
       "stays[0] is septic but has no valid \"onset\""},
      {R"({"stays": [{"encounter": "e1", "sepsis": true, "onset": "2026-01"}]})",
       "stays[0] is septic"},
      {R"({"stays": [{"encounter": "e1", "sepsis": true, "onset": 1767429000000}]})",
       "stays[0] is septic"},
      {R"({"stays": [{"encounter": "e1", "sepsis": false, "admitted": "yes"}]})",
       "stays[0] has a non-boolean \"admitted\""},
  };
  for (const Case& c : cases) {
    absl::StatusOr<LabelMap> labels = Parse(c.text);
    ASSERT_FALSE(labels.ok()) << c.text;
    EXPECT_EQ(labels.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(std::string(labels.status().message()).find(c.message_part), std::string::npos)
        << c.text << " -> " << labels.status();
  }
}

}  // namespace
}  // namespace vigil::ai
