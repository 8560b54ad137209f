#include "fhir/resource.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace vigil::fhir {
namespace {

using Paths = std::vector<std::string>;

void ExpectParseError(std::string_view text, std::string_view message) {
  absl::StatusOr<Json> json = ParseResource(text);
  ASSERT_FALSE(json.ok()) << text;
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(json.status().message()), message);
}

Paths Unknown(std::string_view text) {
  absl::StatusOr<Json> json = ParseJson(text);
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? UnknownElements(*json) : Paths{"<parse error>"};
}

TEST(ParseResourceTest, AcceptsKnownResourceType) {
  absl::StatusOr<Json> json = ParseResource(R"({"id":"1","resourceType":"Patient"})");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->Find("id")->text(), "1");
}

TEST(ParseResourceTest, RejectsUnknownResourceType) {
  ExpectParseError(R"({"resourceType":"Foo"})", "unknown resource type 'Foo'");
  ExpectParseError(R"({"resourceType":"patient"})", "unknown resource type 'patient'");
  ExpectParseError(R"({"resourceType":"Resource"})", "unknown resource type 'Resource'");
  ExpectParseError(R"({"resourceType":"DomainResource"})",
                   "unknown resource type 'DomainResource'");
  ExpectParseError(R"({"resourceType":"HumanName"})", "unknown resource type 'HumanName'");
  ExpectParseError(R"({"resourceType":""})", "unknown resource type ''");
}

TEST(ParseResourceTest, LongUnknownResourceTypeIsTruncated) {
  std::string name(1000, 'X');
  ExpectParseError(R"({"resourceType":")" + name + R"("})",
                   "unknown resource type '" + std::string(64, 'X') + "...'");
}

TEST(ParseResourceTest, RejectsMissingResourceType) {
  ExpectParseError(R"({"id":"1"})", "missing resourceType");
  ExpectParseError(R"({"resourceType":1})", "missing resourceType");
  ExpectParseError(R"({"resourceType":null})", "missing resourceType");
  ExpectParseError(R"({"resourceType":["Patient"]})", "missing resourceType");
}

TEST(ParseResourceTest, RejectsNonObjects) {
  ExpectParseError(R"([{"resourceType":"Patient"}])", "resource must be a JSON object");
  absl::StatusOr<Json> json = ParseResource("{");
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
  json = ParseResource("");
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(UnknownElementsTest, ValidResourceHasNone) {
  EXPECT_EQ(Unknown(R"({"resourceType":"Patient","id":"p","meta":{"versionId":"1"},
      "name":[{"family":"Doe","given":["A"],"period":{"start":"2020"}}],
      "birthDate":"1970-01-01","deceasedBoolean":false,
      "contact":[{"name":{"text":"B"},"relationship":[{"coding":[{"code":"N"}]}]}],
      "extension":[{"url":"http://x","valueQuantity":{"value":1.5,"unit":"kg"}}]})"),
            Paths{});
}

TEST(UnknownElementsTest, ReportsUnknownMembersWithPaths) {
  EXPECT_EQ(Unknown(R"({"resourceType":"Patient","foo":1,
      "name":[{"family":"Doe"},{"fmaily":"Doe"}],"contact":[{"nmae":{}}]})"),
            (Paths{"Patient.foo", "Patient.name[1].fmaily", "Patient.contact[0].nmae"}));
}

TEST(UnknownElementsTest, ChoiceMembers) {
  EXPECT_EQ(Unknown(R"({"resourceType":"Observation","status":"final","code":{},
      "valueQuantity":{"value":1,"bogus":2},"effectiveDateTime":"2020"})"),
            Paths{"Observation.valueQuantity.bogus"});
  // The bare choice name, a wrong case and a type the element does not allow.
  EXPECT_EQ(Unknown(R"({"resourceType":"Observation","value":1,"valuequantity":{},
      "valueHumanName":{},"deceasedBoolean":true})"),
            (Paths{"Observation.value", "Observation.valuequantity", "Observation.valueHumanName",
                   "Observation.deceasedBoolean"}));
}

TEST(UnknownElementsTest, PrimitiveExtensions) {
  EXPECT_EQ(Unknown(R"({"resourceType":"Patient","birthDate":"1970",
      "_birthDate":{"id":"b",
        "extension":[{"url":"http://x","valueDateTime":"1970-01-01T10:00:00Z"}]},
      "name":[{"given":["A","B","C"],"_given":[null,{"extension":[]},{"id":"c"}]}],
      "_deceasedBoolean":{"id":"d"}})"),
            Paths{});
  EXPECT_EQ(Unknown(R"({"resourceType":"Patient","_birthDate":{"foo":1},
      "name":[{"_given":[null,{"bar":1}]}],"_name":{},"_nothing":{},"_":{}})"),
            (Paths{"Patient._birthDate.foo", "Patient.name[0]._given[1].bar", "Patient._name",
                   "Patient._nothing", "Patient._"}));
}

TEST(UnknownElementsTest, ContainedResourcesUseTheirOwnType) {
  EXPECT_EQ(
      Unknown(R"({"resourceType":"Observation","contained":[
      {"resourceType":"Patient","id":"p","birthDate":"1970","valueQuantity":{}},
      {"resourceType":"Nope","id":"x"},{"id":"y"}]})"),
      (Paths{"Observation.contained[0].valueQuantity", "Observation.contained[1].resourceType",
             "Observation.contained[2].resourceType"}));
}

TEST(UnknownElementsTest, NestedResourcesInBundleAndParameters) {
  EXPECT_EQ(Unknown(R"({"resourceType":"Bundle","type":"collection","entry":[
      {"fullUrl":"urn:1","resource":{"resourceType":"Patient","active":true}},
      {"resource":{"resourceType":"Bundle",
        "entry":[{"resource":{"resourceType":"Patient","x":1}}]}}]})"),
            Paths{"Bundle.entry[1].resource.entry[0].resource.x"});
  EXPECT_EQ(
      Unknown(R"({"resourceType":"Parameters","parameter":[
      {"name":"a","valueString":"s"},
      {"name":"b","resource":{"resourceType":"Patient","gender":"male","sex":"m"}},
      {"name":"c","part":[{"name":"d","valueInteger":1,"valueFoo":2}]}]})"),
      (Paths{"Parameters.parameter[1].resource.sex", "Parameters.parameter[2].part[0].valueFoo"}));
}

TEST(UnknownElementsTest, ResourceTypeOnlyAllowedOnResources) {
  EXPECT_EQ(Unknown(R"({"resourceType":"Patient","name":[{"resourceType":"HumanName"}]})"),
            Paths{"Patient.name[0].resourceType"});
}

TEST(UnknownElementsTest, FhirCommentsAreTolerated) {
  EXPECT_EQ(Unknown(R"({"resourceType":"Patient","fhir_comments":["c"],
      "name":[{"fhir_comments":["d"],"family":"x"}]})"),
            Paths{});
}

TEST(UnknownElementsTest, ContentReferenceRecursion) {
  EXPECT_EQ(Unknown(R"({"resourceType":"Questionnaire","status":"draft","item":[
      {"linkId":"1","type":"group","item":[{"linkId":"1.1","type":"string",
        "item":[{"linkId":"1.1.1","type":"string","oops":1}]}]}]})"),
            Paths{"Questionnaire.item[0].item[0].item[0].oops"});
}

TEST(UnknownElementsTest, MisshapenValuesAreNotReportedAsUnknown) {
  EXPECT_EQ(Unknown(R"({"resourceType":"Patient","birthDate":{"x":1},"name":"Doe",
      "contact":[1,null,"x"]})"),
            Paths{});
}

TEST(UnknownElementsTest, RootWithoutKnownResourceType) {
  EXPECT_EQ(Unknown(R"({"id":"1"})"), Paths{"resourceType"});
  EXPECT_EQ(Unknown(R"({"resourceType":"Foo"})"), Paths{"resourceType"});
  EXPECT_EQ(Unknown("[]"), Paths{"resourceType"});
}

}  // namespace
}  // namespace vigil::fhir
