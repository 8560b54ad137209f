#include "fhir/json.h"
#include "fhir/json_number.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace vigil::fhir {
namespace {

// Parses text and writes it back compactly.
std::string RoundTrip(std::string_view text) {
  absl::StatusOr<Json> json = ParseJson(text);
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? WriteJson(*json) : "";
}

void ExpectInvalid(std::string_view text, std::string_view why) {
  absl::StatusOr<Json> json = ParseJson(text);
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument) << why;
}

TEST(JsonTest, JsonDoubleReadsNumbersOnly) {
  absl::StatusOr<Json> j = ParseJson(R"({"a": 38.5, "b": "38.5", "c": -1e3, "d": 1e999})");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(JsonDouble(j->Find("a")), 38.5);
  EXPECT_EQ(JsonDouble(j->Find("b")), std::nullopt);
  EXPECT_EQ(JsonDouble(j->Find("c")), -1000.0);
  EXPECT_EQ(JsonDouble(j->Find("d")), std::nullopt);
  EXPECT_EQ(JsonDouble(nullptr), std::nullopt);
}

TEST(JsonTest, NumbersKeepTheirText) {
  EXPECT_EQ(RoundTrip(R"([1.50,1e2,-0.0,0,-12,3.14159265358979323846264338327950288,1E-7])"),
            R"([1.50,1e2,-0.0,0,-12,3.14159265358979323846264338327950288,1E-7])");
  EXPECT_EQ(RoundTrip("[ 1.50 , 2 ]"), "[1.50,2]");
  absl::StatusOr<Json> json = ParseJson(R"({"v": 1.50})");
  ASSERT_TRUE(json.ok());
  EXPECT_TRUE(json->Find("v")->is_number());
  EXPECT_EQ(json->Find("v")->text(), "1.50");
}

TEST(JsonTest, HugeIntegersAndExponentsAreKept) {
  EXPECT_EQ(RoundTrip("[123456789012345678901234567890,1e400,-1e-400]"),
            "[123456789012345678901234567890,1e400,-1e-400]");
}

TEST(JsonTest, MemberOrderIsKept) {
  EXPECT_EQ(RoundTrip(R"({"z":1,"a":2,"m":{"y":true,"b":null}})"),
            R"({"z":1,"a":2,"m":{"y":true,"b":null}})");
}

TEST(JsonTest, EscapesAndUnicodeRoundTrip) {
  absl::StatusOr<Json> json =
      ParseJson(R"(["a\"b\\c\/d\n\r\t\b\f", "\u00e9\u4e2d\ud83d\ude00", "é中😀", "\u0001\u001f"])");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->items()[0].text(), "a\"b\\c/d\n\r\t\b\f");
  EXPECT_EQ(json->items()[1].text(), "é中😀");
  EXPECT_EQ(json->items()[2].text(), "é中😀");
  EXPECT_EQ(json->items()[3].text(), std::string("\x01\x1f"));
  std::string written = WriteJson(*json);
  EXPECT_EQ(written, R"(["a\"b\\c/d\n\r\t\b\f","é中😀","é中😀","\u0001\u001f"])");
  absl::StatusOr<Json> again = ParseJson(written);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *json);
}

TEST(JsonTest, EmbeddedNulRoundTrips) {
  absl::StatusOr<Json> json = ParseJson(R"(["a\u0000b"])");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->items()[0].text(), std::string("a\0b", 3));
  EXPECT_EQ(WriteJson(*json), R"(["a\u0000b"])");
}

TEST(JsonTest, PrettyPrinting) {
  absl::StatusOr<Json> json = ParseJson(R"({"a":[1,{"b":"c"}],"e":{},"f":[]})");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(WriteJson(*json, /*pretty=*/true),
            "{\n"
            "  \"a\": [\n"
            "    1,\n"
            "    {\n"
            "      \"b\": \"c\"\n"
            "    }\n"
            "  ],\n"
            "  \"e\": {},\n"
            "  \"f\": []\n"
            "}");
  absl::StatusOr<Json> again = ParseJson(WriteJson(*json, true));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *json);
}

TEST(JsonTest, BuildAndEdit) {
  Json patient = Json::Object();
  patient.Set("resourceType", Json::String("Patient"));
  patient.Set("id", Json::String("1"));
  patient.Set("resourceType", Json::String("Observation"));  // replaced in place
  Json& names = patient.Set("name", Json::Array());
  names.Push(Json::Number("1.0"));
  names.Push(Json::Bool(false));
  names.Push(Json());
  EXPECT_EQ(WriteJson(patient),
            R"({"resourceType":"Observation","id":"1","name":[1.0,false,null]})");
  EXPECT_TRUE(patient.Erase("id"));
  EXPECT_FALSE(patient.Erase("id"));
  EXPECT_EQ(patient.Find("id"), nullptr);
  EXPECT_EQ(Json::String("x").Find("x"), nullptr);
  EXPECT_NE(Json::Number("1"), Json::String("1"));
  EXPECT_NE(Json::Number("1.0"), Json::Number("1.00"));  // text equality, by design
}

TEST(JsonTest, EmptyContainers) {
  EXPECT_EQ(RoundTrip("{}"), "{}");
  EXPECT_EQ(RoundTrip("[]"), "[]");
  EXPECT_EQ(RoundTrip(R"({"a":[],"b":{},"":""})"), R"({"a":[],"b":{},"":""})");
}

TEST(JsonTest, MalformedInputIsInvalidArgument) {
  ExpectInvalid(R"({"a":})", "missing value");
  ExpectInvalid(R"({"a" 1})", "missing colon");
  ExpectInvalid(R"({"a":1,})", "trailing comma in object");
  ExpectInvalid("[1,]", "trailing comma in array");
  ExpectInvalid("{'a':1}", "single quotes");
  ExpectInvalid(R"({a:1})", "unquoted key");
  ExpectInvalid("[tru]", "bad literal");
  ExpectInvalid("[nul]", "bad null");
  ExpectInvalid("[01]", "leading zero");
  ExpectInvalid("[1.]", "bad number");
  ExpectInvalid("[-]", "lone minus");
  ExpectInvalid("[NaN]", "NaN");
  ExpectInvalid("[1e]", "empty exponent");
  ExpectInvalid("[1e+]", "signless exponent");
  ExpectInvalid("[+1]", "plus sign");
  ExpectInvalid("[.5]", "no integer part");
  ExpectInvalid("[0x10]", "hex");
  ExpectInvalid("[1.5.5]", "two points");
  ExpectInvalid("[--1]", "two minus signs");
  ExpectInvalid("[1-2]", "minus inside");
  ExpectInvalid(R"({"a":1x})", "letter after number");
  ExpectInvalid(R"(["\x"])", "bad escape");
  ExpectInvalid(R"(["\ud800"])", "lone surrogate");
  ExpectInvalid("[\"a\nb\"]", "raw control character in string");
  ExpectInvalid("[1 2]", "missing comma");
  ExpectInvalid(R"({"a":1 "b":2})", "missing comma between members");
}

TEST(JsonTest, TruncatedInputIsInvalidArgument) {
  const std::string doc = R"({"resourceType":"Patient","name":[{"given":["A","B"]}],"n":1.5})";
  for (size_t n = 0; n < doc.size(); ++n) {
    ExpectInvalid(std::string_view(doc).substr(0, n), "truncated at " + std::to_string(n));
  }
}

TEST(JsonTest, InvalidUtf8IsInvalidArgument) {
  ExpectInvalid("[\"\xff\"]", "0xff byte");
  ExpectInvalid("[\"\xc3\"]", "truncated sequence");
  ExpectInvalid("[\"\xc0\xaf\"]", "overlong encoding");
  ExpectInvalid("[\"\xed\xa0\x80\"]", "encoded surrogate");
  ExpectInvalid("{\"\xfe\":1}", "bad key");
}

TEST(JsonTest, DeepNestingIsRejectedNotACrash) {
  std::string deep(100000, '[');
  ExpectInvalid(deep, "100,000 open brackets");
  ExpectInvalid(deep + std::string(100000, ']'), "100,000 balanced brackets");
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += R"({"a":)";
  ExpectInvalid(objects, "100,000 nested objects");
}

TEST(JsonTest, NestingLimitIsConfigurable) {
  std::string ok = std::string(256, '[') + std::string(256, ']');
  EXPECT_TRUE(ParseJson(ok).ok());
  std::string too_deep = std::string(257, '[') + std::string(257, ']');
  ExpectInvalid(too_deep, "257 levels");
  EXPECT_TRUE(ParseJson(too_deep, {.max_depth = 300}).ok());
  absl::StatusOr<Json> shallow = ParseJson("[[1]]", {.max_depth = 1});
  EXPECT_EQ(shallow.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonTest, FiftyMegabyteStringWorks) {
  std::string big(50 * 1024 * 1024, 'x');
  big[12345] = '\xe2';  // a three-byte UTF-8 sequence in the middle
  big[12346] = '\x82';
  big[12347] = '\xac';
  std::string doc = R"({"data":")" + big + R"("})";
  absl::StatusOr<Json> json = ParseJson(doc);
  ASSERT_TRUE(json.ok()) << json.status();
  ASSERT_NE(json->Find("data"), nullptr);
  EXPECT_EQ(json->Find("data")->text().size(), big.size());
  EXPECT_TRUE(json->Find("data")->text() == big);
  EXPECT_TRUE(WriteJson(*json) == doc);
}

TEST(JsonTest, TrailingGarbageIsInvalidArgument) {
  ExpectInvalid("{} x", "garbage after object");
  ExpectInvalid("{}{}", "two documents");
  ExpectInvalid("[1] 2", "number after array");
  ExpectInvalid("[1]]", "extra bracket");
  ExpectInvalid(R"({"a":1}})", "extra brace");
  ExpectInvalid(std::string_view("{}\0", 3), "NUL after document");
  EXPECT_TRUE(ParseJson("  {}\n\t ").ok());
}

TEST(JsonTest, EmptyInputIsInvalidArgument) {
  ExpectInvalid("", "empty");
  ExpectInvalid("   \n ", "whitespace only");
}

TEST(JsonTest, TopLevelScalarIsInvalidArgument) {
  ExpectInvalid("1", "number");
  ExpectInvalid("\"Patient\"", "string");
  ExpectInvalid("true", "boolean");
  ExpectInvalid("null", "null");
}

TEST(JsonTest, ErrorMessagesSayInvalidJson) {
  absl::StatusOr<Json> json = ParseJson("{");
  ASSERT_FALSE(json.ok());
  EXPECT_TRUE(std::string(json.status().message()).starts_with("invalid JSON")) << json.status();
}

}  // namespace
}  // namespace vigil::fhir
