#include "server/http/url.h"

#include <gtest/gtest.h>

namespace vigil::server {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(PathSegmentsTest, SplitsOnSlashesAndDropsEmptySegments) {
  EXPECT_EQ(PathSegments("/fhir/Patient/1"), (std::vector<std::string_view>{"fhir", "Patient", "1"}));
  EXPECT_EQ(PathSegments("//api//alerts/"), (std::vector<std::string_view>{"api", "alerts"}));
  EXPECT_TRUE(PathSegments("/").empty());
  EXPECT_TRUE(PathSegments("").empty());
}

TEST(PercentDecodeTest, DecodesHexEscapesInEitherCase) {
  EXPECT_EQ(PercentDecode("a%20b%2fc%2F", false), "a b/c/");
  EXPECT_EQ(PercentDecode("J%C3%B6rg", false), "J\xC3\xB6rg");
}

TEST(PercentDecodeTest, KeepsInvalidEscapesVerbatim) {
  EXPECT_EQ(PercentDecode("100%", false), "100%");
  EXPECT_EQ(PercentDecode("%2", false), "%2");
  EXPECT_EQ(PercentDecode("%zz%4", false), "%zz%4");
  EXPECT_EQ(PercentDecode("%%41", false), "%A");
}

TEST(PercentDecodeTest, PlusIsSpaceOnlyWhenAsked) {
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b%2B", true), "a b+");
}

TEST(PercentDecodeTest, DecodesNulByte) {
  EXPECT_EQ(PercentDecode("a%00b", false), std::string("a\0b", 3));
}

TEST(ParseQueryStringTest, SplitsAndDecodesPairs) {
  EXPECT_EQ(ParseQueryString("name=J%C3%B6rg+Smith&_count=10"),
            (Pairs{{"name", "J\xC3\xB6rg Smith"}, {"_count", "10"}}));
}

TEST(ParseQueryStringTest, KeepsRepeatsAndOrder) {
  EXPECT_EQ(ParseQueryString("date=ge2020&date=le2021&a=1"),
            (Pairs{{"date", "ge2020"}, {"date", "le2021"}, {"a", "1"}}));
}

TEST(ParseQueryStringTest, HandlesEmptyPartsMissingValuesAndExtraEquals) {
  EXPECT_EQ(ParseQueryString(""), Pairs{});
  EXPECT_EQ(ParseQueryString("&&a&b=&c=x=y&"), (Pairs{{"a", ""}, {"b", ""}, {"c", "x=y"}}));
  EXPECT_EQ(ParseQueryString("code%3Atext=a%26b"), (Pairs{{"code:text", "a&b"}}));
}

TEST(PercentEncodeTest, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b/c?d&e=f+g%"), "a%20b%2Fc%3Fd%26e%3Df%2Bg%25");
  EXPECT_EQ(PercentEncode("\xC3\xB6"), "%C3%B6");
}

TEST(PercentEncodeTest, RoundTripsThroughDecode) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(PercentDecode(PercentEncode(all), false), all);
  EXPECT_EQ(PercentDecode(PercentEncode(all), true), all);
}

}  // namespace
}  // namespace vigil::server
