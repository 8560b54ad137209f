#include "search/indexer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <variant>

#include "base/str.h"
#include "search/normalize.h"
#include "search/rows.h"
#include "search/values.h"

namespace vigil::search {
namespace {

using store::IndexEntries;

fhir::Json Parse(std::string_view text) {
  auto json = fhir::ParseJson(text);
  EXPECT_TRUE(json.ok()) << vigil::Message(json.status());
  return json.ok() ? std::move(*json) : fhir::Json();
}

IndexEntries Index(std::string_view text) {
  auto indexed = IndexResourceWithIssues(Registry::Default(), Parse(text));
  EXPECT_TRUE(indexed.ok()) << vigil::Message(indexed.status());
  if (!indexed.ok()) return {};
  for (const IndexIssue& issue : indexed->issues) {
    ADD_FAILURE() << "issue: " << issue.param << ": " << issue.message;
  }
  return std::move(indexed->entries);
}

template <typename Row>
std::vector<Row> Rows(const std::vector<Row>& rows, std::string_view param) {
  std::vector<Row> out;
  for (const Row& r : rows) {
    if (r.param == param) out.push_back(r);
  }
  return out;
}

// 2020-01-01T00:00:00Z in ms.
constexpr int64_t k2020 = 1577836800000;
constexpr int64_t kDay = 86400000;

TEST(SearchNormalize, FoldsCaseAndLatinAccents) {
  EXPECT_EQ(NormalizeString("Müller"), "muller");
  EXPECT_EQ(NormalizeString("ÉLODIE Çà"), "elodie ca");
  EXPECT_EQ(NormalizeString("Łódź"), "lodz");
  EXPECT_EQ(NormalizeString("Straße"), "strasse");
  EXPECT_EQ(NormalizeString("Æsir Œuvre"), "aesir oeuvre");
  EXPECT_EQ(NormalizeString("Dvořák Šťastný"), "dvorak stastny");
  EXPECT_EQ(NormalizeString("e\xCC\x81"), "e");      // e + combining acute
  EXPECT_EQ(NormalizeString("日本 ×"), "日本 ×");    // kept
  EXPECT_EQ(NormalizeString("bad\xC3"), "bad\xC3");  // truncated UTF-8 kept
}

TEST(SearchValues, DateRangesByPrecisionAndZone) {
  auto year = ParseDateRange("2020");
  ASSERT_TRUE(year);
  EXPECT_EQ(year->low, k2020);
  EXPECT_EQ(year->high, k2020 + 366 * kDay - 1);  // leap year
  auto month = ParseDateRange("2020-02");
  ASSERT_TRUE(month);
  EXPECT_EQ(month->low, k2020 + 31 * kDay);
  EXPECT_EQ(month->high, k2020 + 60 * kDay - 1);
  auto day = ParseDateRange("2020-01-02");
  EXPECT_EQ(day->low, k2020 + kDay);
  EXPECT_EQ(day->high, k2020 + 2 * kDay - 1);
  auto second = ParseDateRange("2020-01-01T10:00:00+02:00");
  EXPECT_EQ(second->low, k2020 + 8 * 3600000);
  EXPECT_EQ(second->high, k2020 + 8 * 3600000 + 999);
  auto utc_by_default = ParseDateRange("2020-01-01T10:00:00");
  EXPECT_EQ(utc_by_default->low, k2020 + 10 * 3600000);
  auto millis = ParseDateRange("2020-01-01T00:00:00.123Z");
  EXPECT_EQ(millis->low, k2020 + 123);
  EXPECT_EQ(millis->high, k2020 + 123);
  auto minute = ParseDateRange("2020-01-01T00:01-01:00");
  EXPECT_EQ(minute->low, k2020 + 3600000 + 60000);
  EXPECT_EQ(minute->high, k2020 + 3600000 + 120000 - 1);
  EXPECT_FALSE(ParseDateRange("2020-13"));
  EXPECT_FALSE(ParseDateRange("2020-02-30"));
  EXPECT_FALSE(ParseDateRange("yesterday"));
  EXPECT_FALSE(ParseDateRange("2020-01-01T"));
  auto before_epoch = ParseDateRange("1969-12-31");
  EXPECT_EQ(before_epoch->low, -kDay);
}

TEST(SearchValues, NumberRangesByPrecision) {
  auto n = ParseNumberRange("100");
  ASSERT_TRUE(n);
  EXPECT_DOUBLE_EQ(n->value, 100);
  EXPECT_DOUBLE_EQ(n->low, 99.5);
  EXPECT_DOUBLE_EQ(n->high, 100.5);
  n = ParseNumberRange("1.50");
  EXPECT_DOUBLE_EQ(n->low, 1.495);
  EXPECT_DOUBLE_EQ(n->high, 1.505);
  n = ParseNumberRange("1e2");
  EXPECT_DOUBLE_EQ(n->low, 50);
  EXPECT_DOUBLE_EQ(n->high, 150);
  n = ParseNumberRange("-0.5");
  EXPECT_DOUBLE_EQ(n->value, -0.5);
  EXPECT_FALSE(ParseNumberRange("1."));
  EXPECT_FALSE(ParseNumberRange("abc"));
  EXPECT_FALSE(ParseNumberRange("1,5"));
  EXPECT_FALSE(ParseNumberRange(""));
}

TEST(SearchIndexer, Patient) {
  IndexEntries e = Index(R"({
    "resourceType": "Patient", "id": "p1",
    "meta": {"lastUpdated": "2021-03-04T05:06:07.890Z",
             "tag": [{"system": "http://t", "code": "x"}],
             "profile": ["http://example.org/StructureDefinition/p"]},
    "identifier": [{"system": "http://hospital/mrn", "value": "12345",
                    "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                         "code": "MR"}], "text": "Medical Record"}}],
    "active": true,
    "name": [{"use": "official", "family": "Müller", "given": ["José", "Ana"], "prefix": ["Dr."]}],
    "telecom": [{"system": "phone", "value": "555-1234"}, {"system": "email", "value": "a@b.org"}],
    "gender": "female",
    "birthDate": "1980-05",
    "address": [{"line": ["1 Main St", "Apt 2"], "city": "Zürich", "postalCode": "8000",
                 "country": "CH"}],
    "generalPractitioner": [{"reference": "Practitioner/dr1"}],
    "managingOrganization": {"reference": "Organization/o1"}
  })");
  auto names = Rows(e.strings, "name");
  std::vector<std::string> exact;
  for (const auto& r : names) exact.push_back(r.exact);
  EXPECT_EQ(exact, (std::vector<std::string>{"Müller", "José", "Ana", "Dr."}));
  EXPECT_EQ(names[0].normalized, "muller");
  EXPECT_EQ(names[1].normalized, "jose");
  ASSERT_EQ(Rows(e.strings, "family").size(), 1u);
  EXPECT_EQ(Rows(e.strings, "given").size(), 2u);
  auto city = Rows(e.strings, "address-city");
  ASSERT_EQ(city.size(), 1u);
  EXPECT_EQ(city[0].normalized, "zurich");
  EXPECT_EQ(Rows(e.strings, "address").size(), 5u);  // 2 lines, city, postalCode, country

  auto gender = Rows(e.tokens, "gender");
  ASSERT_EQ(gender.size(), 1u);
  EXPECT_EQ(gender[0].system, "");
  EXPECT_EQ(gender[0].code, "female");
  auto active = Rows(e.tokens, "active");
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].code, "true");
  auto id = Rows(e.tokens, "identifier");
  ASSERT_EQ(id.size(), 1u);
  EXPECT_EQ(id[0].system, "http://hospital/mrn");
  EXPECT_EQ(id[0].code, "12345");
  EXPECT_EQ(id[0].text, "medical record");
  auto of_type = Rows(e.tokens, "identifier:of-type");
  ASSERT_EQ(of_type.size(), 1u);
  EXPECT_EQ(of_type[0].system, "http://terminology.hl7.org/CodeSystem/v2-0203");
  EXPECT_EQ(of_type[0].code, "MR|12345");
  auto phone = Rows(e.tokens, "phone");
  ASSERT_EQ(phone.size(), 1u);
  EXPECT_EQ(phone[0].code, "555-1234");
  EXPECT_EQ(phone[0].system, "phone");
  EXPECT_EQ(Rows(e.tokens, "telecom").size(), 2u);
  EXPECT_EQ(Rows(e.tokens, "email").size(), 1u);
  // _id is the store's id column, not an index row.
  EXPECT_TRUE(Rows(e.tokens, "_id").empty());
  auto tag = Rows(e.tokens, "_tag");
  ASSERT_EQ(tag.size(), 1u);
  EXPECT_EQ(tag[0].system, "http://t");

  auto birth = Rows(e.dates, "birthdate");
  ASSERT_EQ(birth.size(), 1u);
  EXPECT_EQ(birth[0].low, ParseDateRange("1980-05-01")->low);
  EXPECT_EQ(birth[0].high, ParseDateRange("1980-05-31")->high);
  auto updated = Rows(e.dates, "_lastUpdated");
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(updated[0].low, updated[0].high);

  auto gp = Rows(e.references, "general-practitioner");
  ASSERT_EQ(gp.size(), 1u);
  EXPECT_EQ(gp[0].target_type, "Practitioner");
  EXPECT_EQ(gp[0].target_id, "dr1");
  EXPECT_EQ(Rows(e.references, "organization").size(), 1u);
  auto profile = Rows(e.uris, "_profile");
  ASSERT_EQ(profile.size(), 1u);
  EXPECT_EQ(profile[0].value, "http://example.org/StructureDefinition/p");
}

TEST(SearchIndexer, ObservationWithQuantityAndPeriod) {
  IndexEntries e = Index(R"({
    "resourceType": "Observation", "id": "o1", "status": "final",
    "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                              "code": "vital-signs"}]}],
    "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2", "display": "Body Height"}],
             "text": "Height"},
    "subject": {"reference": "Patient/p1"},
    "encounter": {"reference": "Encounter/e1/_history/3"},
    "effectivePeriod": {"start": "2020-01-01", "end": "2020-01-02T12:00:00Z"},
    "valueQuantity": {"value": 180.5, "unit": "cm", "system": "http://unitsofmeasure.org",
                      "code": "cm"},
    "performer": [{"reference": "#contained1"}, {"reference": "http://other.org/fhir/Practitioner/9"}]
  })");
  auto code = Rows(e.tokens, "code");
  ASSERT_EQ(code.size(), 1u);
  EXPECT_EQ(code[0].system, "http://loinc.org");
  EXPECT_EQ(code[0].code, "8302-2");
  EXPECT_EQ(code[0].text, "height body height");
  EXPECT_EQ(Rows(e.tokens, "category").size(), 1u);
  EXPECT_EQ(Rows(e.tokens, "status")[0].code, "final");

  auto value = Rows(e.quantities, "value-quantity");
  ASSERT_EQ(value.size(), 1u);
  EXPECT_DOUBLE_EQ(value[0].value, 180.5);
  EXPECT_DOUBLE_EQ(value[0].low, 180.45);
  EXPECT_DOUBLE_EQ(value[0].high, 180.55);
  EXPECT_EQ(value[0].system, "http://unitsofmeasure.org");
  EXPECT_EQ(value[0].code, "cm");
  EXPECT_EQ(value[0].unit, "cm");

  auto date = Rows(e.dates, "date");
  ASSERT_EQ(date.size(), 1u);
  EXPECT_EQ(date[0].low, k2020);
  EXPECT_EQ(date[0].high, k2020 + kDay + 12 * 3600000 + 999);  // to the second

  auto subject = Rows(e.references, "subject");
  ASSERT_EQ(subject.size(), 1u);
  EXPECT_EQ(subject[0].target_type, "Patient");
  EXPECT_EQ(subject[0].target_id, "p1");
  // patient = subject.where(resolve() is Patient) has no rows of its own:
  // searches read subject's that target a Patient (ParamDef::narrows).
  EXPECT_TRUE(Rows(e.references, "patient").empty());
  auto encounter = Rows(e.references, "encounter");
  ASSERT_EQ(encounter.size(), 1u);  // history stripped
  EXPECT_EQ(encounter[0].target_type, "Encounter");
  EXPECT_EQ(encounter[0].target_id, "e1");
  EXPECT_EQ(encounter[0].url, "");  // matched by type and id only
  auto performer = Rows(e.references, "performer");
  ASSERT_EQ(performer.size(), 1u);  // the contained one is skipped
  EXPECT_EQ(performer[0].target_type, "");
  EXPECT_EQ(performer[0].url, "http://other.org/fhir/Practitioner/9");
}

TEST(SearchIndexer, SubjectThatIsAGroupIsNotAPatient) {
  IndexEntries e = Index(R"({"resourceType": "Observation", "status": "final",
    "code": {"text": "x"}, "subject": {"reference": "Group/g1"}})");
  EXPECT_EQ(Rows(e.references, "subject").size(), 1u);
  EXPECT_TRUE(Rows(e.references, "patient").empty());
  // Text-only CodeableConcept: one row without code, for :text.
  auto code = Rows(e.tokens, "code");
  ASSERT_EQ(code.size(), 1u);
  EXPECT_EQ(code[0].code, "");
  EXPECT_EQ(code[0].text, "x");
}

TEST(SearchIndexer, EncounterDatesAndOpenPeriod) {
  IndexEntries e = Index(R"({
    "resourceType": "Encounter", "id": "e1", "status": "in-progress",
    "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
    "type": [{"coding": [{"system": "http://snomed.info/sct", "code": "185349003"}]}],
    "subject": {"reference": "Patient/p1"},
    "participant": [{"individual": {"reference": "Practitioner/dr1"}}],
    "period": {"start": "2021-06-01T08:30:00-04:00"},
    "length": {"value": 30, "unit": "min", "system": "http://unitsofmeasure.org", "code": "min"},
    "serviceProvider": {"reference": "Organization/o1"}
  })");
  auto date = Rows(e.dates, "date");
  ASSERT_EQ(date.size(), 1u);
  EXPECT_EQ(date[0].low, ParseDateRange("2021-06-01T12:30:00Z")->low);
  EXPECT_EQ(date[0].high, store::kMaxTime);
  EXPECT_EQ(Rows(e.tokens, "class")[0].code, "AMB");
  EXPECT_EQ(Rows(e.tokens, "type")[0].code, "185349003");
  EXPECT_EQ(Rows(e.references, "subject")[0].target_id, "p1");
  EXPECT_TRUE(Rows(e.references, "patient").empty());  // subject's rows stand for it
  EXPECT_EQ(Rows(e.references, "practitioner")[0].target_id, "dr1");
  EXPECT_EQ(Rows(e.references, "service-provider")[0].target_type, "Organization");
  auto length = Rows(e.quantities, "length");
  ASSERT_EQ(length.size(), 1u);  // Duration is a Quantity
  EXPECT_DOUBLE_EQ(length[0].value, 30);
  EXPECT_EQ(length[0].code, "min");
}

TEST(SearchIndexer, NumbersRangesAndCanonicals) {
  IndexEntries e = Index(R"({
    "resourceType": "RiskAssessment", "status": "final", "subject": {"reference": "Patient/p"},
    "prediction": [{"probabilityDecimal": 0.25}]
  })");
  auto p = Rows(e.numbers, "probability");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_DOUBLE_EQ(p[0].value, 0.25);
  EXPECT_DOUBLE_EQ(p[0].low, 0.245);

  e = Index(R"({"resourceType": "QuestionnaireResponse", "status": "completed",
    "questionnaire": "http://example.org/Questionnaire/q1|2.0"})");
  auto q = Rows(e.references, "questionnaire");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].url, "http://example.org/Questionnaire/q1");
}

TEST(SearchIndexer, BadValuesAreReportedNotFatal) {
  auto indexed = IndexResourceWithIssues(Registry::Default(), Parse(R"({
    "resourceType": "Patient", "birthDate": "1980-13-45", "gender": "male"})"));
  ASSERT_TRUE(indexed.ok());
  ASSERT_EQ(indexed->issues.size(), 1u);
  EXPECT_EQ(indexed->issues[0].param, "birthdate");
  EXPECT_NE(indexed->issues[0].message.find("1980-13-45"), std::string::npos);
  EXPECT_EQ(Rows(indexed->entries.tokens, "gender").size(), 1u);
}

// A composite's string: "system|code" of token parts, the value of others,
// " $ " between parts; one line per row.
std::string DescribeComposites(const IndexEntries& ix, std::string_view param) {
  std::string out;
  for (const store::CompositeRow& row : ix.composites) {
    if (row.param != param) continue;
    for (size_t i = 0; i < row.parts.size(); ++i) {
      if (i > 0) out += " $ ";
      const store::CompositePart& p = row.parts[i];
      if (auto* t = std::get_if<store::TokenRow>(&p)) {
        out += StrCat(t->system, "|", t->code);
      } else if (auto* q = std::get_if<store::QuantityRow>(&p)) {
        out += StrCat(q->value, " ", q->code);
      } else if (auto* s = std::get_if<store::StringRow>(&p)) {
        out += s->exact;
      } else if (auto* d = std::get_if<store::DateRow>(&p)) {
        out += StrCat(d->low, "..", d->high);
      } else if (auto* n = std::get_if<store::NumberRow>(&p)) {
        out += StrCat(n->value);
      } else {
        out += "?";
      }
      if (std::visit([](const auto& r) { return !r.param.empty(); }, p)) out += "(param!)";
    }
    out += "\n";
  }
  return out;
}

TEST(SearchIndexer, CompositesPairValuesWithinOneElement) {
  IndexEntries ix = Index(R"({
    "resourceType": "Observation", "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"},
                        {"system": "http://snomed.info/sct", "code": "75367002"}]},
    "component": [
      {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
       "valueQuantity": {"value": 150, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org",
                         "code": "mm[Hg]"}},
      {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]},
       "valueQuantity": {"value": 90, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org",
                         "code": "mm[Hg]"}},
      {"code": {"coding": [{"system": "http://loinc.org", "code": "9999-9"}]}}
    ]})");
  EXPECT_EQ(DescribeComposites(ix, "component-code-value-quantity"),
            "http://loinc.org|8480-6 $ 150 mm[Hg]\n"
            "http://loinc.org|8462-4 $ 90 mm[Hg]\n");
  // The Observation itself has no value: code-value-quantity has no row.
  EXPECT_EQ(DescribeComposites(ix, "code-value-quantity"), "");
  // combo-code-value-quantity is their union (Registry: union_of): no rows of its own.
  EXPECT_EQ(DescribeComposites(ix, "combo-code-value-quantity"), "");
}

// The rows composite `code` of `type` yields by its own expression, which the
// indexer does not write for a composite over the resource itself
// (Registry: component_params; searches read its components' rows).
IndexEntries OwnComposites(std::string_view type, std::string_view code, std::string_view text) {
  const ParamDef* def = Registry::Default().Find(type, code);
  IndexEntries ix;
  if (def == nullptr) {
    ADD_FAILURE() << "no " << type << "." << code;
    return ix;
  }
  EXPECT_TRUE(AppendCompositeRows(*def, Parse(text), IndexEvalOptions(), &ix).empty());
  return ix;
}

TEST(SearchIndexer, CompositesOverTheResourceItselfWriteNoRows) {
  IndexEntries ix = Index(R"({"resourceType": "Observation", "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"}]},
    "valueQuantity": {"value": 5.4, "system": "http://unitsofmeasure.org", "code": "mmol/L"}})");
  EXPECT_TRUE(ix.composites.empty());
  // Their components' rows are there instead.
  EXPECT_EQ(Rows(ix.tokens, "code").size(), 1u);
  EXPECT_EQ(Rows(ix.quantities, "value-quantity").size(), 1u);
}

TEST(SearchIndexer, CompositesCrossProductOfCodingsAndValueKinds) {
  constexpr char kQuantity[] = R"({
    "resourceType": "Observation", "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"},
                        {"system": "http://snomed.info/sct", "code": "33747003"}]},
    "valueQuantity": {"value": 5.4, "system": "http://unitsofmeasure.org", "code": "mmol/L"}})";
  EXPECT_EQ(DescribeComposites(OwnComposites("Observation", "code-value-quantity", kQuantity),
                               "code-value-quantity"),
            "http://loinc.org|2339-0 $ 5.4 mmol/L\n"
            "http://snomed.info/sct|33747003 $ 5.4 mmol/L\n");
  EXPECT_EQ(DescribeComposites(OwnComposites("Observation", "code-value-string", kQuantity),
                               "code-value-string"),
            "");

  constexpr char kString[] = R"({"resourceType": "Observation", "status": "final",
    "code": {"coding": [{"code": "x"}]}, "valueString": "Hello"})";
  EXPECT_EQ(DescribeComposites(OwnComposites("Observation", "code-value-string", kString),
                               "code-value-string"),
            "|x $ Hello\n");
  constexpr char kDate[] = R"({"resourceType": "Observation", "status": "final",
    "code": {"coding": [{"code": "x"}]}, "valueDateTime": "2020-01-01"})";
  EXPECT_EQ(
      DescribeComposites(OwnComposites("Observation", "code-value-date", kDate), "code-value-date"),
      StrCat("|x $ ", k2020, "..", k2020 + kDay - 1, "\n"));
  constexpr char kConcept[] = R"({"resourceType": "Observation", "status": "final",
    "code": {"coding": [{"code": "x"}]},
    "valueCodeableConcept": {"coding": [{"system": "s", "code": "a"}, {"system": "s", "code": "b"}]}})";
  EXPECT_EQ(DescribeComposites(OwnComposites("Observation", "code-value-concept", kConcept),
                               "code-value-concept"),
            "|x $ s|a\n|x $ s|b\n");
}

TEST(SearchIndexer, ThreeComponentCompositeAndResourceComponent) {
  IndexEntries ix = Index(R"({
    "resourceType": "MolecularSequence", "type": "dna", "coordinateSystem": 0,
    "referenceSeq": {"chromosome": {"coding": [{"system": "http://x", "code": "1"}]},
                     "windowStart": 10, "windowEnd": 20},
    "variant": [{"start": 12, "end": 13}, {"start": 15}]})");
  EXPECT_EQ(DescribeComposites(ix, "chromosome-window-coordinate"), "http://x|1 $ 10 $ 20\n");
  // %resource reaches outside the variant; a variant without an end has no row.
  EXPECT_EQ(DescribeComposites(ix, "chromosome-variant-coordinate"), "http://x|1 $ 12 $ 13\n");
}

TEST(SearchIndexer, ReferenceIdentifierIsATokenRow) {
  IndexEntries ix = Index(R"({"resourceType": "Observation", "status": "final",
    "code": {"text": "x"},
    "subject": {"identifier": {"system": "http://hospital.org/mrn", "value": "123"}}})");
  auto rows = Rows(ix.tokens, "subject:identifier");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].system, "http://hospital.org/mrn");
  EXPECT_EQ(rows[0].code, "123");
  EXPECT_TRUE(Rows(ix.references, "subject").empty());
  EXPECT_EQ(Rows(ix.tokens, "patient:identifier").size(), 0u);  // resolve() cannot type it
}

TEST(SearchIndexer, RejectsNonResources) {
  EXPECT_EQ(IndexResource(Registry::Default(), Parse(R"({"a": 1})")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      IndexResource(Registry::Default(), Parse(R"({"resourceType": "Nope"})")).status().code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vigil::search
