// One device reading, parsed from an MQTT message payload (docs/device-streams.md):
//
//   {"device": "monitor-7", "patient": "urn:oid:1.2.36.146.595.217.0.1|12345",
//    "name": "heart_rate", "value": 72, "unit": "/min",
//    "time": "2026-05-01T08:15:00+02:00"}
//
// `device` may instead come from the topic (the segment a '+' of the
// subscription filter matched, see TopicDevice); when both are given they must
// agree. `patient` is "system|value" or {"system": ..., "value": ...}. The
// measurement is `code` (a LOINC code) or `name` (a vital-sign name of the
// shared signal table, ai/signals.h); codes and units come from that table.
// `value` is a JSON number; `unit` a UCUM code (a few spellings such as "bpm"
// or "mmHg" are accepted too). For a signal of the table the unit must be its
// unit or convertible to it, and the value is converted ([degF] -> Cel); for
// any other LOINC code the unit is kept as sent. `time` is an ISO 8601
// date-time with seconds and a UTC offset. Other members are ignored.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace vigil::mqtt {

struct PatientIdentifier {
  std::string system;
  std::string value;
};

struct DeviceReading {
  std::string device;         // device id: 1-64 of A-Z a-z 0-9 . _ - :
  PatientIdentifier patient;
  std::string loinc;          // "8867-4"
  std::string display;        // the signal table's LOINC display; "" for other codes
  bool laboratory = false;    // a laboratory signal of the table (category laboratory)
  std::string value;          // decimal text, in `unit`
  std::string unit;           // UCUM code (ucum) or the unit as sent; "" when none
  bool ucum = false;          // unit is a UCUM code
  std::string time;           // as sent: a FHIR dateTime with offset
  int64_t time_ms = 0;        // the same instant, ms since the epoch
};

// Parses payload (topic_device: the device id from the topic, "" if none).
// Errors: InvalidArgument with a message naming the member and what is wrong.
absl::StatusOr<DeviceReading> ParseReading(std::string_view payload, std::string_view topic_device);

// What makes a reading unique, and so a redelivered message idempotent:
// "<device>/<loinc>/<time as a UTC instant with milliseconds>".
std::string ReadingKey(const DeviceReading& reading);

// The device id matched by the first '+' of filter when topic matches filter
// ("devices/+/vitals", "devices/monitor-7/vitals" -> "monitor-7"); "" when the
// topic does not match or the filter has no '+'.
std::string TopicDevice(std::string_view filter, std::string_view topic);

// Whether topic matches the subscription filter ('+' one level, '#' the rest).
bool TopicMatches(std::string_view filter, std::string_view topic);

}  // namespace vigil::mqtt
