#include "fhirpath/quantity.h"

#include <string>

#include "fhirpath/ucum.h"
#include "gtest/gtest.h"

namespace vigil::fhirpath {
namespace {

Quantity Q(const char* value, const char* unit) {
  std::optional<Decimal> d = Decimal::Parse(value);
  EXPECT_TRUE(d.has_value()) << value;
  return Quantity{d.value_or(Decimal()), unit};
}

std::string S(const std::optional<Quantity>& q) { return q ? q->ToString() : "<nullopt>"; }

std::optional<bool> Eq(const Quantity& a, const Quantity& b) { return Quantity::Equal(a, b); }

// --- Text ---

TEST(QuantityToStringTest, QuotesUcumButNotCalendarUnits) {
  EXPECT_EQ(Q("4.0", "mg").ToString(), "4.0 'mg'");
  EXPECT_EQ(Q("1", "year").ToString(), "1 year");
  EXPECT_EQ(Q("1", "wk").ToString(), "1 'wk'");
  EXPECT_EQ(Q("1", "week").ToString(), "1 week");
  EXPECT_EQ(Q("1", "1").ToString(), "1 '1'");
  EXPECT_EQ(Quantity{}.ToString(), "0 '1'");
}

TEST(QuantityUnitsTest, KnownAndCalendarUnits) {
  for (const char* unit : {"mg",        "kg/m2",
                           "mm[Hg]",    "/min",
                           "10*3/uL",   "mL/min/{1.73_m2}",
                           "%",         "[in_i]",
                           "[ft_i]",    "[lb_av]",
                           "[oz_av]",   "Cel",
                           "[degF]",    "a",
                           "mo",        "wk",
                           "d",         "h",
                           "min",       "s",
                           "ms",        "L",
                           "l",         "mol",
                           "mmol/L",    "eq",
                           "meq/L",     "U",
                           "U/L",       "[iU]",
                           "m[iU]/mL",  "IU",
                           "g",         "m",
                           "1",         "{score}",
                           "cm[H2O]",   "10*9/L",
                           "ng/mL",     "umol/L",
                           "kcal",      "[psi]",
                           "deg",       "mL/h",
                           "kg.m/s2",   "(m.s)/s",
                           "m2",        "cm3",
                           "s-1",       "10*-3",
                           "dL",        "dam",
                           "fL",        "pg",
                           "[drp]/min", "mg{total}/dL",
                           "year",      "months",
                           "second",    ""}) {
    EXPECT_TRUE(Quantity::IsKnownUnit(unit)) << unit;
  }
  for (const char* unit : {"foo", "[s]", "mg/", "/", "mg//dL", "m]", "[in_i", "mg dL", "{x", "(m",
                           "m)", "mCel", "Cel2", "Cel/h", "/Cel", "kg.Cel", "m.", "0", "m123"}) {
    EXPECT_FALSE(Quantity::IsKnownUnit(unit)) << "'" << unit << "'";
  }
  EXPECT_TRUE(Quantity::IsCalendarUnit("years"));
  EXPECT_TRUE(Quantity::IsCalendarUnit("millisecond"));
  EXPECT_FALSE(Quantity::IsCalendarUnit("a"));
  EXPECT_FALSE(Quantity::IsCalendarUnit("Year"));
}

// --- Conversion ---

TEST(QuantityConvertTest, MetricPrefixes) {
  EXPECT_EQ(S(Q("4040", "mg").ConvertTo("g")), "4.04 'g'");
  EXPECT_EQ(S(Q("4", "g").ConvertTo("mg")), "4000 'mg'");
  EXPECT_EQ(S(Q("1.50", "m").ConvertTo("cm")), "150.00 'cm'");
  EXPECT_EQ(S(Q("250", "mL").ConvertTo("L")), "0.25 'L'");
  EXPECT_EQ(S(Q("1", "dL").ConvertTo("mL")), "100 'mL'");
  EXPECT_EQ(S(Q("5", "ug").ConvertTo("mg")), "0.005 'mg'");
  EXPECT_EQ(S(Q("1", "dam").ConvertTo("m")), "10 'm'");
}

TEST(QuantityConvertTest, CustomaryUnits) {
  EXPECT_EQ(S(Q("1", "[in_i]").ConvertTo("cm")), "2.54 'cm'");
  EXPECT_EQ(S(Q("1", "[ft_i]").ConvertTo("cm")), "30.48 'cm'");
  EXPECT_EQ(S(Q("185", "[lb_av]").ConvertTo("kg")), "83.91458845 'kg'");
  EXPECT_EQ(S(Q("1", "[oz_av]").ConvertTo("g")), "28.349523125 'g'");
  EXPECT_EQ(S(Q("1", "[gal_us]").ConvertTo("L")), "3.785411784 'L'");
  EXPECT_EQ(S(Q("1", "[tsp_us]").ConvertTo("mL")), "4.92892159375 'mL'");
}

TEST(QuantityConvertTest, TimeUnits) {
  EXPECT_EQ(S(Q("1", "h").ConvertTo("min")), "60 'min'");
  EXPECT_EQ(S(Q("90", "min").ConvertTo("h")), "1.5 'h'");
  EXPECT_EQ(S(Q("1", "a").ConvertTo("d")), "365.25 'd'");
  EXPECT_EQ(S(Q("1", "mo").ConvertTo("d")), "30.4375 'd'");
  EXPECT_EQ(S(Q("2", "wk").ConvertTo("d")), "14 'd'");
  EXPECT_EQ(S(Q("1500", "ms").ConvertTo("s")), "1.5 's'");
  EXPECT_EQ(S(Q("72", "/min").ConvertTo("/h")), "4320 '/h'");
  EXPECT_EQ(S(Q("1", "day").ConvertTo("hours")), "24 hours");
}

TEST(QuantityConvertTest, PressureAndCompoundUnits) {
  EXPECT_EQ(S(Q("1", "mm[Hg]").ConvertTo("Pa")), "133.322 'Pa'");
  EXPECT_EQ(S(Q("1", "kPa").ConvertTo("mm[Hg]")), "7.50063755419211 'mm[Hg]'");
  EXPECT_EQ(S(Q("1", "g/dL").ConvertTo("mg/mL")), "10 'mg/mL'");
  EXPECT_EQ(S(Q("1", "g/dL").ConvertTo("g%")), "1 'g%'");
  EXPECT_EQ(S(Q("1", "kg/m2").ConvertTo("g/cm2")), "0.1 'g/cm2'");
  EXPECT_EQ(S(Q("5", "10*3/uL").ConvertTo("10*9/L")), "5 '10*9/L'");
  EXPECT_EQ(S(Q("1", "N").ConvertTo("kg.m/s2")), "1 'kg.m/s2'");
  EXPECT_EQ(S(Q("50", "%").ConvertTo("1")), "0.5 '1'");
  EXPECT_EQ(S(Q("1", "U/L").ConvertTo("umol/min/L")), "1 'umol/min/L'");
  EXPECT_EQ(S(Q("90", "mL/min/{1.73_m2}").ConvertTo("L/h")), "5.4 'L/h'");
}

TEST(QuantityConvertTest, Temperatures) {
  EXPECT_EQ(S(Q("100", "Cel").ConvertTo("K")), "373.15 'K'");
  EXPECT_EQ(S(Q("0", "K").ConvertTo("Cel")), "-273.15 'Cel'");
  EXPECT_EQ(S(Q("212", "[degF]").ConvertTo("Cel")), "100 'Cel'");
  EXPECT_EQ(S(Q("37", "Cel").ConvertTo("[degF]")), "98.6 '[degF]'");
  EXPECT_EQ(S(Q("-40", "[degF]").ConvertTo("Cel")), "-40 'Cel'");
}

TEST(QuantityConvertTest, IncommensurableUnitsDoNotConvert) {
  EXPECT_EQ(Q("1", "cm").ConvertTo("g"), std::nullopt);
  EXPECT_EQ(Q("1", "cm").ConvertTo("cm2"), std::nullopt);
  EXPECT_EQ(Q("1", "mmol/L").ConvertTo("mg/dL"), std::nullopt);
  EXPECT_EQ(Q("1", "[iU]").ConvertTo("U"), std::nullopt);
  EXPECT_EQ(Q("1", "cm").ConvertTo("foo"), std::nullopt);
  EXPECT_EQ(Q("1", "year").ConvertTo("d"), std::nullopt);
}

TEST(QuantityConvertTest, InternationalUnitsKeepTheirOwnDimension) {
  EXPECT_EQ(S(Q("1", "[iU]").ConvertTo("m[iU]")), "1000 'm[iU]'");
  EXPECT_EQ(S(Q("1", "IU/L").ConvertTo("mIU/mL")), "1 'mIU/mL'");
  EXPECT_EQ(S(Q("1", "[IU]").ConvertTo("[iU]")), "1 '[iU]'");
}

// --- Comparison (conformance group testQuantity and friends) ---

TEST(QuantityCompareTest, ConformanceSuite) {
  EXPECT_EQ(Eq(Q("4.0000", "g"), Q("4000.0", "mg")), true);
  EXPECT_EQ(Eq(Q("4", "g"), Q("4040", "mg")), false);
  EXPECT_EQ(Eq(Q("7", "days"), Q("1", "week")), true);
  EXPECT_EQ(Eq(Q("7", "days"), Q("1", "wk")), true);
  EXPECT_EQ(Quantity::Compare(Q("6", "days"), Q("1", "week")), -1);
  EXPECT_EQ(Quantity::Compare(Q("8", "days"), Q("1", "week")), 1);
  EXPECT_EQ(Eq(Q("185", "[lb_av]"), Q("185", "[lb_av]")), true);
  EXPECT_EQ(Eq(Q("185", "[lb_av]"), Q("185", "kg")), false);
  EXPECT_EQ(Quantity::Compare(Q("185", "[lb_av]"), Q("200", "[lb_av]")), -1);
  EXPECT_EQ(Eq(Q("1", "day"), Q("1", "d")), true);
  EXPECT_EQ(Eq(Q("1", "wk"), Q("1", "week")), true);
  EXPECT_EQ(Eq(Q("1", "1"), Q("1.0", "1")), true);
}

TEST(QuantityCompareTest, CalendarYearsAndMonthsAreNotUcumDurations) {
  EXPECT_EQ(Eq(Q("1", "mo"), Q("1", "month")), std::nullopt);
  EXPECT_EQ(Eq(Q("1", "a"), Q("1", "year")), std::nullopt);
  EXPECT_EQ(Eq(Q("1", "year"), Q("12", "months")), true);
  EXPECT_EQ(Quantity::Compare(Q("1", "year"), Q("13", "months")), -1);
  EXPECT_EQ(Eq(Q("1", "year"), Q("365", "days")), std::nullopt);
  EXPECT_EQ(Eq(Q("1", "month"), Q("30", "days")), std::nullopt);
  EXPECT_EQ(Eq(Q("1", "a"), Q("365.25", "d")), true);
  EXPECT_EQ(Eq(Q("1", "second"), Q("1", "s")), true);
  EXPECT_EQ(Eq(Q("1", "millisecond"), Q("1", "ms")), true);
  EXPECT_EQ(Eq(Q("1", "hour"), Q("60", "minutes")), true);
}

TEST(QuantityCompareTest, ConvertsBetweenUnits) {
  EXPECT_EQ(Eq(Q("1", "[in_i]"), Q("2.54", "cm")), true);
  EXPECT_EQ(Eq(Q("100", "cm"), Q("1", "m")), true);
  EXPECT_EQ(Eq(Q("2", "h"), Q("120", "min")), true);
  EXPECT_EQ(Eq(Q("100", "Cel"), Q("212", "[degF]")), true);
  EXPECT_EQ(Quantity::Compare(Q("37", "Cel"), Q("300", "K")), 1);
  EXPECT_EQ(Eq(Q("1", "L"), Q("1000", "mL")), true);
  EXPECT_EQ(Eq(Q("1", "l"), Q("1", "dm3")), true);
  EXPECT_EQ(Eq(Q("1", "mmol/L"), Q("1000", "umol/L")), true);
  EXPECT_EQ(Eq(Q("1", "%"), Q("10", "[ppth]")), true);
}

TEST(QuantityCompareTest, IncomparableUnitsAreUnknown) {
  EXPECT_EQ(Eq(Q("3.5", "cm2"), Q("3.5", "cm")), std::nullopt);
  EXPECT_EQ(Quantity::Compare(Q("1", "cm"), Q("1", "s")), std::nullopt);
  EXPECT_EQ(Quantity::Compare(Q("1", "cm"), Q("1", "[s]")), std::nullopt);
  EXPECT_EQ(Eq(Q("1", "foo"), Q("1", "bar")), std::nullopt);
}

TEST(QuantityCompareTest, IdenticalUnknownUnitsStillCompare) {
  EXPECT_EQ(Eq(Q("1", "{score}"), Q("1.0", "{score}")), true);
  EXPECT_EQ(Quantity::Compare(Q("2", "foo"), Q("1", "foo")), 1);
}

TEST(QuantityEquivalentTest, RoundsToTheLeastPreciseInTheCoarserUnit) {
  EXPECT_TRUE(Quantity::Equivalent(Q("4", "g"), Q("4000", "mg")));
  EXPECT_TRUE(Quantity::Equivalent(Q("4", "g"), Q("4040", "mg")));
  EXPECT_TRUE(Quantity::Equivalent(Q("4040", "mg"), Q("4", "g")));    // symmetric
  EXPECT_TRUE(Quantity::Equivalent(Q("4.0", "g"), Q("4100", "mg")));  // 4.0 has precision 0
  EXPECT_FALSE(Quantity::Equivalent(Q("4.0", "g"), Q("4600", "mg")));
  EXPECT_FALSE(Quantity::Equivalent(Q("4.1", "g"), Q("4500", "mg")));
  EXPECT_TRUE(Quantity::Equivalent(Q("2.1", "cm"), Q("21", "mm")));
  EXPECT_TRUE(Quantity::Equivalent(Q("1", "[in_i]"), Q("2.5", "cm")));
  EXPECT_TRUE(Quantity::Equivalent(Q("185", "[lb_av]"), Q("185", "[lb_av]")));
  EXPECT_FALSE(Quantity::Equivalent(Q("185", "[lb_av]"), Q("185", "kg")));
  EXPECT_FALSE(Quantity::Equivalent(Q("1", "cm"), Q("1", "s")));
  EXPECT_FALSE(Quantity::Equivalent(Q("1", "foo"), Q("1", "bar")));
}

TEST(QuantityEquivalentTest, CalendarDurationsMatchTheirUcumCounterparts) {
  EXPECT_TRUE(Quantity::Equivalent(Q("1", "year"), Q("1", "a")));
  EXPECT_TRUE(Quantity::Equivalent(Q("1", "month"), Q("1", "mo")));
  EXPECT_TRUE(Quantity::Equivalent(Q("1", "second"), Q("1", "s")));
  EXPECT_TRUE(Quantity::Equivalent(Q("1", "year"), Q("12", "months")));
  EXPECT_TRUE(Quantity::Equivalent(Q("1", "week"), Q("7", "days")));
  EXPECT_TRUE(Quantity::Equivalent(Q("1.0", "1"), Q("1", "1")));
}

// --- Arithmetic ---

TEST(QuantityArithmeticTest, AddAndSubInTheFirstUnit) {
  EXPECT_EQ(S(Quantity::Add(Q("1", "g"), Q("500", "mg"))), "1.5 'g'");
  EXPECT_EQ(S(Quantity::Sub(Q("1", "m"), Q("25", "cm"))), "0.75 'm'");
  EXPECT_EQ(S(Quantity::Add(Q("3", "days"), Q("1", "week"))), "10 days");
  EXPECT_EQ(S(Quantity::Add(Q("1", "year"), Q("6", "months"))), "1.5 year");
  EXPECT_EQ(S(Quantity::Add(Q("10", "Cel"), Q("5", "Cel"))), "15 'Cel'");
  EXPECT_EQ(S(Quantity::Add(Q("1", "foo"), Q("2", "foo"))), "3 'foo'");
  EXPECT_EQ(Quantity::Add(Q("1", "g"), Q("1", "m")), std::nullopt);
  EXPECT_EQ(Quantity::Sub(Q("1", "year"), Q("1", "d")), std::nullopt);
}

TEST(QuantityArithmeticTest, MultiplyCombinesUnits) {
  EXPECT_EQ(S(Quantity::Mul(Q("2.0", "cm"), Q("2.0", "m"))), "400.00 'cm2'");
  EXPECT_EQ(Eq(*Quantity::Mul(Q("2.0", "cm"), Q("2.0", "m")), Q("0.040", "m2")), true);
  EXPECT_EQ(S(Quantity::Mul(Q("3", "cm"), Q("2", "cm"))), "6 'cm2'");
  EXPECT_EQ(S(Quantity::Mul(Q("2", "kg"), Q("3", "m/s2"))), "6 'kg.m/s2'");
  EXPECT_EQ(S(Quantity::Mul(Q("5", "mg/kg"), Q("70", "kg"))), "350 'mg'");
  EXPECT_EQ(S(Quantity::Mul(Q("5", "mg/kg"), Q("70000", "g"))), "350 'mg'");  // cancels kg
  EXPECT_EQ(S(Quantity::Mul(Q("2", "/min"), Q("30", "min"))), "60 '1'");
  EXPECT_EQ(S(Quantity::Mul(Q("2", "mg"), Q("3", "1"))), "6 'mg'");
  EXPECT_EQ(S(Quantity::Mul(Q("3", "1"), Q("2", "mg"))), "6 'mg'");
  EXPECT_EQ(S(Quantity::Mul(Q("2", "h"), Q("3", "hours"))), "6 'h2'");
}

TEST(QuantityArithmeticTest, DivideCombinesUnits) {
  EXPECT_EQ(S(Quantity::Div(Q("4.0", "g"), Q("2.0", "m"))), "2.0 'g/m'");
  EXPECT_EQ(Eq(*Quantity::Div(Q("4.0", "g"), Q("2.0", "m")), Q("2", "g/m")), true);
  EXPECT_EQ(S(Quantity::Div(Q("1.0", "m"), Q("1.0", "m"))), "1.0 '1'");
  EXPECT_EQ(Eq(*Quantity::Div(Q("1.0", "m"), Q("1.0", "m")), Q("1", "1")), true);
  EXPECT_EQ(S(Quantity::Div(Q("5", "g"), Q("5", "g"))), "1 '1'");
  EXPECT_EQ(S(Quantity::Div(Q("1", "m"), Q("50", "cm"))), "2.0 '1'");
  EXPECT_EQ(S(Quantity::Div(Q("70", "kg"), Q("1.75", "m2"))), "40.00 'kg/m2'");
  EXPECT_EQ(S(Quantity::Div(Q("6", "mg"), Q("2", "1"))), "3 'mg'");
  EXPECT_EQ(S(Quantity::Div(Q("60", "1"), Q("1", "min"))), "60 '/min'");
  EXPECT_EQ(S(Quantity::Div(Q("3", "mg"), Q("2", "mL/min"))), "1.5 'mg.min/mL'");
}

TEST(QuantityArithmeticTest, MulDivRefuseWhatTheyCannotExpress) {
  EXPECT_EQ(Quantity::Div(Q("1", "g"), Q("0", "m")), std::nullopt);
  EXPECT_EQ(Quantity::Mul(Q("1", "foo"), Q("1", "m")), std::nullopt);
  EXPECT_EQ(Quantity::Mul(Q("1", "Cel"), Q("1", "m")), std::nullopt);
}

TEST(QuantityArithmeticTest, IntegerFactorsFallBackToParentheses) {
  std::optional<Quantity> q = Quantity::Mul(Q("2", "1000.m"), Q("3", "g"));
  EXPECT_EQ(S(q), "6 '(1000.m).(g)'");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(Eq(*q, Q("6", "kg.m")), true);
}

// --- The UCUM layer directly ---

TEST(UcumTest, FactorsAreExactRatios) {
  std::optional<internal::UcumUnit> per_min = internal::ParseUcum("/min");
  ASSERT_TRUE(per_min.has_value());
  EXPECT_EQ(per_min->numerator.ToString(), "1");
  EXPECT_EQ(per_min->denominator.ToString(), "60");
  EXPECT_EQ(per_min->dims[2], -1);
  std::optional<internal::UcumUnit> mmhg = internal::ParseUcum("mm[Hg]");
  ASSERT_TRUE(mmhg.has_value());
  EXPECT_TRUE(mmhg->numerator == Decimal::FromInt(133322));
  EXPECT_TRUE(mmhg->denominator == Decimal::FromInt(1));
}

TEST(UcumTest, EveryTableEntryResolves) {
  for (const internal::UcumAtomDef& def : internal::UcumAtomTable()) {
    EXPECT_TRUE(internal::ParseUcum(def.code).has_value()) << def.code;
  }
  for (const internal::UcumSpecial& special : internal::UcumSpecialTable()) {
    EXPECT_TRUE(internal::ParseUcum(special.code).has_value()) << special.code;
  }
  for (const internal::UcumPrefixDef& prefix : internal::UcumPrefixTable()) {
    std::string gram = std::string(prefix.code) + "g";
    EXPECT_TRUE(internal::ParseUcum(gram).has_value()) << gram;
  }
}

TEST(UcumTest, TermsAreFlattenedAndMerged) {
  std::optional<internal::UcumUnit> u = internal::ParseUcum("(kg.m)/(s.s){note}");
  ASSERT_TRUE(u.has_value());
  ASSERT_EQ(u->terms.size(), 3u);
  EXPECT_EQ(u->terms[0].symbol, "kg");
  EXPECT_EQ(u->terms[2].symbol, "s");
  EXPECT_EQ(u->terms[2].exponent, -2);
}

}  // namespace
}  // namespace vigil::fhirpath
