#include "ingest/mqtt/reading.h"

#include <gtest/gtest.h>

#include <string>

#include "base/str.h"

namespace vigil::mqtt {
namespace {

// A valid message with member `name` replaced by `json` (or removed when empty).
std::string With(std::string_view name, std::string_view json) {
  std::string out = "{";
  auto add = [&](std::string_view key, std::string_view value) {
    if (key == name) value = json;
    if (value.empty()) return;
    if (out.size() > 1) out += ",";
    out += StrCat("\"", key, "\":", value);
  };
  add("device", R"("monitor-7")");
  add("patient", R"("urn:mrn|12345")");
  add("name", R"("heart_rate")");
  add("value", "72");
  add("unit", R"("/min")");
  add("time", R"("2026-05-01T10:15:00+02:00")");
  if (name == "code") add("code", json);
  return out + "}";
}

std::string ErrorOf(std::string_view payload, std::string_view topic_device = "") {
  absl::StatusOr<DeviceReading> r = ParseReading(payload, topic_device);
  if (r.ok()) return "ok";
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(Message(r.status()));
}

TEST(ParseReading, ReadsEveryMember) {
  absl::StatusOr<DeviceReading> r = ParseReading(With("", ""), "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->device, "monitor-7");
  EXPECT_EQ(r->patient.system, "urn:mrn");
  EXPECT_EQ(r->patient.value, "12345");
  EXPECT_EQ(r->loinc, "8867-4");
  EXPECT_EQ(r->display, "Heart rate");
  EXPECT_FALSE(r->laboratory);
  EXPECT_EQ(r->value, "72");
  EXPECT_EQ(r->unit, "/min");
  EXPECT_TRUE(r->ucum);
  EXPECT_EQ(r->time, "2026-05-01T10:15:00+02:00");
  EXPECT_EQ(r->time_ms, 1777623300000);  // 2026-05-01T08:15:00Z
  EXPECT_EQ(ReadingKey(*r), "monitor-7/8867-4/2026-05-01T08:15:00.000Z");
}

TEST(ParseReading, EveryVitalNameMapsToItsTableCode) {
  const std::pair<std::string_view, std::string_view> kNames[] = {
      {"heart_rate", "8867-4"},  {"respiratory_rate", "9279-1"}, {"spo2", "59408-5"},
      {"temperature", "8310-5"}, {"systolic_bp", "8480-6"},      {"diastolic_bp", "8462-4"},
      {"map", "8478-0"},         {"gcs", "9269-2"},              {"o2_flow", "3151-8"},
      {"fio2", "3150-0"},        {"etco2", "19891-1"}};
  for (const auto& [name, loinc] : kNames) {
    // No unit: each signal's own unit is assumed.
    absl::StatusOr<DeviceReading> r = ParseReading(
        StrCat(R"({"device":"d1","patient":"s|v","name":")", name,
               R"(","value":40,"time":"2026-05-01T08:15:00Z"})"),
        "");
    ASSERT_TRUE(r.ok()) << name << ": " << r.status();
    EXPECT_EQ(r->loinc, loinc) << name;
    EXPECT_FALSE(r->unit.empty()) << name;
  }
}

TEST(ParseReading, LabNameIsNotAVitalSignName) {
  EXPECT_EQ(ErrorOf(With("name", R"("lactate")")),
            "'name' 'lactate' is not a vital-sign name; use one of heart_rate, respiratory_rate, "
            "spo2, temperature, systolic_bp, diastolic_bp, map, gcs, o2_flow, fio2, etco2, or a "
            "LOINC 'code'");
}

TEST(ParseReading, UnknownNameIsAnError) {
  EXPECT_TRUE(ErrorOf(With("name", R"("pulse")")).starts_with("'name' 'pulse' is not a vital-sign name"));
}

TEST(ParseReading, CodeAloneNamesTheMeasurement) {
  absl::StatusOr<DeviceReading> r = ParseReading(
      R"({"device":"d1","patient":"s|v","code":"2524-7","value":2.5,"unit":"mmol/L","time":"2026-05-01T08:15:00Z"})",
      "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->loinc, "2524-7");
  EXPECT_TRUE(r->laboratory);  // lactate: a laboratory signal of the table
  EXPECT_EQ(r->value, "2.5");
}

TEST(ParseReading, CodeOutsideTheTableKeepsItsUnit) {
  absl::StatusOr<DeviceReading> r = ParseReading(
      R"({"device":"d1","patient":"s|v","code":"29463-7","value":81.5,"unit":"kg","time":"2026-05-01T08:15:00Z"})",
      "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->loinc, "29463-7");
  EXPECT_EQ(r->display, "");
  EXPECT_EQ(r->unit, "kg");
  EXPECT_TRUE(r->ucum);
  absl::StatusOr<DeviceReading> text = ParseReading(
      R"({"device":"d1","patient":"s|v","code":"29463-7","value":81.5,"unit":"kilos","time":"2026-05-01T08:15:00Z"})",
      "");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->unit, "kilos");
  EXPECT_FALSE(text->ucum);
}

TEST(ParseReading, CodeAndNameMustAgree) {
  EXPECT_EQ(ErrorOf(With("code", R"("8867-4")")), "ok");
  EXPECT_EQ(ErrorOf(With("code", R"("59408-5")")),
            "'code' 59408-5 and 'name' heart_rate name different measurements");
}

TEST(ParseReading, MalformedLoincCodeIsAnError) {
  std::string payload =
      R"({"device":"d1","patient":"s|v","code":"HR","value":1,"time":"2026-05-01T08:15:00Z"})";
  EXPECT_EQ(ErrorOf(payload), "'code' 'HR' is not a LOINC code (digits, '-', check digit)");
}

TEST(ParseReading, MissingMeasurementIsAnError) {
  EXPECT_EQ(ErrorOf(With("name", "")), "give the measurement as 'code' (LOINC) or 'name'");
}

TEST(ParseReading, DeviceMayComeFromTheTopic) {
  absl::StatusOr<DeviceReading> r = ParseReading(With("device", ""), "bed-12");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->device, "bed-12");
  EXPECT_EQ(ErrorOf(With("", ""), "monitor-7"), "ok");
  EXPECT_EQ(ErrorOf(With("", ""), "bed-12"),
            "'device' 'monitor-7' differs from the device 'bed-12' of the topic");
}

TEST(ParseReading, MissingOrBadDeviceIsAnError) {
  EXPECT_TRUE(ErrorOf(With("device", "")).starts_with("no device id: give 'device'"));
  EXPECT_EQ(ErrorOf(With("device", R"("bed 1/a")")),
            "device id 'bed 1/a' must be 1-64 characters of A-Z a-z 0-9 . _ - :");
  EXPECT_EQ(ErrorOf(With("device", "7")), "'device' must be a string");
}

TEST(ParseReading, PatientAsObject) {
  absl::StatusOr<DeviceReading> r =
      ParseReading(With("patient", R"({"system":"urn:mrn","value":"a|b"})"), "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->patient.system, "urn:mrn");
  EXPECT_EQ(r->patient.value, "a|b");
}

TEST(ParseReading, MissingOrIncompletePatientIsAnError) {
  EXPECT_EQ(ErrorOf(With("patient", "")), "'patient' is missing");
  const std::string kShape =
      "'patient' must be an identifier \"system|value\" or {\"system\": ..., \"value\": ...} with "
      "both parts";
  EXPECT_EQ(ErrorOf(With("patient", R"("12345")")), kShape);
  EXPECT_EQ(ErrorOf(With("patient", R"("|12345")")), kShape);
  EXPECT_EQ(ErrorOf(With("patient", R"({"value":"12345"})")), kShape);
  EXPECT_EQ(ErrorOf(With("patient", "42")), kShape);
}

TEST(ParseReading, ValueMustBeANumber) {
  EXPECT_EQ(ErrorOf(With("value", "")), "'value' is missing");
  EXPECT_EQ(ErrorOf(With("value", R"("72")")), "'value' must be a JSON number");
  absl::StatusOr<DeviceReading> r = ParseReading(With("value", "72.50"), "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->value, "72.50");  // the decimal as sent
}

TEST(ParseReading, UnitSpellingsBecomeUcum) {
  absl::StatusOr<DeviceReading> r = ParseReading(With("unit", R"("bpm")"), "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->unit, "/min");
  EXPECT_EQ(r->value, "72");
}

TEST(ParseReading, MissingUnitIsTheSignalsUnit) {
  absl::StatusOr<DeviceReading> r = ParseReading(With("unit", ""), "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->unit, "/min");
}

TEST(ParseReading, ConvertibleUnitIsConvertedToTheSignalsUnit) {
  auto temperature = [](std::string_view value, std::string_view unit) {
    return ParseReading(StrCat(R"({"device":"d1","patient":"s|v","name":"temperature","value":)",
                               value, R"(,"unit":")", unit, R"(","time":"2026-05-01T08:15:00Z"})"),
                        "");
  };
  absl::StatusOr<DeviceReading> f = temperature("98.6", "[degF]");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->value, "37");
  EXPECT_EQ(f->unit, "Cel");
  absl::StatusOr<DeviceReading> hundred = temperature("100", "degF");
  ASSERT_TRUE(hundred.ok()) << hundred.status();
  EXPECT_EQ(hundred->value, "37.78");
  absl::StatusOr<DeviceReading> spo2 = ParseReading(
      R"({"device":"d1","patient":"s|v","name":"spo2","value":0.97,"unit":"1","time":"2026-05-01T08:15:00Z"})",
      "");
  ASSERT_TRUE(spo2.ok()) << spo2.status();
  EXPECT_EQ(spo2->value, "97");
  EXPECT_EQ(spo2->unit, "%");
  absl::StatusOr<DeviceReading> kpa = ParseReading(
      R"({"device":"d1","patient":"s|v","name":"systolic_bp","value":12,"unit":"kPa","time":"2026-05-01T08:15:00Z"})",
      "");
  ASSERT_TRUE(kpa.ok()) << kpa.status();
  EXPECT_EQ(kpa->value, "90.01");
  EXPECT_EQ(kpa->unit, "mm[Hg]");
}

TEST(ParseReading, UnitOfAnotherDimensionIsAnError) {
  EXPECT_EQ(ErrorOf(With("unit", R"("kg")")), "'unit' 'kg' cannot be converted to heart_rate's unit /min");
  EXPECT_EQ(ErrorOf(With("unit", R"("furlongs")")),
            "'unit' 'furlongs' cannot be converted to heart_rate's unit /min");
}

TEST(ParseReading, TimeNeedsSecondsAndAnOffset) {
  const std::string kMessage =
      "'time' must be an ISO 8601 date-time with seconds and a UTC offset, e.g. "
      "2026-05-01T08:15:00Z or 2026-05-01T10:15:00+02:00";
  EXPECT_EQ(ErrorOf(With("time", "")), "'time' is missing");
  EXPECT_EQ(ErrorOf(With("time", R"("2026-05-01T08:15:00")")), kMessage);
  EXPECT_EQ(ErrorOf(With("time", R"("2026-05-01T08:15Z")")), kMessage);
  EXPECT_EQ(ErrorOf(With("time", R"("2026-05-01")")), kMessage);
  EXPECT_EQ(ErrorOf(With("time", R"("2026-13-01T08:15:00Z")")), kMessage);
  EXPECT_EQ(ErrorOf(With("time", "1777623300")), kMessage);
  EXPECT_EQ(ErrorOf(With("time", R"("2026-05-01T08:15:00.250Z")")), "ok");
}

TEST(ParseReading, SameInstantInAnotherZoneHasTheSameKey) {
  absl::StatusOr<DeviceReading> a = ParseReading(With("time", R"("2026-05-01T08:15:00Z")"), "");
  absl::StatusOr<DeviceReading> b = ParseReading(With("time", R"("2026-05-01T10:15:00+02:00")"), "");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(ReadingKey(*a), ReadingKey(*b));
}

TEST(ParseReading, BadJsonIsAnError) {
  EXPECT_TRUE(ErrorOf("{\"device\":").starts_with("the payload is not JSON: "));
  EXPECT_TRUE(ErrorOf("").starts_with("the payload is not JSON: "));
  EXPECT_EQ(ErrorOf("[1,2]"), "the payload must be a JSON object");
}

TEST(ParseReading, UnknownMembersAreIgnored) {
  std::string payload = With("", "");
  payload.insert(1, R"("firmware":"1.2",)");
  EXPECT_EQ(ErrorOf(payload), "ok");
}

TEST(TopicDevice, ThePlusSegmentIsTheDevice) {
  EXPECT_EQ(TopicDevice("devices/+/vitals", "devices/monitor-7/vitals"), "monitor-7");
  EXPECT_EQ(TopicDevice("ward/+/+/vitals", "ward/3/bed-2/vitals"), "3");
  EXPECT_EQ(TopicDevice("devices/monitor-7/vitals", "devices/monitor-7/vitals"), "");
  EXPECT_EQ(TopicDevice("devices/+/vitals", "devices/monitor-7/alarms"), "");
  EXPECT_EQ(TopicDevice("devices/+/#", "devices/m1/vitals/hr"), "m1");
}

TEST(TopicMatches, FollowsMqttWildcards) {
  EXPECT_TRUE(TopicMatches("devices/+/vitals", "devices/a/vitals"));
  EXPECT_FALSE(TopicMatches("devices/+/vitals", "devices/a/b/vitals"));
  EXPECT_FALSE(TopicMatches("devices/+/vitals", "devices/a"));
  EXPECT_TRUE(TopicMatches("devices/#", "devices"));
  EXPECT_TRUE(TopicMatches("devices/#", "devices/a/b"));
  EXPECT_TRUE(TopicMatches("#", "x/y"));
  EXPECT_FALSE(TopicMatches("a/b", "a/c"));
}

}  // namespace
}  // namespace vigil::mqtt
