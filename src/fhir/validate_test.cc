// ValidateResource, one rule at a time: for each, a resource that passes and
// one that fails with the exact issue code and expression.
#include "fhir/validate.h"

#include <string>
#include <vector>

#include "fhir/primitive_check.h"
#include "fhir/resource.h"
#include "gtest/gtest.h"

namespace vigil::fhir {
namespace {

// "code expression" for each issue, for compact assertions.
std::vector<std::string> Issues(std::string_view text) {
  absl::StatusOr<Json> json = ParseJson(text);
  EXPECT_TRUE(json.ok()) << text;
  if (!json.ok()) return {"unparsable"};
  std::vector<std::string> out;
  for (const ValidationIssue& issue : ValidateResource(*json)) {
    EXPECT_EQ(issue.severity, "error");
    EXPECT_FALSE(issue.message.empty());
    out.push_back(issue.code + " " + issue.expression);
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(ValidateTest, MinimalResourceIsValid) {
  EXPECT_EQ(Issues(R"({"resourceType":"Patient"})"), Strings{});
}

TEST(ValidateTest, ResourceTypeMissingOrUnknown) {
  EXPECT_EQ(Issues(R"({"id":"1"})"), Strings{"structure resourceType"});
  EXPECT_EQ(Issues(R"({"resourceType":"Resource"})"), Strings{"structure resourceType"});
  EXPECT_EQ(
      Issues(R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"id":"x"}}]})"),
      Strings{"structure Bundle.entry[0].resource.resourceType"});
}

TEST(ValidateTest, UnknownMembers) {
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","name":[{"fmaily":"X"}]})"),
            Strings{"structure Patient.name[0].fmaily"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","_gender":{"id":"a"},"_name":{"id":"b"}})"),
            Strings{"structure Patient._name"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","name":[{"family":"X"}],"fhir_comments":["c"]})"),
            Strings{});
}

TEST(ValidateTest, PrimitivesNeedTheirJsonKind) {
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","active":true,"multipleBirthInteger":2})"),
            Strings{});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","active":"true"})"),
            Strings{"structure Patient.active"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","multipleBirthInteger":"2"})"),
            Strings{"structure Patient.multipleBirthInteger"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","birthDate":19700101})"),
            Strings{"structure Patient.birthDate"});
  EXPECT_EQ(
      Issues(
          R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":"1.5"}})"),
      Strings{"structure Observation.valueQuantity.value"});
}

TEST(ValidateTest, IntegersAreWholeAndInRange) {
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","multipleBirthInteger":1.5})"),
            Strings{"value Patient.multipleBirthInteger"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","multipleBirthInteger":3000000000})"),
            Strings{"value Patient.multipleBirthInteger"});
  // Attachment.size is an unsignedInt, doseNumberPositiveInt a positiveInt.
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","photo":[{"size":0}]})"), Strings{});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","photo":[{"size":-1}]})"),
            Strings{"value Patient.photo[0].size"});
  EXPECT_EQ(
      Issues(R"({"resourceType":"Immunization","status":"completed","vaccineCode":{"text":"x"},
      "patient":{"reference":"Patient/1"},"occurrenceString":"x",
      "protocolApplied":[{"doseNumberPositiveInt":0}]})"),
      Strings{"value Immunization.protocolApplied[0].doseNumberPositiveInt"});
}

TEST(ValidateTest, DatesAndTimes) {
  for (const char* ok : {"1970", "1970-01", "1970-12-31"}) {
    EXPECT_EQ(Issues(std::string(R"({"resourceType":"Patient","birthDate":")") + ok + "\"}"),
              Strings{})
        << ok;
  }
  for (const char* bad :
       {"1970-13", "1970-1-01", "70-01-01", "0000", "1970-01-01T10:00:00Z", " 1970"}) {
    EXPECT_EQ(Issues(std::string(R"({"resourceType":"Patient","birthDate":")") + bad + "\"}"),
              Strings{"value Patient.birthDate"})
        << bad;
  }
  EXPECT_EQ(
      Issues(R"({"resourceType":"Patient","deceasedDateTime":"2015-02-07T13:28:17.239+02:00"})"),
      Strings{});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","deceasedDateTime":"2015-02-07T13:28:17"})"),
            Strings{"value Patient.deceasedDateTime"});  // a time needs a zone
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","meta":{"lastUpdated":"2015-02-07T13:28:17Z"}})"),
            Strings{});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","meta":{"lastUpdated":"2015-02-07"}})"),
            Strings{"value Patient.meta.lastUpdated"});
  EXPECT_TRUE(CheckPrimitive("time", Json::String("23:59:60.5")).message.empty());
  EXPECT_FALSE(CheckPrimitive("time", Json::String("24:00:00")).message.empty());
  EXPECT_FALSE(
      CheckPrimitive("dateTime", Json::String("2015-02-07T13:28:17+15:00")).message.empty());
}

TEST(ValidateTest, StringLikeTypes) {
  EXPECT_TRUE(CheckPrimitive("oid", Json::String("urn:oid:1.2.840.10008")).message.empty());
  EXPECT_FALSE(CheckPrimitive("oid", Json::String("urn:oid:1.02")).message.empty());
  EXPECT_TRUE(CheckPrimitive("uuid", Json::String("urn:uuid:a76d9bbf-f293-4fb7-ad4c-2851cac77162"))
                  .message.empty());
  EXPECT_FALSE(CheckPrimitive("uuid", Json::String("urn:uuid:A76D9BBF-F293-4FB7-AD4C-2851CAC77162"))
                   .message.empty());
  EXPECT_TRUE(CheckPrimitive("base64Binary", Json::String("aGk/+w==")).message.empty());
  EXPECT_FALSE(CheckPrimitive("base64Binary", Json::String("a=b")).message.empty());
  EXPECT_TRUE(CheckPrimitive("positiveInt", Json::Number("1")).message.empty());
  EXPECT_FALSE(CheckPrimitive("positiveInt", Json::Number("0")).message.empty());
  EXPECT_TRUE(CheckPrimitive("id", Json::String("a-B.9")).message.empty());
  EXPECT_FALSE(CheckPrimitive("id", Json::String(std::string(65, 'a'))).message.empty());
  EXPECT_FALSE(CheckPrimitive("id", Json::String("a_b")).message.empty());

  EXPECT_EQ(Issues(R"({"resourceType":"Patient","id":"a_b"})"), Strings{"value Patient.id"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","implicitRules":"http://a b"})"),
            Strings{"value Patient.implicitRules"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","language":" en"})"),
            Strings{"value Patient.language"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","name":[{"family":""}]})"),
            Strings{"value Patient.name[0].family"});
}

TEST(ValidateTest, EmptyValuesAreErrors) {
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","name":[]})"), Strings{"structure Patient.name"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","name":[{}]})"),
            Strings{"structure Patient.name[0]"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","maritalStatus":{}})"),
            Strings{"structure Patient.maritalStatus"});
}

TEST(ValidateTest, ArraysExactlyWhereTheElementRepeats) {
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","gender":["male"]})"),
            Strings{"structure Patient.gender"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","name":{"family":"X"}})"),
            Strings{"structure Patient.name"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","name":[{"given":"X"}]})"),
            Strings{"structure Patient.name[0].given"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","name":["X"]})"),
            Strings{"structure Patient.name[0]"});
}

TEST(ValidateTest, PrimitiveExtensions) {
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","name":[{"given":["A",null],
      "_given":[null,{"extension":[{"url":"http://x","valueString":"b"}]}]}]})"),
            Strings{});
  EXPECT_EQ(
      Issues(
          R"({"resourceType":"Patient","_birthDate":{"extension":[{"url":"http://x","valueString":"b"}]}})"),
      Strings{});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","name":[{"given":["A",null]}]})"),
            Strings{"structure Patient.name[0].given[1]"});
  EXPECT_EQ(
      Issues(R"({"resourceType":"Patient","name":[{"given":["A"],"_given":[null,{"id":"x"}]}]})"),
      Strings{"structure Patient.name[0]._given"});
  EXPECT_EQ(
      Issues(R"({"resourceType":"Patient","_birthDate":{"extension":[{"valueString":"b"}]}})"),
      Strings{"required Patient._birthDate.extension[0].url"});
}

TEST(ValidateTest, RequiredElements) {
  EXPECT_EQ(Issues(R"({"resourceType":"Observation","status":"final","code":{"text":"x"}})"),
            Strings{});
  EXPECT_EQ(Issues(R"({"resourceType":"Observation","code":{"text":"x"}})"),
            Strings{"required Observation.status"});
  // A primitive with only an extension is present.
  EXPECT_EQ(Issues(R"({"resourceType":"Observation","_status":{"id":"s"},"code":{"text":"x"}})"),
            Strings{});
  // Nested: Patient.contact.relationship is optional, Patient.link.other is required.
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","link":[{"type":"seealso"}]})"),
            Strings{"required Patient.link[0].other"});
  // A required choice element is named with [x].
  EXPECT_EQ(
      Issues(
          R"({"resourceType":"Flag","status":"active","code":{"text":"x"},"subject":{"reference":"Patient/1"}})"),
      Strings{});
  EXPECT_EQ(
      Issues(R"({"resourceType":"Immunization","status":"completed","vaccineCode":{"text":"x"},
      "patient":{"reference":"Patient/1"}})"),
      Strings{"required Immunization.occurrence[x]"});
}

TEST(ValidateTest, ChoiceTypes) {
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","deceasedBoolean":false})"), Strings{});
  EXPECT_EQ(
      Issues(R"({"resourceType":"Patient","deceasedBoolean":false,"deceasedDateTime":"2020"})"),
      Strings{"structure Patient.deceasedDateTime"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","deceasedString":"yes"})"),
            Strings{"structure Patient.deceasedString"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","deceased":true})"),
            Strings{"structure Patient.deceased"});
}

TEST(ValidateTest, RequiredBindingsOnCodes) {
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","gender":"female"})"), Strings{});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","gender":"F"})"), Strings{"value Patient.gender"});
  EXPECT_EQ(Issues(R"({"resourceType":"Observation","status":"done","code":{"text":"x"}})"),
            Strings{"value Observation.status"});
  EXPECT_EQ(Issues(R"({"resourceType":"Patient","telecom":[{"system":"pager","use":"car"}]})"),
            Strings{"value Patient.telecom[0].use"});
  // Not enforced: preferred bindings (language) and open value sets (MIME types).
  EXPECT_EQ(
      Issues(R"({"resourceType":"Patient","language":"xx-YY","photo":[{"contentType":"x/y"}]})"),
      Strings{});
}

TEST(ValidateTest, ReferenceTargets) {
  EXPECT_EQ(Issues(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
      "subject":{"reference":"Patient/1"},"performer":[{"reference":"http://x/fhir/Practitioner/2/_history/3"}],
      "hasMember":[{"reference":"#c"}],"focus":[{"reference":"Account/1"}],
      "derivedFrom":[{"reference":"urn:uuid:a76d9bbf-f293-4fb7-ad4c-2851cac77162"}]})"),
            Strings{});
  EXPECT_EQ(Issues(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
      "subject":{"reference":"Patient/1"},"performer":[{"reference":"Observation/2"}]})"),
            Strings{"value Observation.performer[0].reference"});
  EXPECT_EQ(Issues(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
      "subject":{"reference":"Medication?code=1"}})"),
            Strings{"value Observation.subject.reference"});
}

TEST(ValidateTest, ContainedAndBundleResourcesAreWalked) {
  EXPECT_EQ(
      Issues(R"({"resourceType":"Patient","contained":[{"resourceType":"Organization","foo":1}]})"),
      Strings{"structure Patient.contained[0].foo"});
  EXPECT_EQ(Issues(R"({"resourceType":"Bundle","type":"transaction","entry":[
      {"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},
      {"resource":{"resourceType":"Observation","code":{"text":"x"}},"request":{"method":"POST"}}]})"),
            (Strings{"required Bundle.entry[1].resource.status",
                     "required Bundle.entry[1].request.url"}));
  EXPECT_EQ(
      Issues(
          R"({"resourceType":"Patient","contained":[{"resourceType":"Organization","name":"x"}]})"),
      Strings{});
}

TEST(ValidateTest, IssuesAreCapped) {
  std::string text = R"({"resourceType":"Patient","name":[)";
  for (int i = 0; i < 500; ++i) text += std::string(i ? "," : "") + R"({"x":1})";
  text += "]}";
  absl::StatusOr<Json> json = ParseJson(text);
  ASSERT_TRUE(json.ok());
  ValidateOptions options;
  options.max_issues = 7;
  EXPECT_EQ(ValidateResource(*json, options).size(), 7u);
  EXPECT_TRUE(HasErrors(ValidateResource(*json, options)));
}

TEST(ValidateTest, NotAnObject) {
  std::vector<ValidationIssue> issues = ValidateResource(Json::Array());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "structure");
}

}  // namespace
}  // namespace vigil::fhir
