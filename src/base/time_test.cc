#include "base/time.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(ParseFhirDateTimeMs, ReadsUtcInstants) {
  EXPECT_EQ(ParseFhirDateTimeMs("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseFhirDateTimeMs("1970-01-01T00:00:01.250Z"), 1250);
  EXPECT_EQ(ParseFhirDateTimeMs("2026-01-03T08:30:00Z"), int64_t{1767429000000});
}

TEST(ParseFhirDateTimeMs, AppliesOffsets) {
  EXPECT_EQ(ParseFhirDateTimeMs("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(ParseFhirDateTimeMs("1969-12-31T19:00:00-05:00"), 0);
}

TEST(ParseFhirDateTimeMs, ReadsDatesAsMidnightUtc) {
  EXPECT_EQ(ParseFhirDateTimeMs("1970-01-02"), 86400000);
}

TEST(ParseFhirDateTimeMs, RejectsPartialOrMalformedValues) {
  EXPECT_FALSE(ParseFhirDateTimeMs("2026"));
  EXPECT_FALSE(ParseFhirDateTimeMs("2026-02"));
  EXPECT_FALSE(ParseFhirDateTimeMs("2026-02-30"));
  EXPECT_FALSE(ParseFhirDateTimeMs("2026-01-03T08:30:00"));  // no zone
  EXPECT_FALSE(ParseFhirDateTimeMs("2026-01-03T25:00:00Z"));
  EXPECT_FALSE(ParseFhirDateTimeMs("2026-01-03T08:30:00Zjunk"));
  EXPECT_FALSE(ParseFhirDateTimeMs("2026-01-03T08:30:00.Z"));
}

}  // namespace
}  // namespace vigil
