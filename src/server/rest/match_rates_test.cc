#include "server/rest/match_rates.h"

#include <gtest/gtest.h>

namespace vigil::server {
namespace {

TEST(ConditionalMatchRates, ATypeIsSearchedUntilItsUpdatesStopMatching) {
  ConditionalMatchRates rates;
  EXPECT_TRUE(rates.WorthSearching("Observation"));
  // A moving average over about 8: 1 in 8 is the threshold, reached after 16
  // misses in a row from "always matched".
  for (int i = 0; i < 15; ++i) rates.Record("Observation", false);
  EXPECT_TRUE(rates.WorthSearching("Observation"));
  rates.Record("Observation", false);
  EXPECT_FALSE(rates.WorthSearching("Observation"));
  EXPECT_TRUE(rates.WorthSearching("Patient"));  // each type on its own
}

TEST(ConditionalMatchRates, AMatchMakesTheTypeSearchedAgain) {
  ConditionalMatchRates rates;
  for (int i = 0; i < 100; ++i) rates.Record("Patient", false);
  EXPECT_FALSE(rates.WorthSearching("Patient"));
  rates.Record("Patient", true);
  EXPECT_TRUE(rates.WorthSearching("Patient"));
}

TEST(ConditionalMatchRates, OneMatchInFourKeepsTheTypeSearched) {
  ConditionalMatchRates rates;
  for (int i = 0; i < 400; ++i) {
    rates.Record("Encounter", i % 4 == 0);
    EXPECT_TRUE(rates.WorthSearching("Encounter")) << i;
  }
}

}  // namespace
}  // namespace vigil::server
