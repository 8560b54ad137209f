#include "dashboard/trends.h"

#include <gtest/gtest.h>

#include "base/http_error.h"
#include "dashboard/test_util.h"

namespace vigil::dashboard {
namespace {

using fhir::Json;
using testing::Obs;

Json Parse(const std::string& text) { return *fhir::ParseJson(text); }

std::string Points(const Json& trend) {
  std::string out;
  for (const Json& p : trend.Find("points")->items()) {
    out += p.Find("time")->text() + "=" + p.Find("value")->text() + " ";
  }
  return out;
}

TEST(TrendsTest, SignalValuesAreConvertedToTheCanonicalUnitAndSortedByTime) {
  std::vector<Json> obs = {
      Parse(Obs("t2", "p1", "", "8310-5", "37.5", "Cel", "2026-01-01T10:00:00Z")),
      Parse(Obs("t1", "p1", "", "8310-5", "100.4", "[degF]", "2026-01-01T08:00:00Z")),
  };
  Json trend = BuildTrend("p1", "http://loinc.org", "8310-5", obs);
  EXPECT_EQ(Points(trend), "2026-01-01T08:00:00.000Z=38 2026-01-01T10:00:00.000Z=37.5 ");
  EXPECT_EQ(trend.Find("unit")->text(), "Cel");
  EXPECT_TRUE(trend.Find("canonical")->bool_value());
  EXPECT_EQ(trend.Find("code")->Find("display")->text(), "Body temperature");
  EXPECT_EQ(trend.Find("points")->items()[0].Find("observation")->text(), "Observation/t1");
}

TEST(TrendsTest, ValuesInAUnitTheSignalCannotTakeAreSkippedAndCounted) {
  std::vector<Json> obs = {
      Parse(Obs("a", "p1", "", "8867-4", "80", "/min", "2026-01-01T08:00:00Z")),
      Parse(Obs("b", "p1", "", "8867-4", "1.4", "Hz", "2026-01-01T09:00:00Z")),
  };
  Json trend = BuildTrend("p1", "http://loinc.org", "8867-4", obs);
  EXPECT_EQ(trend.Find("points")->items().size(), 1u);
  EXPECT_EQ(trend.Find("skipped")->Find("unit not convertible")->text(), "1");
}

TEST(TrendsTest, OtherCodesKeepTheUnitOfTheirFirstValue) {
  std::vector<Json> obs = {
      Parse(Obs("w1", "p1", "", "29463-7", "80.5", "kg", "2026-01-01T08:00:00Z")),
      Parse(Obs("w2", "p1", "", "29463-7", "180", "[lb_av]", "2026-01-02T08:00:00Z")),
      Parse(Obs("w3", "p1", "", "29463-7", "81", "kg", "2026-01-03T08:00:00Z")),
  };
  Json trend = BuildTrend("p1", "http://loinc.org", "29463-7", obs);
  EXPECT_EQ(trend.Find("unit")->text(), "kg");
  EXPECT_FALSE(trend.Find("canonical")->bool_value());
  EXPECT_EQ(Points(trend), "2026-01-01T08:00:00.000Z=80.5 2026-01-03T08:00:00.000Z=81 ");
  EXPECT_EQ(trend.Find("skipped")->Find("other unit")->text(), "1");
}

TEST(TrendsTest, ReferenceRangeComesFromTheLatestObservationThatHasOne) {
  const std::string range60 =
      R"(,"referenceRange":[{"low":{"value":60,"code":"/min"},"high":{"value":100,"code":"/min"}}])";
  const std::string range50 =
      R"(,"referenceRange":[{"low":{"value":50,"code":"/min"},"high":{"value":90,"code":"/min"},"text":"adult"}])";
  std::vector<Json> obs = {
      Parse(Obs("a", "p1", "", "8867-4", "80", "/min", "2026-01-01T08:00:00Z", range60)),
      Parse(Obs("b", "p1", "", "8867-4", "82", "/min", "2026-01-01T09:00:00Z", range50)),
      Parse(Obs("c", "p1", "", "8867-4", "84", "/min", "2026-01-01T10:00:00Z")),
  };
  Json trend = BuildTrend("p1", "http://loinc.org", "8867-4", obs);
  const Json* range = trend.Find("referenceRange");
  ASSERT_TRUE(range->is_object());
  EXPECT_EQ(range->Find("low")->text(), "50");
  EXPECT_EQ(range->Find("high")->text(), "90");
  EXPECT_EQ(range->Find("text")->text(), "adult");
  EXPECT_EQ(range->Find("source")->text(), "Observation/b");
}

TEST(TrendsTest, WithoutReferenceRangeInTheDataThereIsNone) {
  std::vector<Json> obs = {Parse(Obs("a", "p1", "", "8867-4", "80", "/min", "2026-01-01T08:00:00Z"))};
  EXPECT_TRUE(BuildTrend("p1", "http://loinc.org", "8867-4", obs).Find("referenceRange")->is_null());
}

TEST(TrendsTest, ComponentsOfAPanelAndStatusesAreRead) {
  std::vector<Json> obs = {
      Parse(R"({"resourceType":"Observation","id":"bp","status":"final",
        "code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},
        "effectiveDateTime":"2026-01-01T08:00:00Z",
        "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":70,"code":"mm[Hg]"}},
                     {"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":121,"code":"mm[Hg]"}}]})"),
      Parse(R"({"resourceType":"Observation","id":"err","status":"entered-in-error",
        "code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},
        "effectiveDateTime":"2026-01-01T09:00:00Z","valueQuantity":{"value":300,"code":"mm[Hg]"}})"),
      Parse(R"({"resourceType":"Observation","id":"notime","status":"final",
        "code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":110,"code":"mm[Hg]"}})"),
  };
  Json trend = BuildTrend("p1", "http://loinc.org", "8480-6", obs);
  EXPECT_EQ(Points(trend), "2026-01-01T08:00:00.000Z=121 ");
  EXPECT_EQ(trend.Find("skipped")->Find("status entered-in-error")->text(), "1");
  EXPECT_EQ(trend.Find("skipped")->Find("no time")->text(), "1");
}

TEST(TrendsTest, StoreSeriesHoldsOnlyThePatientsObservationsOfTheCode) {
  testing::TestStore db;
  db.Put(testing::PatientJson("p1", "One", "female", "1950-01-01"));
  db.Put(testing::PatientJson("p2", "Two", "male", "1960-01-01"));
  db.Put(Obs("a", "p1", "", "8867-4", "80", "/min", "2026-01-01T08:00:00Z"));
  db.Put(Obs("b", "p1", "", "8867-4", "90", "/min", "2026-01-01T07:00:00Z"));
  db.Put(Obs("c", "p2", "", "8867-4", "70", "/min", "2026-01-01T08:00:00Z"));
  db.Put(Obs("d", "p1", "", "9279-1", "18", "/min", "2026-01-01T08:00:00Z"));
  auto trend = PatientTrend(db.store(), db.registry(), "p1", "http://loinc.org|8867-4");
  ASSERT_TRUE(trend.ok()) << trend.status();
  EXPECT_EQ(Points(*trend), "2026-01-01T07:00:00.000Z=90 2026-01-01T08:00:00.000Z=80 ");
  EXPECT_FALSE(trend->Find("truncated")->bool_value());
}

TEST(TrendsTest, ACodeListIsRefused) {
  testing::TestStore db;
  auto trend = PatientTrend(db.store(), db.registry(), "p1", "http://loinc.org|8867-4,http://loinc.org|9279-1");
  EXPECT_EQ(HttpStatusOf(trend.status()), 400);
}

}  // namespace
}  // namespace vigil::dashboard
