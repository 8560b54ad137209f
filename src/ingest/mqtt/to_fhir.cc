#include "ingest/mqtt/to_fhir.h"

#include <fmt/format.h>

#include <cstdint>

#include "base/str.h"

namespace vigil::mqtt {
namespace {

using fhir::Json;

constexpr std::string_view kLoinc = "http://loinc.org";
constexpr std::string_view kUcum = "http://unitsofmeasure.org";
constexpr std::string_view kCategories = "http://terminology.hl7.org/CodeSystem/observation-category";

Json Str(std::string_view s) { return Json::String(std::string(s)); }

Json Identifier(std::string_view system, std::string_view value) {
  Json id = Json::Object();
  id.Set("system", Str(system));
  id.Set("value", Str(value));
  Json list = Json::Array();
  list.Push(std::move(id));
  return list;
}

Json Reference(std::string ref) {
  Json r = Json::Object();
  r.Set("reference", Json::String(std::move(ref)));
  return r;
}

uint64_t Fnv1a(std::string_view s, uint64_t seed) {
  uint64_t h = 14695981039346656037ULL ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// A fullUrl that is unique within the Bundle (derived from what the entry is).
std::string EntryUrl(std::string_view what) {
  uint64_t hi = Fnv1a(what, 1);
  uint64_t lo = Fnv1a(what, 2);
  return fmt::format("urn:uuid:{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFF, 0x8000 | ((lo >> 48) & 0x3FFF), lo & 0xFFFFFFFFFFFFULL);
}

Json Entry(std::string full_url, Json resource, std::string type, std::string if_none_exist) {
  Json request = Json::Object();
  request.Set("method", Json::String("POST"));
  request.Set("url", Json::String(std::move(type)));
  request.Set("ifNoneExist", Json::String(std::move(if_none_exist)));
  Json entry = Json::Object();
  entry.Set("fullUrl", Json::String(std::move(full_url)));
  entry.Set("resource", std::move(resource));
  entry.Set("request", std::move(request));
  return entry;
}

Json Category(bool laboratory) {
  Json coding = Json::Object();
  coding.Set("system", Str(kCategories));
  coding.Set("code", Json::String(laboratory ? "laboratory" : "vital-signs"));
  coding.Set("display", Json::String(laboratory ? "Laboratory" : "Vital Signs"));
  Json codings = Json::Array();
  codings.Push(std::move(coding));
  Json concept_json = Json::Object();
  concept_json.Set("coding", std::move(codings));
  Json list = Json::Array();
  list.Push(std::move(concept_json));
  return list;
}

Json Code(const DeviceReading& r) {
  Json coding = Json::Object();
  coding.Set("system", Str(kLoinc));
  coding.Set("code", Str(r.loinc));
  if (!r.display.empty()) coding.Set("display", Str(r.display));
  Json codings = Json::Array();
  codings.Push(std::move(coding));
  Json code = Json::Object();
  code.Set("coding", std::move(codings));
  if (!r.display.empty()) code.Set("text", Str(r.display));
  return code;
}

Json Quantity(const DeviceReading& r) {
  Json q = Json::Object();
  q.Set("value", Json::Number(r.value));
  if (!r.unit.empty()) q.Set("unit", Str(r.unit));
  if (r.ucum) {
    q.Set("system", Str(kUcum));
    q.Set("code", Str(r.unit));
  }
  return q;
}

Json Observation(const DeviceReading& r, std::string_view encounter_id, std::string device_url) {
  Json obs = Json::Object();
  obs.Set("resourceType", Json::String("Observation"));
  obs.Set("identifier", Identifier(kReadingSystem, ReadingKey(r)));
  obs.Set("status", Json::String("final"));
  obs.Set("category", Category(r.laboratory));
  obs.Set("code", Code(r));
  obs.Set("subject", Reference(StrCat("Patient?", IdentifierQuery(r.patient.system, r.patient.value))));
  if (!encounter_id.empty()) obs.Set("encounter", Reference(StrCat("Encounter/", encounter_id)));
  obs.Set("effectiveDateTime", Str(r.time));
  obs.Set("valueQuantity", Quantity(r));
  obs.Set("device", Reference(std::move(device_url)));
  return obs;
}

std::string EscapeToken(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ',' || c == '|' || c == '$' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string QueryEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '/' || c == '|';
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

std::string TokenValue(std::string_view system, std::string_view value) {
  return StrCat(EscapeToken(system), "|", EscapeToken(value));
}

std::string IdentifierQuery(std::string_view system, std::string_view value) {
  // '|' stays literal: the separator; a '|' inside a part is escaped as "\|"
  // and '\' is percent-encoded.
  return StrCat("identifier=", QueryEncode(TokenValue(system, value)));
}

fhir::Json ReadingBundle(const DeviceReading& reading, std::string_view encounter_id) {
  std::string device_url = EntryUrl(StrCat("Device|", reading.device));
  Json device = Json::Object();
  device.Set("resourceType", Json::String("Device"));
  device.Set("identifier", Identifier(kDeviceSystem, reading.device));
  Json entries = Json::Array();
  entries.Push(Entry(device_url, std::move(device), "Device",
                     IdentifierQuery(kDeviceSystem, reading.device)));
  std::string key = ReadingKey(reading);
  entries.Push(Entry(EntryUrl(StrCat("Observation|", key)),
                     Observation(reading, encounter_id, device_url), "Observation",
                     IdentifierQuery(kReadingSystem, key)));
  Json bundle = Json::Object();
  bundle.Set("resourceType", Json::String("Bundle"));
  bundle.Set("type", Json::String("transaction"));
  bundle.Set("entry", std::move(entries));
  return bundle;
}

}  // namespace vigil::mqtt
