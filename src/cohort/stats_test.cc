#include "cohort/stats.h"

#include <gtest/gtest.h>

namespace vigil::cohort {
namespace {

TEST(WilsonIntervalTest, EightOfTenMatchesPublishedInterval) {
  auto ci = WilsonInterval(8, 10);
  ASSERT_TRUE(ci.has_value());
  EXPECT_NEAR(ci->low, 0.4902, 1e-4);
  EXPECT_NEAR(ci->high, 0.9433, 1e-4);
}

TEST(WilsonIntervalTest, ZeroEventsStartsAtZero) {
  auto ci = WilsonInterval(0, 10);
  ASSERT_TRUE(ci.has_value());
  EXPECT_DOUBLE_EQ(ci->low, 0.0);
  EXPECT_NEAR(ci->high, 0.2775, 1e-4);
}

TEST(WilsonIntervalTest, EmptyGroupHasNoInterval) {
  EXPECT_FALSE(WilsonInterval(0, 0).has_value());
}

// Newcombe (1998), Table II example (a): 56/70 - 48/80, method 10: 0.0524 to 0.3339.
TEST(NewcombeDifferenceTest, MatchesNewcombeExample) {
  auto ci = NewcombeDifference(56, 70, 48, 80);
  ASSERT_TRUE(ci.has_value());
  EXPECT_NEAR(ci->low, 0.0524, 1e-4);
  EXPECT_NEAR(ci->high, 0.3339, 1e-4);
}

TEST(NewcombeDifferenceTest, EmptyGroupHasNoInterval) {
  EXPECT_FALSE(NewcombeDifference(1, 2, 0, 0).has_value());
}

// Reference values from mpmath (regularized incomplete beta, 30 digits).
TEST(StudentTTest, QuantilesMatchReferenceValues) {
  EXPECT_NEAR(StudentTQuantile(0.975, 1), 12.7062047362, 1e-7);
  EXPECT_NEAR(StudentTQuantile(0.975, 4), 2.7764451052, 1e-8);
  EXPECT_NEAR(StudentTQuantile(0.975, 9), 2.2621571628, 1e-8);
  EXPECT_NEAR(StudentTQuantile(0.975, 30), 2.0422724563, 1e-8);
  EXPECT_NEAR(StudentTQuantile(0.025, 9), -2.2621571628, 1e-8);
}

TEST(StudentTTest, CdfMatchesReferenceValue) {
  EXPECT_NEAR(StudentTCdf(-2.0, 10), 0.0366940173854, 1e-10);
  EXPECT_NEAR(StudentTCdf(2.0, 10), 1 - 0.0366940173854, 1e-10);
  EXPECT_DOUBLE_EQ(StudentTCdf(0, 3), 0.5);
}

TEST(SummarizeTest, MeanVarianceAndMedian) {
  auto odd = Summarize({5, 1, 3, 2, 4});
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(odd->n, 5);
  EXPECT_DOUBLE_EQ(odd->mean, 3.0);
  EXPECT_DOUBLE_EQ(odd->variance, 2.5);
  EXPECT_DOUBLE_EQ(odd->median, 3.0);
  auto even = Summarize({4, 1, 10, 2});
  ASSERT_TRUE(even.has_value());
  EXPECT_DOUBLE_EQ(even->median, 3.0);
  EXPECT_FALSE(Summarize({}).has_value());
}

TEST(MeanIntervalTest, UsesStudentT) {
  auto ci = MeanInterval(*Summarize({1, 2, 3, 4, 5}));
  ASSERT_TRUE(ci.has_value());
  EXPECT_NEAR(ci->low, 1.0367568385, 1e-8);
  EXPECT_NEAR(ci->high, 4.9632431615, 1e-8);
  EXPECT_FALSE(MeanInterval(*Summarize({7})).has_value());
}

// Welch-Satterthwaite df = 5.882 here; reference interval from mpmath.
TEST(WelchDifferenceTest, MatchesReferenceInterval) {
  auto ci = WelchDifference(*Summarize({1, 2, 3, 4, 5}), *Summarize({2, 4, 6, 8, 10}));
  ASSERT_TRUE(ci.has_value());
  EXPECT_NEAR(ci->low, -6.8877416437, 1e-8);
  EXPECT_NEAR(ci->high, 0.8877416437, 1e-8);
}

TEST(WelchDifferenceTest, UndefinedWithoutVariance) {
  EXPECT_FALSE(WelchDifference(*Summarize({1}), *Summarize({1, 2})).has_value());
  EXPECT_FALSE(WelchDifference(*Summarize({3, 3}), *Summarize({2, 2})).has_value());
}

}  // namespace
}  // namespace vigil::cohort
