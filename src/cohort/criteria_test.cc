#include "cohort/criteria.h"

#include <gtest/gtest.h>

#include "base/calendar.h"
#include "base/http_error.h"
#include "base/str.h"

namespace vigil::cohort {
namespace {

using fhir::Json;

Json Parse(std::string_view text) {
  auto j = fhir::ParseJson(text);
  EXPECT_TRUE(j.ok()) << j.status();
  return j.ok() ? *j : Json();
}

std::string KindJson(std::string_view code) {
  return StrCat(
      R"("code":{"coding":[{"system":"https://vigil.dev/fhir/CodeSystem/cohort-criterion","code":")",
      code, R"("}]})");
}

absl::StatusOr<Definition> ParseCharacteristicsText(std::string_view list) {
  return ParseGroup(Parse(StrCat(
      R"({"resourceType":"Group","type":"person","actual":false,"characteristic":)", list, "}")));
}

TEST(ParseGroupTest, ReadsCodesExcludeAndAge) {
  auto d = ParseCharacteristicsText(StrCat(
      "[{", KindJson("condition"),
      R"(,"valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"44054006"},{"code":"E11"}]},"exclude":false},)",
      "{", KindJson("age"),
      R"(,"valueRange":{"low":{"value":40,"unit":"a"},"high":{"value":64,"unit":"a"}},"exclude":false},)",
      "{", KindJson("condition"),
      R"(,"valueCodeableConcept":{"coding":[{"code":"431855005"}]},"exclude":true}])"));
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->criteria.size(), 3u);
  EXPECT_EQ(d->criteria[0].kind, Kind::kCondition);
  EXPECT_EQ(d->criteria[0].codes,
            (std::vector<Coding>{{"http://snomed.info/sct", "44054006"}, {"", "E11"}}));
  EXPECT_FALSE(d->criteria[0].exclude);
  EXPECT_EQ(d->criteria[1].kind, Kind::kAge);
  EXPECT_EQ(*d->criteria[1].value->low, 40);
  EXPECT_EQ(*d->criteria[1].value->high, 64);
  EXPECT_TRUE(d->criteria[2].exclude);
}

TEST(ParseGroupTest, ReadsValueRangeAndRelativeWindowById) {
  auto d = ParseCharacteristicsText(StrCat(
      R"([{"id":"dm",)", KindJson("condition"),
      R"(,"valueCodeableConcept":{"coding":[{"code":"44054006"}]},"exclude":false},)", "{",
      KindJson("observation"),
      R"(,"valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"4548-4"}]},"exclude":false,
        "extension":[{"url":"https://vigil.dev/fhir/StructureDefinition/cohort-value-range","valueRange":{"low":{"value":7.1,"code":"%"}}},
                     {"url":"https://vigil.dev/fhir/StructureDefinition/cohort-window","extension":[
                        {"url":"anchor","valueString":"dm"},
                        {"url":"after","valueDuration":{"value":1,"code":"a"}},
                        {"url":"before","valueDuration":{"value":2,"code":"wk"}}]}]}])"));
  ASSERT_TRUE(d.ok()) << d.status();
  const Criterion& a1c = d->criteria[1];
  ASSERT_TRUE(a1c.value.has_value());
  EXPECT_EQ(*a1c.value->low, 7.1);
  EXPECT_FALSE(a1c.value->high.has_value());
  EXPECT_EQ(a1c.value->unit, "%");
  ASSERT_TRUE(a1c.window.has_value());
  EXPECT_EQ(a1c.window->anchor, 0u);
  EXPECT_EQ(a1c.window->after_ms, 36525 * kMsPerDay / 100);
  EXPECT_EQ(a1c.window->before_ms, 14 * kMsPerDay);
}

TEST(ParseGroupTest, ReadsPeriodAtItsPrecision) {
  auto d = ParseCharacteristicsText(
      StrCat("[{", KindJson("procedure"),
             R"(,"valueCodeableConcept":{"coding":[{"code":"p"}]},"exclude":false,
                                              "period":{"start":"2020","end":"2020-06"}}])"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->criteria[0].period->low, EpochMs(2020, 1, 1, 0, 0, 0, 0));
  EXPECT_EQ(d->criteria[0].period->high, EpochMs(2020, 7, 1, 0, 0, 0, 0) - 1);
}

TEST(ParseGroupTest, WindowAnchorByIndex) {
  auto d = ParseCharacteristicsText(
      StrCat("[{", KindJson("procedure"),
             R"(,"valueCodeableConcept":{"coding":[{"code":"p"}]},"exclude":false},)", "{",
             KindJson("age"), R"(,"valueRange":{"high":{"value":17}},"exclude":false,
        "extension":[{"url":"https://vigil.dev/fhir/StructureDefinition/cohort-window",
                      "extension":[{"url":"anchor","valueInteger":0}]}]}])"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->criteria[1].window->anchor, 0u);
  EXPECT_EQ(d->criteria[1].window->before_ms, 0);
}

struct BadCase {
  const char* name;
  std::string list;
  const char* message;
};

TEST(ParseGroupTest, MalformedCharacteristicsAre400NamingTheCharacteristic) {
  const std::string ok =
      StrCat("{", KindJson("condition"), R"(,"valueCodeableConcept":{"coding":[{"code":"x"}]}})");
  const std::vector<BadCase> cases = {
      {"unknown kind",
       StrCat("[", ok, R"(,{"id":"l",)", KindJson("lab"),
              R"(,"valueCodeableConcept":{"coding":[{"code":"x"}]}}])"),
       "characteristic[1] (id 'l'): unknown criterion kind 'lab'"},
      {"foreign system",
       R"([{"code":{"coding":[{"system":"http://x","code":"age"}]},"valueRange":{"low":{"value":1}}}])",
       "characteristic[0]: code.coding[0].system must be "
       "https://vigil.dev/fhir/CodeSystem/cohort-criterion"},
      {"no codings",
       StrCat("[{", KindJson("condition"), R"(,"valueCodeableConcept":{"text":"diabetes"}}])"),
       "characteristic[0]: valueCodeableConcept with at least one coding is required"},
      {"age in months",
       StrCat("[{", KindJson("age"), R"(,"valueRange":{"low":{"value":6,"unit":"mo"}}}])"),
       "characteristic[0]: age range unit must be 'a' (years)"},
      {"bad gender",
       StrCat("[{", KindJson("gender"), R"(,"valueCodeableConcept":{"coding":[{"code":"M"}]}}])"),
       "characteristic[0]: 'M' is not an administrative-gender code"},
      {"exclude string",
       StrCat("[{", KindJson("condition"),
              R"(,"valueCodeableConcept":{"coding":[{"code":"x"}]},"exclude":"yes"}])"),
       "characteristic[0]: exclude must be a boolean"},
      {"value range on condition",
       StrCat("[{", KindJson("condition"), R"(,"valueCodeableConcept":{"coding":[{"code":"x"}]},
         "extension":[{"url":"https://vigil.dev/fhir/StructureDefinition/cohort-value-range","valueRange":{"low":{"value":1}}}]}])"),
       "characteristic[0]: a value range applies to observations only"},
      {"unknown anchor",
       StrCat("[{", KindJson("condition"), R"(,"valueCodeableConcept":{"coding":[{"code":"x"}]},
         "extension":[{"url":"https://vigil.dev/fhir/StructureDefinition/cohort-window","extension":[{"url":"anchor","valueString":"nope"}]}]}])"),
       "characteristic[0]: window anchor names no characteristic"},
      {"excluded anchor",
       StrCat("[{\"id\":\"x\",", KindJson("condition"),
              R"(,"valueCodeableConcept":{"coding":[{"code":"x"}]},"exclude":true},)", "{",
              KindJson("condition"), R"(,"valueCodeableConcept":{"coding":[{"code":"y"}]},
         "extension":[{"url":"https://vigil.dev/fhir/StructureDefinition/cohort-window","extension":[{"url":"anchor","valueString":"x"}]}]}])"),
       "characteristic[1]: window anchor characteristic[0] (id 'x') must be a clinical, "
       "non-excluded characteristic without a window"},
      {"bad duration",
       StrCat("[", ok, ",{", KindJson("condition"),
              R"(,"valueCodeableConcept":{"coding":[{"code":"y"}]},
         "extension":[{"url":"https://vigil.dev/fhir/StructureDefinition/cohort-window","extension":[{"url":"anchor","valueInteger":0},
           {"url":"after","valueDuration":{"value":1,"code":"fortnight"}}]}]}])"),
       "characteristic[1]: window after must be a non-negative valueDuration"},
      {"bad period",
       StrCat(
           "[{", KindJson("condition"),
           R"(,"valueCodeableConcept":{"coding":[{"code":"x"}]},"period":{"start":"last year"}}])"),
       "characteristic[0]: period.start 'last year' is not a FHIR dateTime"},
  };
  for (const BadCase& c : cases) {
    auto d = ParseCharacteristicsText(c.list);
    ASSERT_FALSE(d.ok()) << c.name;
    EXPECT_EQ(HttpStatusOf(d.status()), 400) << c.name;
    EXPECT_EQ(Message(d.status()), c.message) << c.name;
  }
}

TEST(ParseGroupTest, NotAGroupOrEmptyGroupIs400) {
  EXPECT_EQ(HttpStatusOf(ParseGroup(Parse(R"({"resourceType":"Patient"})")).status()), 400);
  EXPECT_EQ(
      Message(
          ParseGroup(Parse(R"({"resourceType":"Group","type":"person","actual":true})")).status()),
      "the Group has neither characteristics nor members");
}

TEST(ParseGroupTest, EnumeratedMembersSkipInactive) {
  auto d =
      ParseGroup(Parse(R"({"resourceType":"Group","member":[{"entity":{"reference":"Patient/a"}},
      {"entity":{"reference":"Patient/b"},"inactive":true},{"entity":{"reference":"Patient/c"}}]})"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->members, (std::vector<std::string>{"a", "c"}));
}

TEST(ParseCharacteristicsTest, SingleObjectIsOneCriterionWithPrefixedLabel) {
  auto d = ParseCharacteristics(
      Parse(StrCat("{", KindJson("gender"),
                   R"(,"valueCodeableConcept":{"coding":[{"code":"female"}]}})")),
      "outcome.");
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->criteria.size(), 1u);
  EXPECT_EQ(d->criteria[0].label, "outcome.characteristic[0]");
  EXPECT_EQ(d->criteria[0].kind, Kind::kGender);
}

TEST(DurationMsTest, UnitsAndTexts) {
  EXPECT_EQ(DurationMs(Parse(R"({"value":3,"code":"d"})")), 3 * kMsPerDay);
  EXPECT_EQ(DurationMs(Parse(R"({"value":2,"unit":"hours"})")), 2 * kMsPerHour);
  EXPECT_EQ(DurationMs(Parse(R"({"value":1,"code":"mo"})")), 36525 * kMsPerDay / 1200);
  EXPECT_FALSE(DurationMs(Parse(R"({"value":-1,"code":"d"})")).has_value());
  EXPECT_FALSE(DurationMs(Parse(R"({"code":"d"})")).has_value());
}

}  // namespace
}  // namespace vigil::cohort
