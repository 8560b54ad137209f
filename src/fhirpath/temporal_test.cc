#include "fhirpath/temporal.h"

#include <string>

#include "gtest/gtest.h"

namespace vigil::fhirpath {
namespace {

// Parses FHIRPath literal text without '@': "T14:30" is a Time, text with a 'T' or
// a clock a DateTime, anything else a Date.
Temporal L(std::string_view text) {
  std::optional<Temporal> t;
  if (text.starts_with("T")) {
    t = Temporal::ParseTime(text.substr(1));
  } else if (text.find('T') != std::string_view::npos) {
    t = Temporal::ParseDateTime(text);
  } else {
    t = Temporal::ParseDate(text);
  }
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(Temporal());
}

std::string S(const std::optional<Temporal>& t) { return t ? t->ToString() : "<nullopt>"; }
std::string S(const absl::StatusOr<Temporal>& t) {
  return t.ok() ? t->ToString() : std::string(absl::StatusCodeToString(t.status().code()));
}

Decimal D(const char* text) { return Decimal::Parse(text).value_or(Decimal()); }

// --- Parsing ---

TEST(TemporalParseTest, PartialDates) {
  std::optional<Temporal> y = Temporal::ParseDate("2014");
  ASSERT_TRUE(y.has_value());
  EXPECT_EQ(y->kind, TemporalKind::kDate);
  EXPECT_EQ(y->precision, TemporalPrecision::kYear);
  EXPECT_EQ(Temporal::ParseDate("2014-01")->precision, TemporalPrecision::kMonth);
  std::optional<Temporal> d = Temporal::ParseDate("2014-01-25");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->precision, TemporalPrecision::kDay);
  EXPECT_EQ(d->year, 2014);
  EXPECT_EQ(d->month, 1);
  EXPECT_EQ(d->day, 25);
}

TEST(TemporalParseTest, DateTimeWithOffsetAndMilliseconds) {
  std::optional<Temporal> t = Temporal::ParseDateTime("2014-01-25T14:30:14.559+01:00");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->kind, TemporalKind::kDateTime);
  EXPECT_EQ(t->precision, TemporalPrecision::kMillisecond);
  EXPECT_EQ(t->hour, 14);
  EXPECT_EQ(t->minute, 30);
  EXPECT_EQ(t->second, 14);
  EXPECT_EQ(t->millisecond, 559);
  EXPECT_EQ(t->tz_offset_minutes, 60);
  EXPECT_EQ(Temporal::ParseDateTime("2014-01-25T14:30-05:00")->tz_offset_minutes, -300);
  EXPECT_EQ(Temporal::ParseDateTime("2014-01-25T14:30:00Z")->tz_offset_minutes, 0);
  EXPECT_EQ(Temporal::ParseDateTime("2014-01-25T14:30:00+05:30")->tz_offset_minutes, 330);
}

TEST(TemporalParseTest, DateTimeWithoutClock) {
  EXPECT_EQ(Temporal::ParseDateTime("2014-01-25T")->precision, TemporalPrecision::kDay);
  EXPECT_EQ(Temporal::ParseDateTime("2015T")->precision, TemporalPrecision::kYear);
  EXPECT_EQ(Temporal::ParseDateTime("2015-02T")->precision, TemporalPrecision::kMonth);
  std::optional<Temporal> y = Temporal::ParseDateTime("2014");
  ASSERT_TRUE(y.has_value());
  EXPECT_EQ(y->kind, TemporalKind::kDateTime);
  EXPECT_EQ(y->precision, TemporalPrecision::kYear);
  EXPECT_FALSE(y->tz_offset_minutes.has_value());
}

TEST(TemporalParseTest, EveryDateTimePrecision) {
  EXPECT_EQ(Temporal::ParseDateTime("2015-02-04T14")->precision, TemporalPrecision::kHour);
  EXPECT_EQ(Temporal::ParseDateTime("2015-02-04T14:34")->precision, TemporalPrecision::kMinute);
  EXPECT_EQ(Temporal::ParseDateTime("2015-02-04T14:34:28")->precision, TemporalPrecision::kSecond);
  EXPECT_EQ(Temporal::ParseDateTime("2015-02-04T14:34:28.123")->precision,
            TemporalPrecision::kMillisecond);
}

TEST(TemporalParseTest, FractionsOfOneToNineDigitsAreMilliseconds) {
  EXPECT_EQ(Temporal::ParseTime("10:00:00.5")->millisecond, 500);
  EXPECT_EQ(Temporal::ParseTime("10:00:00.12")->millisecond, 120);
  EXPECT_EQ(Temporal::ParseTime("10:00:00.123456789")->millisecond, 123);
  EXPECT_EQ(Temporal::ParseTime("10:00:00.0")->precision, TemporalPrecision::kMillisecond);
  EXPECT_FALSE(Temporal::ParseTime("10:00:00.1234567890").has_value());
  EXPECT_FALSE(Temporal::ParseTime("10:00:00.").has_value());
}

TEST(TemporalParseTest, Times) {
  std::optional<Temporal> t = Temporal::ParseTime("14:30");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->kind, TemporalKind::kTime);
  EXPECT_EQ(t->precision, TemporalPrecision::kMinute);
  EXPECT_EQ(Temporal::ParseTime("14")->precision, TemporalPrecision::kHour);
  EXPECT_EQ(Temporal::ParseTime("14:30:14.559")->precision, TemporalPrecision::kMillisecond);
}

TEST(TemporalParseTest, RejectsOutOfRangeFields) {
  for (const char* bad :
       {"2014-13", "2014-00", "2014-02-30", "2013-02-29", "2014-04-31", "0000", "2014-01-00"}) {
    EXPECT_FALSE(Temporal::ParseDate(bad).has_value()) << bad;
  }
  EXPECT_TRUE(Temporal::ParseDate("2012-02-29").has_value());
  EXPECT_TRUE(Temporal::ParseDate("2000-02-29").has_value());
  EXPECT_FALSE(Temporal::ParseDate("1900-02-29").has_value());
  for (const char* bad : {"24:00", "23:60", "23:59:60", "25", "-1"}) {
    EXPECT_FALSE(Temporal::ParseTime(bad).has_value()) << bad;
  }
  EXPECT_FALSE(Temporal::ParseDateTime("2014-01-01T10:00+15:00").has_value());
  EXPECT_FALSE(Temporal::ParseDateTime("2014-01-01T10:00+05:60").has_value());
}

TEST(TemporalParseTest, RejectsMalformedText) {
  for (const char* bad :
       {"", "14", "201", "20140", "2014-1", "2014-01-1", "2014/01/01", "2014-01-01 10:00",
        "2014-01-01T1", "2014-01-01T10:0", "2014-01T10:00", "2014T10", "2014-01-01Z",
        "2014-01-01TZ", "2014-01-01T10:00+0500", "2014-01-01T10:00:00x", "2014-01-01TT"}) {
    EXPECT_FALSE(Temporal::ParseDateTime(bad).has_value()) << bad;
  }
  EXPECT_FALSE(Temporal::ParseDate("2014-01-01T").has_value());
  EXPECT_FALSE(Temporal::ParseTime("14:34:28Z").has_value());
  EXPECT_FALSE(Temporal::ParseTime("14:34:28+10:00").has_value());
  EXPECT_FALSE(Temporal::ParseTime("T14:34").has_value());
  EXPECT_FALSE(Temporal::ParseTime("1430").has_value());
}

// --- ToString and precision ---

TEST(TemporalToStringTest, PrintsAtTheValuesPrecision) {
  EXPECT_EQ(L("2014").ToString(), "2014");
  EXPECT_EQ(L("2014-01").ToString(), "2014-01");
  EXPECT_EQ(L("2014-12-14").ToString(), "2014-12-14");
  EXPECT_EQ(L("2014-01-25T").ToString(), "2014-01-25");
  EXPECT_EQ(L("2014-01-25T14").ToString(), "2014-01-25T14");
  EXPECT_EQ(L("2014-01-25T14:30:14.559+01:00").ToString(), "2014-01-25T14:30:14.559+01:00");
  EXPECT_EQ(L("2014-01-25T14:30:14-05:30").ToString(), "2014-01-25T14:30:14-05:30");
  EXPECT_EQ(L("2014-01-25T14:30:14.5Z").ToString(), "2014-01-25T14:30:14.500Z");
  EXPECT_EQ(L("0987-01-25").ToString(), "0987-01-25");
  EXPECT_EQ(L("T14:30").ToString(), "14:30");
  EXPECT_EQ(L("T07").ToString(), "07");
  EXPECT_EQ(L("T14:30:00.000").ToString(), "14:30:00.000");
}

TEST(TemporalPrecisionTest, PrecisionDigits) {
  EXPECT_EQ(L("2014").PrecisionDigits(), 4);
  EXPECT_EQ(L("2014-01").PrecisionDigits(), 6);
  EXPECT_EQ(L("2014-01-05").PrecisionDigits(), 8);
  EXPECT_EQ(L("2014-01-05T10").PrecisionDigits(), 10);
  EXPECT_EQ(L("2014-01-05T10:30").PrecisionDigits(), 12);
  EXPECT_EQ(L("2014-01-05T10:30:00").PrecisionDigits(), 14);
  EXPECT_EQ(L("2014-01-05T10:30:00.000").PrecisionDigits(), 17);
  EXPECT_EQ(L("T10").PrecisionDigits(), 2);
  EXPECT_EQ(L("T10:30").PrecisionDigits(), 4);
  EXPECT_EQ(L("T10:30:00").PrecisionDigits(), 6);
  EXPECT_EQ(L("T10:30:00.000").PrecisionDigits(), 9);
}

// --- Comparison ---

std::optional<int> C(std::string_view a, std::string_view b) {
  return Temporal::Compare(L(a), L(b));
}
std::optional<bool> E(std::string_view a, std::string_view b) {
  return Temporal::Equal(L(a), L(b));
}
bool Q(std::string_view a, std::string_view b) { return Temporal::Equivalent(L(a), L(b)); }

TEST(TemporalCompareTest, SamePrecision) {
  EXPECT_EQ(C("2014-12-12", "2014-12-13"), -1);
  EXPECT_EQ(C("2014-12-13", "2014-12-12"), 1);
  EXPECT_EQ(C("2014-12-12", "2014-12-12"), 0);
  EXPECT_EQ(C("2014-12-13T12:00:00", "2014-12-13T12:00:01"), -1);
  EXPECT_EQ(C("T12:00:00", "T14:00:00"), -1);
  EXPECT_EQ(C("T12:00:01", "T12:00:00"), 1);
}

TEST(TemporalCompareTest, DifferentPrecisionIsUnknownWhenEqualSoFar) {
  EXPECT_EQ(C("2018-03", "2018-03-01"), std::nullopt);
  EXPECT_EQ(C("2018-03-01T10:30", "2018-03-01T10:30:00"), std::nullopt);
  EXPECT_EQ(C("T10:30", "T10:30:00"), std::nullopt);
  EXPECT_EQ(C("2012-04-15", "2012-04-15T10:00:00"), std::nullopt);
  // ... but known when an earlier component already differs.
  EXPECT_EQ(C("2018-02", "2018-03-01"), -1);
  EXPECT_EQ(C("T11", "T10:30"), 1);
}

TEST(TemporalCompareTest, SecondsAndMillisecondsAreOnePrecision) {
  EXPECT_EQ(C("2018-03-01T10:30:00", "2018-03-01T10:30:00.0"), 0);
  EXPECT_EQ(C("T10:30:00", "T10:30:00.0"), 0);
  EXPECT_EQ(E("2012-04-15T15:30:31", "2012-04-15T15:30:31.0"), true);
  EXPECT_EQ(E("2012-04-15T15:30:31", "2012-04-15T15:30:31.1"), false);
  EXPECT_EQ(C("2012-04-15T15:30:31", "2012-04-15T15:30:31.1"), -1);
}

TEST(TemporalCompareTest, NormalisesOffsets) {
  EXPECT_EQ(E("2012-04-15T15:00:00+02:00", "2012-04-15T16:00:00+03:00"), true);
  EXPECT_EQ(C("2017-11-05T01:30:00.0-04:00", "2017-11-05T01:15:00.0-05:00"), -1);
  EXPECT_EQ(E("2017-11-05T01:30:00.0-04:00", "2017-11-05T00:30:00.0-05:00"), true);
  EXPECT_EQ(E("2017-11-05T01:30:00.0-04:00", "2017-11-05T01:15:00.0-05:00"), false);
  EXPECT_EQ(E("2018-01-01T23:00:00-02:00", "2018-01-02T01:00:00Z"), true);  // crosses a day
  EXPECT_EQ(C("2018-01-01T16:00:00+12:00", "2018-01-01T15:00:00.0+10:00"), -1);
}

TEST(TemporalCompareTest, OneMissingOffsetIsUnknownOnlyWhenItMatters) {
  EXPECT_EQ(E("2012-04-15T15:00:00Z", "2012-04-15T10:00:00"), std::nullopt);
  EXPECT_EQ(C("2012-04-15T15:00:00Z", "2012-04-17T10:00:00"), -1);
  EXPECT_EQ(C("2012-04-10T10:00:00", "2012-04-15T15:00:00+05:00"), -1);
  EXPECT_FALSE(Q("2012-04-15T15:00:00Z", "2012-04-15T15:00:00"));
}

TEST(TemporalCompareTest, DateAgainstDateTime) {
  EXPECT_EQ(E("1974-12-25", "1974-12-25T"), true);
  EXPECT_EQ(E("1974-12-25", "1974-12-25T12:34:00-10:00"), std::nullopt);
  EXPECT_EQ(E("1974-12-25", "1974-12-25T12:34:00Z"), std::nullopt);
  EXPECT_EQ(C("1974-12-25", "1975-01-01T12:34:00Z"), -1);
}

TEST(TemporalCompareTest, TimeAgainstDateIsIncomparable) {
  EXPECT_EQ(C("1974-12-25", "T12:14:15"), std::nullopt);
  EXPECT_EQ(E("1974-12-25T10:00", "T10:00"), std::nullopt);
  EXPECT_FALSE(Q("1974-12-25", "T12:14"));
}

TEST(TemporalCompareTest, EquivalenceTreatsDifferentPrecisionAsFalse) {
  EXPECT_TRUE(Q("2012-04-15", "2012-04-15"));
  EXPECT_FALSE(Q("2012-04-15", "2012-04-16"));
  EXPECT_FALSE(Q("2012-04-15", "2012-04-15T10:00:00"));
  EXPECT_TRUE(Q("2012-04-15T15:30:31", "2012-04-15T15:30:31.0"));
  EXPECT_FALSE(Q("2012-04-15T15:30:31", "2012-04-15T15:30:31.1"));
  EXPECT_FALSE(Q("2012-01", "2012"));
}

// --- Arithmetic (conformance groups testPlus*, testMinus*) ---

TEST(TemporalAddTest, DatePlusCalendarDurations) {
  EXPECT_EQ(S(L("1973-12-25").Add(D("7"), "days")), "1974-01-01");
  EXPECT_EQ(S(L("1973-12-25").Add(D("7.7"), "days")), "1974-01-01");
  EXPECT_EQ(S(L("1973-12-25").Add(D("1"), "day")), "1973-12-26");
  EXPECT_EQ(S(L("1973-12-25").Add(D("1"), "month")), "1974-01-25");
  EXPECT_EQ(S(L("1973-12-25").Add(D("1"), "week")), "1974-01-01");
  EXPECT_EQ(S(L("1973-12-25").Add(D("1"), "year")), "1974-12-25");
}

TEST(TemporalAddTest, DatePlusUcumDurations) {
  EXPECT_EQ(S(L("1973-12-25").Add(D("1"), "d")), "1973-12-26");
  EXPECT_EQ(S(L("1973-12-25").Add(D("1"), "wk")), "1974-01-01");
  EXPECT_EQ(S(L("1973-12-25").Add(D("1"), "mo")), "INVALID_ARGUMENT");
  EXPECT_EQ(S(L("1973-12-25").Add(D("1"), "a")), "INVALID_ARGUMENT");
}

TEST(TemporalAddTest, RejectsNonTimeUnits) {
  EXPECT_EQ(S(L("1974-12-25").Subtract(D("1"), "cm")), "INVALID_ARGUMENT");
  EXPECT_EQ(S(L("1974-12-25").Add(D("1"), "")), "INVALID_ARGUMENT");
  EXPECT_EQ(S(L("T10:00").Add(D("1"), "day")), "INVALID_ARGUMENT");
}

TEST(TemporalAddTest, DateTimeKeepsItsOffsetAndPrecision) {
  Temporal t = L("1973-12-25T00:00:00.000+10:00");
  EXPECT_EQ(S(t.Add(D("7"), "days")), "1974-01-01T00:00:00.000+10:00");
  EXPECT_EQ(S(t.Add(D("7.7"), "days")), "1974-01-01T00:00:00.000+10:00");
  EXPECT_EQ(S(t.Add(D("1"), "second")), "1973-12-25T00:00:01.000+10:00");
  EXPECT_EQ(S(t.Add(D("10"), "millisecond")), "1973-12-25T00:00:00.010+10:00");
  EXPECT_EQ(S(t.Add(D("1"), "minute")), "1973-12-25T00:01:00.000+10:00");
  EXPECT_EQ(S(t.Add(D("1"), "hour")), "1973-12-25T01:00:00.000+10:00");
  EXPECT_EQ(S(t.Add(D("1"), "s")), "1973-12-25T00:00:01.000+10:00");
  EXPECT_EQ(S(t.Add(D("0.1"), "s")), "1973-12-25T00:00:00.000+10:00");
  EXPECT_EQ(S(t.Add(D("10"), "ms")), "1973-12-25T00:00:00.010+10:00");
  EXPECT_EQ(S(t.Add(D("1"), "min")), "1973-12-25T00:01:00.000+10:00");
  EXPECT_EQ(S(t.Add(D("1"), "h")), "1973-12-25T01:00:00.000+10:00");
}

TEST(TemporalAddTest, SubtractGoesBackwards) {
  EXPECT_EQ(S(L("1974-12-25").Subtract(D("1"), "month")), "1974-11-25");
  EXPECT_EQ(S(L("2019-03-01").Subtract(D("24"), "months")), "2017-03-01");
  EXPECT_EQ(S(L("2019-03-01").Subtract(D("1"), "day")), "2019-02-28");
  // Finer than the precision: converted to seconds and truncated to nothing.
  EXPECT_EQ(S(L("2014-01-01T00:00:00Z").Subtract(D("1"), "ms")), "2014-01-01T00:00:00Z");
  EXPECT_EQ(S(L("2014-01-01T00:00:00.000Z").Subtract(D("1"), "ms")), "2013-12-31T23:59:59.999Z");
}

TEST(TemporalAddTest, MonthArithmeticClampsTheDay) {
  EXPECT_EQ(S(L("2016-02-29").Add(D("1"), "year")), "2017-02-28");
  EXPECT_EQ(S(L("2016-01-31").Add(D("1"), "month")), "2016-02-29");
  EXPECT_EQ(S(L("2016-03-31").Subtract(D("1"), "month")), "2016-02-29");
  EXPECT_EQ(S(L("2016-01-31T10:00Z").Add(D("3"), "months")), "2016-04-30T10:00Z");
}

TEST(TemporalAddTest, FinerUnitsAreConvertedToThePrecisionAndTruncated) {
  EXPECT_EQ(S(L("2014").Add(D("24"), "months")), "2016");
  EXPECT_EQ(S(L("2014").Add(D("25"), "months")), "2016");
  EXPECT_EQ(S(L("2014").Add(D("11"), "months")), "2014");
  EXPECT_EQ(S(L("2014-01").Add(D("45"), "days")), "2014-02");
  EXPECT_EQ(S(L("2014").Add(D("730"), "days")), "2016");
  EXPECT_EQ(S(L("2014-01-01").Add(D("47"), "hours")), "2014-01-02");
  EXPECT_EQ(S(L("2014-01-01T10").Add(D("119"), "minutes")), "2014-01-01T11");
  EXPECT_EQ(S(L("2014-01-01T10:00:00").Add(D("1999"), "ms")), "2014-01-01T10:00:01");
}

TEST(TemporalAddTest, CoarserUnitsApplyToAPartialValue) {
  EXPECT_EQ(S(L("2014").Add(D("2"), "years")), "2016");
  EXPECT_EQ(S(L("2014-01").Add(D("1"), "year")), "2015-01");
  EXPECT_EQ(S(L("2014-01-01T10").Add(D("1"), "day")), "2014-01-02T10");
}

TEST(TemporalAddTest, TimesWrapAroundMidnight) {
  EXPECT_EQ(S(L("T14:30").Add(D("2"), "hours")), "16:30");
  EXPECT_EQ(S(L("T23:30").Add(D("2"), "hours")), "01:30");
  EXPECT_EQ(S(L("T00:30").Subtract(D("1"), "hour")), "23:30");
  EXPECT_EQ(S(L("T10:00:00.000").Add(D("1500"), "ms")), "10:00:01.500");
  EXPECT_EQ(S(L("T10").Add(D("90"), "minutes")), "11");
}

TEST(TemporalAddTest, NegativeAmountsAndRange) {
  EXPECT_EQ(S(L("2014-01-01").Add(D("-1"), "day")), "2013-12-31");
  EXPECT_EQ(S(L("9999-12-31").Add(D("1"), "day")), "OUT_OF_RANGE");
  EXPECT_EQ(S(L("0001-01-01").Subtract(D("1"), "year")), "OUT_OF_RANGE");
  EXPECT_EQ(S(L("2014").Add(D("1e20"), "years")), "OUT_OF_RANGE");
  EXPECT_EQ(S(L("2014-01-01T00:00Z").Add(D("1000000000000000"), "ms")), "OUT_OF_RANGE");
}

// --- lowBoundary / highBoundary (conformance groups LowBoundary, HighBoundary) ---

TEST(TemporalBoundaryTest, MatchesTheConformanceSuite) {
  EXPECT_EQ(S(L("2014").LowBoundary(6)), "2014-01");
  EXPECT_EQ(S(L("2014").HighBoundary(6)), "2014-12");
  EXPECT_EQ(S(L("2014-01-01T08").LowBoundary(17)), "2014-01-01T08:00:00.000+14:00");
  EXPECT_EQ(S(L("2014-01-01T08:05+08:00").LowBoundary(17)), "2014-01-01T08:05:00.000+08:00");
  EXPECT_EQ(S(L("2014-01-01T08").LowBoundary(8)), "2014-01-01");
  EXPECT_EQ(S(L("T10:30").LowBoundary(9)), "10:30:00.000");
  EXPECT_EQ(S(L("2014-01-01T08").HighBoundary(17)), "2014-01-01T08:00:59.999-12:00");
  EXPECT_EQ(S(L("2014-01-01T08:05-05:00").HighBoundary(17)), "2014-01-01T08:05:59.999-05:00");
  EXPECT_EQ(S(L("T10:30").HighBoundary(9)), "10:30:59.999");
}

TEST(TemporalBoundaryTest, FillsDaysPerMonth) {
  EXPECT_EQ(S(L("2016-02").HighBoundary(8)), "2016-02-29");
  EXPECT_EQ(S(L("2015-02").HighBoundary(std::nullopt)), "2015-02-28");
  EXPECT_EQ(S(L("2015").HighBoundary(std::nullopt)), "2015-12-31");
  EXPECT_EQ(S(L("2015").LowBoundary(std::nullopt)), "2015-01-01");
  EXPECT_EQ(S(L("2001-05-06T").LowBoundary(std::nullopt)), "2001-05-06T00:00:00.000+14:00");
  EXPECT_EQ(S(L("2001-05-06T10:10:10Z").HighBoundary(std::nullopt)), "2001-05-06T10:10:10.999Z");
  EXPECT_EQ(S(L("T10").HighBoundary(std::nullopt)), "10:59:59.999");
}

TEST(TemporalBoundaryTest, BoundariesKeepTheKind) {
  std::optional<Temporal> t = L("2014-01-01T08").LowBoundary(8);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->kind, TemporalKind::kDateTime);
  EXPECT_FALSE(t->tz_offset_minutes.has_value());
  EXPECT_EQ(L("2014").LowBoundary(6)->kind, TemporalKind::kDate);
  EXPECT_EQ(L("T10:30").LowBoundary(9)->kind, TemporalKind::kTime);
}

TEST(TemporalBoundaryTest, TruncatesToACoarserPrecision) {
  EXPECT_EQ(S(L("2014-05-17T10:30:15.250Z").LowBoundary(6)), "2014-05");
  EXPECT_EQ(S(L("2014-05-17T10:30:15.250Z").HighBoundary(12)), "2014-05-17T10:30Z");
  EXPECT_EQ(S(L("T10:30:15").LowBoundary(2)), "10");
}

TEST(TemporalBoundaryTest, RejectsDigitsTheKindDoesNotHave) {
  EXPECT_EQ(L("2014").LowBoundary(5), std::nullopt);
  EXPECT_EQ(L("2014").LowBoundary(17), std::nullopt);  // a Date stops at 8
  EXPECT_EQ(L("T10:30").LowBoundary(17), std::nullopt);
  EXPECT_EQ(L("2014-01-01T").HighBoundary(-1), std::nullopt);
  EXPECT_EQ(L("2014-01-01T").HighBoundary(18), std::nullopt);
}

TEST(TemporalBoundaryTest, PeriodInvariantFromTheSuite) {
  // Patient.identifier.period: start 2001-05-06, end 2001-05-06T10:10:10Z.
  std::optional<Temporal> low = L("2001-05-06T").LowBoundary(std::nullopt);
  std::optional<Temporal> high = L("2001-05-06T10:10:10Z").HighBoundary(std::nullopt);
  ASSERT_TRUE(low && high);
  EXPECT_EQ(Temporal::Compare(*low, *high), -1);
}

}  // namespace
}  // namespace vigil::fhirpath
