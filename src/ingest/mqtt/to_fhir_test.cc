#include "ingest/mqtt/to_fhir.h"

#include <gtest/gtest.h>

#include "fhir/json.h"

namespace vigil::mqtt {
namespace {

DeviceReading HeartRate() {
  absl::StatusOr<DeviceReading> r = ParseReading(
      R"({"device":"monitor-7","patient":"urn:mrn|12345","name":"heart_rate","value":72,)"
      R"("unit":"/min","time":"2026-05-01T10:15:00+02:00"})",
      "");
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

TEST(ReadingBundle, ConditionalDeviceThenConditionalObservation) {
  fhir::Json bundle = ReadingBundle(HeartRate(), "enc-1");
  std::string text = fhir::WriteJson(bundle);
  const fhir::Json& entries = *bundle.Find("entry");
  ASSERT_EQ(entries.items().size(), 2u);
  const fhir::Json& device = entries.items()[0];
  const fhir::Json& obs = entries.items()[1];
  EXPECT_EQ(fhir::WriteJson(*device.Find("resource")),
            R"({"resourceType":"Device","identifier":[{"system":"urn:vigil:device","value":"monitor-7"}]})");
  EXPECT_EQ(fhir::WriteJson(*device.Find("request")),
            R"({"method":"POST","url":"Device","ifNoneExist":"identifier=urn:vigil:device|monitor-7"})");
  EXPECT_EQ(fhir::WriteJson(*obs.Find("request")),
            R"({"method":"POST","url":"Observation","ifNoneExist":)"
            R"("identifier=urn:vigil:device-reading|monitor-7/8867-4/2026-05-01T08:15:00.000Z"})");
  std::string device_url = device.Find("fullUrl")->text();
  EXPECT_TRUE(device_url.starts_with("urn:uuid:")) << device_url;
  EXPECT_NE(device_url, obs.Find("fullUrl")->text());
  EXPECT_EQ(fhir::WriteJson(*obs.Find("resource")),
            R"({"resourceType":"Observation",)"
            R"("identifier":[{"system":"urn:vigil:device-reading","value":"monitor-7/8867-4/2026-05-01T08:15:00.000Z"}],)"
            R"("status":"final",)"
            R"("category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs","display":"Vital Signs"}]}],)"
            R"("code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}],"text":"Heart rate"},)"
            R"("subject":{"reference":"Patient?identifier=urn:mrn|12345"},)"
            R"("encounter":{"reference":"Encounter/enc-1"},)"
            R"("effectiveDateTime":"2026-05-01T10:15:00+02:00",)"
            R"("valueQuantity":{"value":72,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"},)"
            R"("device":{"reference":")" + device_url + R"("}})");
  EXPECT_EQ(bundle.Find("type")->text(), "transaction");
}

TEST(ReadingBundle, NoEncounterWhenNoneIsGiven) {
  fhir::Json bundle = ReadingBundle(HeartRate(), "");
  EXPECT_EQ(bundle.Find("entry")->items()[1].Find("resource")->Find("encounter"), nullptr);
}

TEST(ReadingBundle, TheSameReadingGivesTheSameBundle) {
  EXPECT_EQ(fhir::WriteJson(ReadingBundle(HeartRate(), "e")), fhir::WriteJson(ReadingBundle(HeartRate(), "e")));
}

TEST(IdentifierQuery, EscapesSearchSyntaxAndEncodesTheRest) {
  EXPECT_EQ(IdentifierQuery("urn:mrn", "a|b,c"), "identifier=urn:mrn|a%5C|b%5C%2Cc");
  EXPECT_EQ(IdentifierQuery("http://x.org/id", "12 34+5&x=y"),
            "identifier=http://x.org/id|12%2034%2B5%26x%3Dy");
  EXPECT_EQ(TokenValue("s", "a|b"), "s|a\\|b");
}

}  // namespace
}  // namespace vigil::mqtt
