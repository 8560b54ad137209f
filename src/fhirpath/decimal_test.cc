#include "fhirpath/decimal.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace vigil::fhirpath {
namespace {

Decimal D(const char* text) {
  std::optional<Decimal> d = Decimal::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Decimal());
}

std::string S(const std::optional<Decimal>& d) { return d ? d->ToString() : "<nullopt>"; }

// --- Parse and ToString ---

TEST(DecimalParseTest, KeepsTheWrittenScale) {
  EXPECT_EQ(D("1.50").ToString(), "1.50");
  EXPECT_EQ(D("1.50").scale(), 2);
  EXPECT_EQ(D("12").ToString(), "12");
  EXPECT_EQ(D("0.001").ToString(), "0.001");
  EXPECT_EQ(D("0.0").ToString(), "0.0");
  EXPECT_EQ(D("-0.50").ToString(), "-0.50");
  EXPECT_EQ(D("-3").ToString(), "-3");
}

TEST(DecimalParseTest, AcceptsSigns) {
  EXPECT_EQ(D("+7.25").ToString(), "7.25");
  EXPECT_EQ(D("-0").ToString(), "0");
  EXPECT_FALSE(D("-0").is_negative());
}

TEST(DecimalParseTest, AcceptsExponents) {
  EXPECT_EQ(D("1e3").ToString(), "1000");
  EXPECT_EQ(D("1.5E-2").ToString(), "0.015");
  EXPECT_EQ(D("1.50e1").ToString(), "15.0");
  EXPECT_EQ(D("2E+2").ToString(), "200");
  EXPECT_EQ(D("-1.25e-1").ToString(), "-0.125");
}

TEST(DecimalParseTest, KeepsLeadingZerosOutOfTheValue) {
  EXPECT_EQ(D("007.5").ToString(), "7.5");
  EXPECT_EQ(D("0000").ToString(), "0");
}

TEST(DecimalParseTest, RejectsGarbage) {
  for (const char* bad : {"", "-", "+", "abc", "1.", ".5", "1..2", "1.2.3", "1e", "1e+", "1 ", " 1",
                          "1,5", "0x10", "1.5f", "--1", "1e3.5", "NaN", "inf"}) {
    EXPECT_FALSE(Decimal::Parse(bad).has_value()) << bad;
  }
}

TEST(DecimalParseTest, HandlesTheFhirPathLiteralRange) {
  EXPECT_EQ(D("1234567890987654321.0").ToString(), "1234567890987654321.0");
  EXPECT_EQ(D("0.00000001").ToString(), "0.00000001");
}

TEST(DecimalParseTest, RoundsBeyondTwentyEightSignificantDigits) {
  // 30 significant digits: the last two are rounded away from the fraction.
  EXPECT_EQ(D("1.23456789012345678901234567891").ToString(), "1.234567890123456789012345679");
  EXPECT_EQ(D("0.99999999999999999999999999999").ToString(), "1.000000000000000000000000000");
}

TEST(DecimalParseTest, RefusesIntegerPartsThatDoNotFit) {
  EXPECT_TRUE(Decimal::Parse("9999999999999999999999999999").has_value());    // 28 digits
  EXPECT_FALSE(Decimal::Parse("99999999999999999999999999999").has_value());  // 29
  EXPECT_FALSE(Decimal::Parse("1e30").has_value());
  EXPECT_FALSE(Decimal::Parse("1e999999999").has_value());
}

TEST(DecimalParseTest, TinyValuesRoundToZeroAtTheMaximumScale) {
  std::optional<Decimal> d = Decimal::Parse("1e-40");
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->is_zero());
  EXPECT_EQ(d->scale(), Decimal::kMaxScale);
}

TEST(DecimalTest, FromIntAndToInt) {
  EXPECT_EQ(Decimal::FromInt(-42).ToString(), "-42");
  EXPECT_EQ(Decimal::FromInt(std::numeric_limits<int64_t>::min()).ToInt(),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(D("12.000").ToInt(), 12);
  EXPECT_EQ(D("12.5").ToInt(), std::nullopt);
  EXPECT_EQ(D("9223372036854775808").ToInt(), std::nullopt);
}

TEST(DecimalTest, FromScaledNormalises) {
  EXPECT_EQ(S(Decimal::FromScaled(150, 2)), "1.50");
  EXPECT_EQ(S(Decimal::FromScaled(15, -2)), "1500");
  EXPECT_EQ(S(Decimal::FromScaled(12345, 30)), "0.0000000000000000000000000123");
}

TEST(DecimalTest, FromDoubleKeepsFifteenSignificantDigits) {
  EXPECT_EQ(S(Decimal::FromDouble(1.4142135623730951)), "1.4142135623731");
  EXPECT_EQ(S(Decimal::FromDouble(9.0)), "9");
  EXPECT_EQ(S(Decimal::FromDouble(0.1 + 0.2)), "0.3");
  EXPECT_EQ(S(Decimal::FromDouble(2.718281828459045)), "2.71828182845905");
  EXPECT_EQ(S(Decimal::FromDouble(1e-5)), "0.00001");
  EXPECT_EQ(S(Decimal::FromDouble(-0.0)), "0");
  EXPECT_FALSE(Decimal::FromDouble(std::numeric_limits<double>::quiet_NaN()).has_value());
  EXPECT_FALSE(Decimal::FromDouble(std::numeric_limits<double>::infinity()).has_value());
}

TEST(DecimalTest, ToDouble) {
  EXPECT_DOUBLE_EQ(D("1.25").ToDouble(), 1.25);
  EXPECT_DOUBLE_EQ(D("-0.001").ToDouble(), -0.001);
}

// --- Arithmetic ---

TEST(DecimalArithmeticTest, AddAndSubAreExact) {
  EXPECT_EQ(S(D("1.2").Add(D("1.8"))), "3.0");
  EXPECT_EQ(S(D("1.8").Sub(D("1.2"))), "0.6");
  EXPECT_EQ(S(D("0.1").Add(D("0.2"))), "0.3");
  EXPECT_EQ(S(D("1").Sub(D("1.001"))), "-0.001");
  EXPECT_EQ(S(D("-5").Add(D("5.00"))), "0.00");
}

TEST(DecimalArithmeticTest, AddRoundsWhenTheExactSumNeedsTooManyDigits) {
  EXPECT_EQ(S(D("1000000000000000000000000000").Add(D("0.6"))), "1000000000000000000000000001");
}

TEST(DecimalArithmeticTest, AddOverflowIsNullopt) {
  EXPECT_FALSE(D("9999999999999999999999999999").Add(D("1")).has_value());
}

TEST(DecimalArithmeticTest, MulIsExact) {
  EXPECT_EQ(S(D("1.2").Mul(D("1.8"))), "2.16");
  EXPECT_EQ(S(D("-2.5").Mul(D("2.5"))), "-6.25");
  EXPECT_EQ(S(D("0").Mul(D("-3.0"))), "0.0");
  EXPECT_EQ(S(D("99999999999999.99").Mul(D("99999999999999.99"))), "9999999999999998000000000000");
  EXPECT_EQ(S(D("1.0000000000001").Mul(D("1.0000000000001"))), "1.00000000000020000000000001");
}

TEST(DecimalArithmeticTest, MulOverflowIsNullopt) {
  EXPECT_FALSE(D("100000000000000000000").Mul(D("100000000000000000000")).has_value());
}

TEST(DecimalArithmeticTest, DivKeepsEightDecimalsBeyondTheOperands) {
  EXPECT_EQ(S(D("1").Div(D("3"))), "0.33333333");
  EXPECT_EQ(S(D("2").Div(D("3"))), "0.66666667");
  EXPECT_EQ(S(D("1.2").Div(D("1.8"))), "0.666666667");
  EXPECT_EQ(S(D("-1").Div(D("3"))), "-0.33333333");
}

TEST(DecimalArithmeticTest, DivDropsTrailingZerosDownToTheOperandScale) {
  EXPECT_EQ(S(D("1").Div(D("2"))), "0.5");
  EXPECT_EQ(S(D("4").Div(D("2"))), "2");
  EXPECT_EQ(S(D("4.0").Div(D("2.0"))), "2.0");
  EXPECT_EQ(S(D("1").Div(D("1"))), "1");
}

TEST(DecimalArithmeticTest, DivByZeroIsNullopt) {
  EXPECT_FALSE(D("1").Div(D("0")).has_value());
  EXPECT_FALSE(D("1").Div(D("0.00")).has_value());
}

TEST(DecimalArithmeticTest, DivOfLargeValues) {
  EXPECT_EQ(S(D("100000000000000000000").Div(D("3"))), "33333333333333333333.33333333");
  EXPECT_FALSE(D("1000000000000000000000000000").Div(D("0.001")).has_value());
}

TEST(DecimalArithmeticTest, DivToScale) {
  EXPECT_EQ(S(D("2").DivToScale(D("3"), 3)), "0.667");
  EXPECT_EQ(S(D("10").DivToScale(D("4"), 0)), "3");  // 2.5 rounds away from zero
  EXPECT_EQ(S(D("1").DivToScale(D("8"), 5)), "0.12500");
}

TEST(DecimalArithmeticTest, RoundedDivisionMatchesTheSpecExample) {
  // (1.2 / 1.8).round(2) = 0.67
  std::optional<Decimal> q = D("1.2").Div(D("1.8"));
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->Round(2).ToString(), "0.67");
  EXPECT_TRUE(q->Round(2) == D("0.67"));
  EXPECT_FALSE(q->Round(2) == D("0.6666667"));
}

TEST(DecimalArithmeticTest, IntDivTruncates) {
  EXPECT_EQ(S(D("5").IntDiv(D("2"))), "2");
  EXPECT_EQ(S(D("5.5").IntDiv(D("0.7"))), "7");
  EXPECT_EQ(S(D("2.2").IntDiv(D("1.8"))), "1");
  EXPECT_EQ(S(D("-5").IntDiv(D("2"))), "-2");
  EXPECT_EQ(S(D("1").IntDiv(D("3"))), "0");
  EXPECT_FALSE(D("5").IntDiv(D("0")).has_value());
}

TEST(DecimalArithmeticTest, ModKeepsTheDividendsSign) {
  EXPECT_EQ(S(D("5").Mod(D("2"))), "1");
  EXPECT_EQ(S(D("4").Mod(D("2"))), "0");
  EXPECT_EQ(S(D("5.5").Mod(D("0.7"))), "0.6");  // spec: 5.5 mod 0.7 = 0.6
  EXPECT_EQ(S(D("2.2").Mod(D("1.8"))), "0.4");
  EXPECT_EQ(S(D("-5.5").Mod(D("0.7"))), "-0.6");
  EXPECT_EQ(S(D("5.5").Mod(D("-0.7"))), "0.6");
  EXPECT_FALSE(D("5").Mod(D("0")).has_value());
}

// --- Comparison ---

TEST(DecimalCompareTest, IgnoresTrailingZeros) {
  EXPECT_EQ(D("1.10").Compare(D("1.1")), 0);
  EXPECT_TRUE(D("0.0") == D("0"));
  EXPECT_TRUE(D("1.1") < D("1.2"));
  EXPECT_EQ(D("-1").Compare(D("-2")), 1);
  EXPECT_EQ(D("-0.001").Compare(D("0")), -1);
  EXPECT_EQ(D("1e-28").Compare(D("0")), 1);
  EXPECT_EQ(D("9999999999999999999999999999").Compare(D("0.0000000000000000000000000001")), 1);
}

TEST(DecimalCompareTest, EquivalentRoundsToTheLeastPrecise) {
  EXPECT_TRUE(Decimal::Equivalent(D("1.10"), D("1.1")));
  EXPECT_TRUE(Decimal::Equivalent(D("0.0"), D("0")));
  EXPECT_TRUE(Decimal::Equivalent(D("0.666666667"), D("0.67")));
  EXPECT_FALSE(Decimal::Equivalent(D("0.666666667"), D("0.6")));
  EXPECT_FALSE(Decimal::Equivalent(D("1.1"), D("1.2")));
  EXPECT_TRUE(Decimal::Equivalent(D("4"), D("4.040")));
  EXPECT_TRUE(Decimal::Equivalent(D("1.01"), D("1.012")));
  EXPECT_TRUE(Decimal::Equivalent(D("1.010"), D("1.012")));  // 1.010 has precision 2
  EXPECT_FALSE(Decimal::Equivalent(D("1.011"), D("1.012")));
  EXPECT_TRUE(Decimal::Equivalent(D("1.50"), D("1.54")));  // trailing zeros are not precision
}

// --- Rounding functions ---

TEST(DecimalRoundTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(D("3.14159").Round(3).ToString(), "3.142");
  EXPECT_EQ(D("2.5").Round(0).ToString(), "3");
  EXPECT_EQ(D("-2.5").Round(0).ToString(), "-3");
  EXPECT_EQ(D("-2.45").Round(1).ToString(), "-2.5");
  EXPECT_EQ(D("1").Round(0).ToString(), "1");
  EXPECT_EQ(D("1.5").Round(4).ToString(), "1.5");  // never pads
  EXPECT_EQ(D("0.05").Round(1).ToString(), "0.1");
}

TEST(DecimalRoundTest, TruncateFloorCeiling) {
  EXPECT_EQ(D("101").Truncate().ToString(), "101");
  EXPECT_EQ(D("1.00000001").Truncate().ToString(), "1");
  EXPECT_EQ(D("-1.56").Truncate().ToString(), "-1");
  EXPECT_EQ(D("2.1").Floor().ToString(), "2");
  EXPECT_EQ(D("-2.1").Floor().ToString(), "-3");
  EXPECT_EQ(D("-2.0").Floor().ToString(), "-2");
  EXPECT_EQ(D("1.1").Ceiling().ToString(), "2");
  EXPECT_EQ(D("-1.1").Ceiling().ToString(), "-1");
  EXPECT_EQ(D("1").Ceiling().ToString(), "1");
}

TEST(DecimalRoundTest, AbsAndNegate) {
  EXPECT_EQ(D("-5.5").Abs().ToString(), "5.5");
  EXPECT_EQ(D("5.5").Abs().ToString(), "5.5");
  EXPECT_EQ((-D("5.50")).ToString(), "-5.50");
  EXPECT_EQ((-D("0")).ToString(), "0");
}

TEST(DecimalRoundTest, WithScaleAndStrip) {
  EXPECT_EQ(S(D("1.5").WithScale(3)), "1.500");
  EXPECT_EQ(S(D("1.25").WithScale(1)), "1.3");
  EXPECT_FALSE(D("1000000000000000000000000").WithScale(8).has_value());
  EXPECT_EQ(D("1.500").StripTrailingZeros().ToString(), "1.5");
  EXPECT_EQ(D("1.500").StripTrailingZeros(2).ToString(), "1.50");
  EXPECT_EQ(D("100").StripTrailingZeros().ToString(), "100");
}

// --- lowBoundary / highBoundary (conformance groups LowBoundary, HighBoundary) ---

struct BoundaryCase {
  const char* value;
  std::optional<int> digits;
  const char* low;
  const char* high;
};

TEST(DecimalBoundaryTest, MatchesTheConformanceSuite) {
  const BoundaryCase cases[] = {
      {"1.587", std::nullopt, "1.58650000", "1.58750000"},
      {"1.587", 6, "1.586500", "1.587500"},
      {"1.587", 2, "1.58", "1.59"},
      {"1.587", 0, "1", "2"},
      {"-1.587", std::nullopt, "-1.58750000", "-1.58650000"},
      {"-1.587", 6, "-1.587500", "-1.586500"},
      {"-1.587", 2, "-1.59", "-1.58"},
      {"-1.587", 0, "-2", "-1"},
      {"1", std::nullopt, "0.50000000", "1.50000000"},
      {"1", 0, "0", "2"},
      {"1", 5, "0.50000", "1.50000"},
      {"12.587", 2, "12.58", "12.59"},
      {"12.500", 4, "12.4995", "12.5005"},
      {"120", 2, "119.50", "120.50"},
      {"-120", 2, "-120.50", "-119.50"},
      {"0.0034", 1, "0.0", "0.0"},
      {"-0.0034", 1, "0.0", "0.0"},  // the suite writes the low side as -0.0
      {"1.587", 8, "1.58650000", "1.58750000"},
  };
  for (const BoundaryCase& c : cases) {
    EXPECT_EQ(S(D(c.value).LowBoundary(c.digits)), c.low) << c.value;
    EXPECT_EQ(S(D(c.value).HighBoundary(c.digits)), c.high) << c.value;
  }
}

TEST(DecimalBoundaryTest, ZeroSpansHalfAUnitEitherSide) {
  EXPECT_EQ(S(D("0.0").LowBoundary(3)), "-0.050");
  EXPECT_EQ(S(D("0.0").HighBoundary(3)), "0.050");
}

TEST(DecimalBoundaryTest, RejectsOutOfRangeDigits) {
  EXPECT_FALSE(D("1.5").LowBoundary(-1).has_value());
  EXPECT_FALSE(D("1.5").HighBoundary(29).has_value());
}

}  // namespace
}  // namespace vigil::fhirpath
