#include "ingest/hl7v2/datetime.h"

#include <gtest/gtest.h>

namespace vigil::hl7v2 {
namespace {

std::string Dt(std::string_view hl7, std::optional<std::string> offset = std::nullopt) {
  DateTimeOptions options;
  options.default_offset = std::move(offset);
  auto r = ToFhirDateTime(hl7, options);
  return r.ok() ? *r : "error: " + std::string(r.status().message());
}

TEST(Hl7DateTimeTest, DatePrecisionIsKept) {
  EXPECT_EQ(Dt("1999"), "1999");
  EXPECT_EQ(Dt("199903"), "1999-03");
  EXPECT_EQ(Dt("19990305"), "1999-03-05");
  EXPECT_EQ(Dt("19990305+0200"), "1999-03-05");  // an offset on a date says nothing
}

TEST(Hl7DateTimeTest, TimesNeedAnOffset) {
  EXPECT_EQ(Dt("199903051430+0130"), "1999-03-05T14:30:00+01:30");
  EXPECT_EQ(Dt("19990305143015-0500"), "1999-03-05T14:30:15-05:00");
  EXPECT_EQ(Dt("19990305143015.1234+0000"), "1999-03-05T14:30:15.1234+00:00");
  EXPECT_EQ(Dt("1999030514+0100"), "1999-03-05T14:00:00+01:00");
  // No offset: the date only, unless a default offset is configured.
  EXPECT_EQ(Dt("19990305143015"), "1999-03-05");
  EXPECT_EQ(Dt("19990305143015", "Z"), "1999-03-05T14:30:15Z");
  EXPECT_EQ(Dt("199903051430", "+02:00"), "1999-03-05T14:30:00+02:00");
}

TEST(Hl7DateTimeTest, InvalidValuesAreErrorsQuotingTheValue) {
  EXPECT_EQ(Dt("1999133"), "error: invalid date '1999133'");
  for (std::string_view bad :
       {"199913", "19990230", "20230229", "1999030524", "199903051260", "19990305120061",
        "19990305+1500", "19990305+0160", "1999-03-05", "abcd", "0000", "19990305.5",
        "19990305120000.", "19990305120000+01", ""}) {
    EXPECT_FALSE(ToFhirDateTime(bad).ok()) << bad;
  }
  EXPECT_EQ(Dt("20240229"), "2024-02-29");  // leap year
}

TEST(Hl7DateTimeTest, DateAndInstant) {
  EXPECT_EQ(*ToFhirDate("198808181126+0215"), "1988-08-18");
  EXPECT_EQ(*ToFhirDate("1988"), "1988");
  EXPECT_FALSE(ToFhirDate("19881318").ok());
  EXPECT_EQ(**ToFhirInstant("20200802124455+0000"), "2020-08-02T12:44:55+00:00");
  EXPECT_FALSE(ToFhirInstant("202008021244+0000")->has_value());  // no seconds
  EXPECT_FALSE(ToFhirInstant("20200802124455")->has_value());     // no offset
  DateTimeOptions utc;
  utc.default_offset = "Z";
  EXPECT_EQ(**ToFhirInstant("20200802124455", utc), "2020-08-02T12:44:55Z");
}

}  // namespace
}  // namespace vigil::hl7v2
