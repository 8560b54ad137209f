// Mapping tests: every expectation is written from the message text above it.
#include "ingest/hl7v2/to_fhir.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "fhir/validate.h"
#include "ingest/hl7v2/parser.h"

namespace vigil::hl7v2 {
namespace {

using fhir::Json;
using fhir::WriteJson;

// A segment with the given fields set ("PV1", {{2, "I"}, {19, "V1"}}).
std::string Seg(std::string name, std::map<int, std::string> fields) {
  int last = fields.empty() ? 0 : fields.rbegin()->first;
  for (int i = 1; i <= last; ++i) name += "|" + (fields.count(i) ? fields[i] : "");
  return name + "\r";
}

std::string Msh(std::string type, std::string control_id = "MSG001") {
  return "MSH|^~\\&|EPIC|GOODHEALTH|VIGIL|HOSP|20240305143000+0100||" + type + "|" + control_id +
         "|P|2.5.1\r";
}

const std::string kPid = Seg("PID", {{1, "1"},
                                     {3, "12345^^^GH&1.2.840.99&ISO^MR~999-99-9999^^^SSA^SS"},
                                     {5, "Doe^Jane^Q^^Dr^^L"},
                                     {7, "19800229"},
                                     {8, "F"},
                                     {11, "1 Main St^Apt 2^Springfield^IL^62701^USA^H"},
                                     {13, "^PRN^PH^^1^217^5551234~^NET^Internet^jane@example.org"},
                                     {14, "(217)555-9999^WPN^PH"},
                                     {16, "M"}});

std::string Pv1(std::map<int, std::string> extra = {}) {
  std::map<int, std::string> f = {{1, "1"},
                                  {2, "I"},
                                  {3, "4E^401^B^GH"},
                                  {6, "3W^301^A^GH"},
                                  {7, "1234^Smith^John^^^Dr"},
                                  {19, "V100^^^GH&1.2.840.99&ISO^VN"},
                                  {44, "20240305140000+0100"}};
  for (auto& [k, v] : extra) f[k] = v;
  return Seg("PV1", f);
}

MapResult Map(const std::string& text) {
  absl::StatusOr<Message> m = ParseMessage(text);
  EXPECT_TRUE(m.ok()) << m.status();
  if (!m.ok()) return {};
  MapOptions options;
  options.received_at = "2024-03-05T13:31:00Z";
  return MapToFhir(*m, options);
}

// The entry whose resource has this type (the n-th one).
const Json& Entry(const MapResult& r, std::string_view type, int n = 0) {
  static const Json kNull;
  const Json* entries = r.bundle.Find("entry");
  if (entries == nullptr) return kNull;
  for (const Json& e : entries->items()) {
    if (e.Find("resource")->Find("resourceType")->text() == type && n-- == 0) return e;
  }
  return kNull;
}

std::string J(const Json& obj, std::string_view key) {
  const Json* v = obj.Find(key);
  return v ? WriteJson(*v) : "<absent>";
}

const Json& Res(const Json& entry) { return *entry.Find("resource"); }

void ExpectValid(const MapResult& r) {
  ASSERT_TRUE(r.ok()) << (r.issues.empty() ? "" : r.issues[0].ToString());
  for (const auto& issue : fhir::ValidateResource(r.bundle)) {
    ADD_FAILURE() << issue.expression << ": " << issue.message;
  }
}

TEST(Hl7ToFhirAdtTest, A01CreatesOrUpdatesPatientAndEncounterByIdentifier) {
  MapResult r = Map(Msh("ADT^A01^ADT_A01") + "EVN|A01|20240305142900+0100\r" + kPid + Pv1());
  ExpectValid(r);
  EXPECT_EQ(J(r.bundle, "type"), R"("transaction")");
  ASSERT_EQ(r.bundle.Find("entry")->items().size(), 3u);

  const Json& patient = Entry(r, "Patient");
  EXPECT_EQ(J(patient, "request"),
            R"({"method":"PUT","url":"Patient?identifier=urn:oid:1.2.840.99|12345"})");
  const Json& p = Res(patient);
  EXPECT_EQ(
      J(p, "identifier"),
      R"([{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},)"
      R"("system":"urn:oid:1.2.840.99","value":"12345"},)"
      R"({"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"SS"}]},)"
      R"("system":"urn:vigil:hl7v2:authority:SSA","value":"999-99-9999"}])");
  EXPECT_EQ(J(p, "name"),
            R"([{"use":"official","family":"Doe","given":["Jane","Q"],"prefix":["Dr"]}])");
  EXPECT_EQ(J(p, "gender"), R"("female")");
  EXPECT_EQ(J(p, "birthDate"), R"("1980-02-29")");
  EXPECT_EQ(J(p, "address"),
            R"([{"use":"home","line":["1 Main St","Apt 2"],"city":"Springfield","state":"IL",)"
            R"("postalCode":"62701","country":"USA"}])");
  EXPECT_EQ(J(p, "telecom"), R"([{"system":"phone","value":"+1 (217) 5551234","use":"home"},)"
                             R"({"system":"email","value":"jane@example.org"},)"
                             R"({"system":"phone","value":"(217)555-9999","use":"work"}])");
  EXPECT_EQ(
      J(p, "maritalStatus"),
      R"({"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"M"}]})");

  const Json& encounter = Entry(r, "Encounter");
  EXPECT_EQ(J(encounter, "request"),
            R"({"method":"PUT","url":"Encounter?identifier=urn:oid:1.2.840.99|V100"})");
  const Json& e = Res(encounter);
  EXPECT_EQ(J(e, "status"), R"("in-progress")");
  EXPECT_EQ(J(e, "class"),
            R"({"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"})");
  EXPECT_EQ(J(e, "period"), R"({"start":"2024-03-05T14:00:00+01:00"})");
  EXPECT_EQ(J(e, "location"), R"([{"location":{"display":"4E, 401, B, GH"},"status":"active"}])");
  EXPECT_EQ(J(e, "subject"), "{\"reference\":" + J(patient, "fullUrl") + "}");
  EXPECT_EQ(J(*e.Find("participant")->items().data(), "individual"),
            R"({"identifier":{"value":"1234"},"display":"Dr John Smith"})");
}

TEST(Hl7ToFhirAdtTest, ProvenanceLinksTheResourcesToTheMessage) {
  MapResult r = Map(Msh("ADT^A01^ADT_A01") + kPid + Pv1());
  ExpectValid(r);
  const Json& prov = Res(Entry(r, "Provenance"));
  std::string targets = "[{\"reference\":" + J(Entry(r, "Patient"), "fullUrl") +
                        "},{\"reference\":" + J(Entry(r, "Encounter"), "fullUrl") + "}]";
  EXPECT_EQ(J(prov, "target"), targets);
  EXPECT_EQ(J(prov, "recorded"), R"("2024-03-05T14:30:00+01:00")");  // MSH-7
  EXPECT_EQ(
      J(prov, "entity"),
      R"([{"role":"source","what":{"identifier":{"system":"urn:vigil:hl7v2:authority:EPIC",)"
      R"j("value":"MSG001"},"display":"HL7 v2 ADT^A01 message MSG001 from EPIC (GOODHEALTH)"}}])j");
  EXPECT_EQ(
      J(prov, "agent"),
      R"([{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/provenance-participant-type",)"
      R"j("code":"author"}]},"who":{"display":"EPIC (GOODHEALTH)"}}])j");
}

TEST(Hl7ToFhirAdtTest, ResendingGivesTheSameBundle) {
  const std::string text = Msh("ADT^A01") + kPid + Pv1();
  EXPECT_EQ(WriteJson(Map(text).bundle), WriteJson(Map(text).bundle));
  EXPECT_NE(J(Entry(Map(text), "Patient"), "fullUrl"),
            J(Entry(Map(Msh("ADT^A01", "OTHER") + kPid + Pv1()), "Patient"), "fullUrl"));
}

TEST(Hl7ToFhirAdtTest, TransferMovesTheLocation) {
  MapResult r = Map(Msh("ADT^A02") + kPid + Pv1());
  ExpectValid(r);
  const Json& e = Res(Entry(r, "Encounter"));
  EXPECT_EQ(J(e, "status"), R"("in-progress")");
  EXPECT_EQ(J(e, "location"), R"([{"location":{"display":"4E, 401, B, GH"},"status":"active"},)"
                              R"({"location":{"display":"3W, 301, A, GH"},"status":"completed"}])");
}

TEST(Hl7ToFhirAdtTest, DischargeFinishesTheEncounter) {
  MapResult r = Map(Msh("ADT^A03") + kPid + Pv1({{45, "20240310093000+0100"}}));
  ExpectValid(r);
  const Json& e = Res(Entry(r, "Encounter"));
  EXPECT_EQ(J(e, "status"), R"("finished")");
  EXPECT_EQ(J(e, "period"),
            R"({"start":"2024-03-05T14:00:00+01:00","end":"2024-03-10T09:30:00+01:00"})");
  // Without PV1-45 the end is the event time (EVN-2).
  MapResult evn = Map(Msh("ADT^A03") + "EVN|A03|20240311+0100\r" + kPid + Pv1());
  ExpectValid(evn);
  EXPECT_EQ(J(Res(Entry(evn, "Encounter")), "period"),
            R"({"start":"2024-03-05T14:00:00+01:00","end":"2024-03-11"})");
}

TEST(Hl7ToFhirAdtTest, CancelAdmitAndCancelDischarge) {
  MapResult a11 = Map(Msh("ADT^A11") + kPid + Pv1());
  ExpectValid(a11);
  EXPECT_EQ(J(Res(Entry(a11, "Encounter")), "status"), R"("entered-in-error")");
  MapResult a13 = Map(Msh("ADT^A13") + kPid + Pv1({{45, "20240310093000+0100"}}));
  ExpectValid(a13);
  EXPECT_EQ(J(Res(Entry(a13, "Encounter")), "status"), R"("in-progress")");
  EXPECT_EQ(J(Res(Entry(a13, "Encounter")), "period"), R"({"start":"2024-03-05T14:00:00+01:00"})");
}

// Found by the hl7v2 fuzz target: a patient class with a leading space made an
// invalid FHIR code.
TEST(Hl7ToFhirAdtTest, UnknownPatientClassIsAValidCode) {
  MapResult r = Map(Msh("ADT^A04") + kPid + Pv1({{2, " X  Y "}}));
  ExpectValid(r);
  EXPECT_EQ(J(Res(Entry(r, "Encounter")), "class"),
            R"({"system":"http://terminology.hl7.org/CodeSystem/v2-0004","code":"X Y"})");
  MapResult blank = Map(Msh("ADT^A04") + kPid + Pv1({{2, "  "}}));
  ExpectValid(blank);
  EXPECT_EQ(J(Res(Entry(blank, "Encounter")), "class"),
            R"({"system":"http://terminology.hl7.org/CodeSystem/v3-NullFlavor","code":"UNK"})");
}

// Found by the hl7v2 fuzz target: a field of control characters around a
// space is empty text, not a Coding with an empty code.
TEST(Hl7ToFhirAdtTest, ControlCharactersAroundSpacesAreEmptyText) {
  MapResult r = Map(Msh("ADT^A04") + kPid + Pv1({{4, std::string("\x01 \x02", 3)}}));
  ExpectValid(r);
  EXPECT_EQ(J(Res(Entry(r, "Encounter")), "type"), "<absent>");
}

TEST(Hl7ToFhirAdtTest, RegisterAndUpdate) {
  MapResult a04 = Map(Msh("ADT^A04") + kPid + Pv1({{2, "O"}}));
  ExpectValid(a04);
  EXPECT_EQ(J(Res(Entry(a04, "Encounter")), "status"), R"("arrived")");
  EXPECT_EQ(J(Res(Entry(a04, "Encounter")), "class"),
            R"({"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"})");
  // A08 without a visit number updates the Patient only.
  MapResult a08 = Map(Msh("ADT^A08") + kPid + Pv1({{19, ""}}));
  ExpectValid(a08);
  EXPECT_EQ(a08.bundle.Find("entry")->items().size(), 2u);  // Patient, Provenance
  ASSERT_EQ(a08.issues.size(), 1u);
  EXPECT_EQ(a08.issues[0].ToString(),
            "warning: PV1-19: no visit number: only the Patient is updated");
}

TEST(Hl7ToFhirAdtTest, AdmitWithoutVisitNumberCreatesAnEncounter) {
  MapResult r = Map(Msh("ADT^A01") + kPid + Pv1({{19, ""}}));
  ExpectValid(r);
  EXPECT_EQ(J(Entry(r, "Encounter"), "request"), R"({"method":"POST","url":"Encounter"})");
}

TEST(Hl7ToFhirAdtTest, ProblemsNameTheField) {
  auto first_error = [](const MapResult& r) {
    EXPECT_TRUE(r.bundle.is_null());
    return r.issues.empty() ? std::string("no issue") : r.issues[0].ToString();
  };
  std::string bad_dob = kPid;
  bad_dob.replace(bad_dob.find("19800229"), 8, "1999133");
  EXPECT_EQ(first_error(Map(Msh("ADT^A01") + bad_dob + Pv1())), "PID-7: invalid date '1999133'");
  EXPECT_EQ(first_error(Map(Msh("ADT^A03") + kPid + Pv1({{19, ""}}))),
            "PV1-19: visit number is required to update the Encounter (A03)");
  EXPECT_EQ(first_error(Map(Msh("ADT^A01") + "PID|1||^^^X\r" + Pv1())),
            "PID-3: no patient identifier: PID-3 is needed to identify the Patient");
  EXPECT_EQ(first_error(Map(Msh("ADT^A01") + Pv1())), "PID: PID segment missing");
  EXPECT_EQ(first_error(Map(Msh("ADT^A02") + kPid)), "PV1: PV1 segment missing (required for A02)");
  EXPECT_EQ(first_error(Map(Msh("ADT^A01") + kPid + Pv1({{44, "2024030525"}}))),
            "PV1-44: invalid date '2024030525'");

  MapResult siu = Map(Msh("SIU^S12") + kPid);
  EXPECT_EQ(first_error(siu),
            "MSH-9.1: unsupported message type 'SIU^S12' (supported: "
            "ADT^A01/A02/A03/A04/A08/A11/A13, ORU^R01)");
  EXPECT_EQ(siu.issues[0].code, ErrorCode::kUnsupportedMessageType);
  MapResult a99 = Map(Msh("ADT^A99") + kPid);
  EXPECT_EQ(a99.issues[0].code, ErrorCode::kUnsupportedEventCode);
  EXPECT_EQ(a99.issues[0].Location(), "MSH-9.2");
}

const std::string kOru =
    "MSH|^~\\&|LAB|GH|VIGIL|HOSP|20240306101500+0000||ORU^R01|LAB42|P|2.5\r"
    "PID|1||12345^^^GH&1.2.840.99&ISO^MR||Doe^Jane\r" +
    Seg("OBR", {{1, "1"},
                {2, "PL1^ORDERS"},
                {3, "FL9^LAB^2.16.1^ISO"},
                {4, "24331-1^Lipid panel^LN"},
                {7, "20240306080000+0000"},
                {22, "20240306100000+0000"},
                {24, "CH"},
                {25, "F"}}) +
    "OBX|1|NM|2093-3^Cholesterol^LN||185|mg/dl|<200|N|||F|||20240306090000+0000\r"
    "OBX|2|SN|2571-8^Triglyceride^LN||>^400|mg/dL^^UCUM|0-150|H|||C\r"
    "OBX|3|SN|x^Titer^L||^1^:^128\r"
    "OBX|4|SN|y^Count^L||^10^-^20|K/uL|3.5-5.0\r"
    "OBX|5|ST|z^Comment^L||first~sec\\T\\ond||||||F\r"
    "OBX|6|CWE|600-7^Culture^LN||3092008^Staph aureus^SCT||||||P\r"
    "NTE|1||note text\r";

TEST(Hl7ToFhirOruTest, ReportAndObservations) {
  MapResult r = Map(kOru);
  ExpectValid(r);
  EXPECT_TRUE(r.issues.empty()) << r.issues[0].ToString();
  const Json& patient = Entry(r, "Patient");
  EXPECT_EQ(
      J(patient, "request"),
      R"({"method":"POST","url":"Patient","ifNoneExist":"identifier=urn:oid:1.2.840.99|12345"})");

  const Json& report = Entry(r, "DiagnosticReport");
  EXPECT_EQ(J(report, "request"),
            R"({"method":"PUT","url":"DiagnosticReport?identifier=urn:oid:2.16.1|FL9"})");
  const Json& dr = Res(report);
  EXPECT_EQ(J(dr, "status"), R"("final")");
  EXPECT_EQ(
      J(dr, "code"),
      R"({"coding":[{"system":"http://loinc.org","code":"24331-1","display":"Lipid panel"}],"text":"Lipid panel"})");
  EXPECT_EQ(J(dr, "effectiveDateTime"), R"("2024-03-06T08:00:00+00:00")");
  EXPECT_EQ(J(dr, "issued"), R"("2024-03-06T10:00:00+00:00")");
  EXPECT_EQ(J(dr, "subject"), "{\"reference\":" + J(patient, "fullUrl") + "}");
  ASSERT_EQ(dr.Find("result")->items().size(), 6u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(WriteJson(dr.Find("result")->items()[i]),
              "{\"reference\":" + J(Entry(r, "Observation", i), "fullUrl") + "}");
  }
}

TEST(Hl7ToFhirOruTest, ResultsNameTheVisitOfPv1) {
  const std::string oru = "MSH|^~\\&|MON|GH|VIGIL|HOSP|20240306101500+0000||ORU^R01|V7|P|2.5\r" +
                          kPid + Pv1() +
                          "OBR|1||FL10^MON^2.16.1^ISO|8716-3^Vital signs^LN|||20240306100000+0000\r"
                          "OBX|1|NM|8867-4^Heart rate^LN||112|/min|||||F\r";
  MapResult r = Map(oru);
  ExpectValid(r);
  const Json& encounter = Entry(r, "Encounter");
  // The Encounter ADT created, or a placeholder until ADT arrives.
  EXPECT_EQ(
      J(encounter, "request"),
      R"({"method":"POST","url":"Encounter","ifNoneExist":"identifier=urn:oid:1.2.840.99|V100"})");
  const Json& e = Res(encounter);
  EXPECT_EQ(J(e, "status"), R"("unknown")");
  EXPECT_EQ(J(e, "class"), R"({"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"})");
  EXPECT_EQ(J(e, "subject"), "{\"reference\":" + J(Entry(r, "Patient"), "fullUrl") + "}");
  const std::string visit = "{\"reference\":" + J(encounter, "fullUrl") + "}";
  EXPECT_EQ(J(Res(Entry(r, "Observation")), "encounter"), visit);
  EXPECT_EQ(J(Res(Entry(r, "DiagnosticReport")), "encounter"), visit);
}

TEST(Hl7ToFhirOruTest, ResultsWithoutAVisitNumberNameNoEncounter) {
  std::string oru = kOru;
  oru.insert(oru.find("OBR|"), Pv1({{19, ""}}));
  MapResult r = Map(oru);
  ExpectValid(r);
  for (const Json& entry : r.bundle.Find("entry")->items()) {
    EXPECT_EQ(Res(entry).Find("encounter"), nullptr) << WriteJson(entry);
    EXPECT_NE(J(Res(entry), "resourceType"), R"("Encounter")");
  }
}

TEST(Hl7ToFhirOruTest, NumericValuesUnitsRangesAndFlags) {
  MapResult r = Map(kOru);
  const Json& e1 = Entry(r, "Observation", 0);
  EXPECT_EQ(J(e1, "request"),
            R"({"method":"PUT","url":"Observation?identifier=urn:oid:2.16.1|FL9-2093-3"})");
  const Json& o1 = Res(e1);
  EXPECT_EQ(J(o1, "status"), R"("final")");
  EXPECT_EQ(J(o1, "valueQuantity"),
            R"({"value":185,"unit":"mg/dl","system":"http://unitsofmeasure.org","code":"mg/dL"})");
  EXPECT_EQ(
      J(o1, "referenceRange"),
      R"([{"high":{"value":200,"unit":"mg/dl","system":"http://unitsofmeasure.org","code":"mg/dL"}}])");
  EXPECT_EQ(
      J(o1, "interpretation"),
      R"([{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"N"}]}])");
  EXPECT_EQ(J(o1, "effectiveDateTime"), R"("2024-03-06T09:00:00+00:00")");  // OBX-14

  const Json& o2 = Res(Entry(r, "Observation", 1));
  EXPECT_EQ(J(o2, "status"), R"("corrected")");
  EXPECT_EQ(
      J(o2, "valueQuantity"),
      R"({"value":400,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL","comparator":">"})");
  EXPECT_EQ(J(o2, "effectiveDateTime"), R"("2024-03-06T08:00:00+00:00")");  // OBR-7
  EXPECT_EQ(
      J(o2, "referenceRange"),
      R"([{"low":{"value":0,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"},)"
      R"("high":{"value":150,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}}])");

  const Json& o3 = Res(Entry(r, "Observation", 2));
  EXPECT_EQ(J(o3, "status"), R"("unknown")");
  EXPECT_EQ(J(o3, "valueRatio"), R"({"numerator":{"value":1},"denominator":{"value":128}})");
  EXPECT_EQ(J(o3, "code"), R"({"coding":[{"code":"x","display":"Titer"}],"text":"Titer"})");

  const Json& o4 = Res(Entry(r, "Observation", 3));
  EXPECT_EQ(
      J(o4, "valueRange"),
      R"({"low":{"value":10,"unit":"K/uL","system":"http://unitsofmeasure.org","code":"10*3/uL"},)"
      R"("high":{"value":20,"unit":"K/uL","system":"http://unitsofmeasure.org","code":"10*3/uL"}})");
  EXPECT_EQ(
      J(o4, "referenceRange"),
      R"([{"low":{"value":3.5,"unit":"K/uL","system":"http://unitsofmeasure.org","code":"10*3/uL"},)"
      R"("high":{"value":5.0,"unit":"K/uL","system":"http://unitsofmeasure.org","code":"10*3/uL"}}])");
}

TEST(Hl7ToFhirOruTest, TextAndCodedValuesAndNotes) {
  MapResult r = Map(kOru);
  EXPECT_EQ(J(Res(Entry(r, "Observation", 4)), "valueString"), R"("first\nsec&ond")");
  const Json& o6 = Res(Entry(r, "Observation", 5));
  EXPECT_EQ(J(o6, "status"), R"("preliminary")");
  EXPECT_EQ(
      J(o6, "valueCodeableConcept"),
      R"({"coding":[{"system":"http://snomed.info/sct","code":"3092008","display":"Staph aureus"}],"text":"Staph aureus"})");
  EXPECT_EQ(J(o6, "note"), R"([{"text":"note text"}])");
}

TEST(Hl7ToFhirOruTest, BadValuesNameTheObx) {
  MapResult r = Map(kOru + "OBX|7|NM|a^b^L||12..5\r");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.issues.back().ToString(), "OBX(7)-5: invalid number '12..5'");
  EXPECT_EQ(r.issues.back().sequence, 7);
  MapResult ed = Map(kOru + "OBX|7|ED|a^b^L||^AP^PDF^Base64^AAAA\r");
  ExpectValid(ed);
  EXPECT_EQ(ed.issues.back().ToString(),
            "warning: OBX(7)-2: value type 'ED' is not mapped: OBX-5 left out");
  MapResult nocode = Map(kOru + "OBX|7|NM|||5\r");
  EXPECT_EQ(nocode.issues.back().ToString(), "OBX(7)-3: observation identifier missing");
}

TEST(Hl7ToFhirOruTest, DecimalsAreNormalizedKeepingPrecision) {
  MapResult r = Map(kOru + "OBX|7|NM|a^b^L||+007.50|%\rOBX|8|NM|c^d^L||-.5|beats/min\r");
  ExpectValid(r);
  EXPECT_EQ(J(Res(Entry(r, "Observation", 6)), "valueQuantity"),
            R"({"value":7.50,"unit":"%","system":"http://unitsofmeasure.org","code":"%"})");
  EXPECT_EQ(
      J(Res(Entry(r, "Observation", 7)), "valueQuantity"),
      R"({"value":-0.5,"unit":"beats/min","system":"http://unitsofmeasure.org","code":"/min"})");
}

}  // namespace
}  // namespace vigil::hl7v2
