#include "search/parse.h"

#include <gtest/gtest.h>

#include "base/str.h"
#include "search/values.h"

namespace vigil::search {
namespace {

using store::Clause;
using store::Query;

// A compact, exact rendering of a Query, so that tests compare whole structures.
std::string Describe(const Query& q);

std::string Opt(const std::optional<std::string>& s) { return s ? "'" + *s + "'" : "*"; }

const char* PrefixName(store::Prefix p) {
  static const char* const kNames[] = {"eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"};
  return kNames[static_cast<int>(p)];
}

std::string DescribePredicate(const store::Predicate& p) {
  struct V {
    std::string operator()(const store::TokenMatch& m) {
      return StrCat("token(", Opt(m.system), "|", Opt(m.code), ")");
    }
    std::string operator()(const store::TokenTextMatch& m) { return StrCat("text(", m.text, ")"); }
    std::string operator()(const store::StringMatch& m) {
      static const char* const kModes[] = {"starts", "exact", "contains"};
      return StrCat("string-", kModes[static_cast<int>(m.mode)], "(", m.value, ")");
    }
    std::string operator()(const store::NumberMatch& m) {
      return StrCat("number(", PrefixName(m.prefix), " ", m.value, " [", m.low, ",", m.high, "])");
    }
    std::string operator()(const store::DateMatch& m) {
      return StrCat("date(", PrefixName(m.prefix), " ", m.low, "..", m.high, ")");
    }
    std::string operator()(const store::QuantityMatch& m) {
      return StrCat("quantity(", PrefixName(m.number.prefix), " ", m.number.value, " [",
                    m.number.low, ",", m.number.high, "] ", Opt(m.system), " ", Opt(m.code), ")");
    }
    std::string operator()(const store::ReferenceMatch& m) {
      return StrCat("ref(", m.target_type, "/", m.target_id, " url=", m.url, ")");
    }
    std::string operator()(const store::UriMatch& m) {
      static const char* const kModes[] = {"exact", "below", "above"};
      return StrCat("uri-", kModes[static_cast<int>(m.mode)], "(", m.value, ")");
    }
    std::string operator()(const store::MissingMatch& m) {
      return StrCat("missing(", m.missing, ")");
    }
    std::string operator()(const store::ChainMatch& m) {
      return StrCat("chain(", Describe(*m.target), ")");
    }
    std::string operator()(const store::ReverseChainMatch& m) {
      return StrCat("has(", m.reference_param, " <- ", Describe(*m.source), ")");
    }
    std::string operator()(const store::IdMatch& m) { return StrCat("id(", m.id, ")"); }
    std::string operator()(const store::CompositeMatch& m) {
      std::string s = "composite(";
      for (size_t i = 0; i < m.parts.size(); ++i) {
        s += (i ? " $ " : "") +
             std::visit([](const auto& part) -> std::string { return DescribePredicate(part); },
                        m.parts[i]);
      }
      return s + ")";
    }
    std::string operator()(const store::CompartmentMatch& m) {
      return StrCat("compartment(", m.target_type, "/", m.target_id, ")");
    }
  };
  return std::visit(V{}, p);
}

std::string DescribeClause(const Clause& c) {
  static const char* const kKinds[] = {"token",     "string", "date", "number",   "quantity",
                                       "reference", "uri",    "id",   "composite"};
  std::string rows;  // row_params, when the parameter has no rows of its own
  for (const std::string& p : c.row_params) rows += (rows.empty() ? "; rows of " : "|") + p;
  if (!c.row_target_type.empty()) rows += "->" + c.row_target_type;
  std::string s =
      StrCat(c.negate ? "NOT " : "", c.param, "[", kKinds[static_cast<int>(c.kind)], rows, "]:");
  for (size_t i = 0; i < c.any_of.size(); ++i) {
    s += (i ? " OR " : " ") + DescribePredicate(c.any_of[i]);
  }
  return s;
}

std::string Describe(const Query& q) {
  std::string s = q.type + "{";
  for (size_t i = 0; i < q.all_of.size(); ++i) s += (i ? "; " : "") + DescribeClause(q.all_of[i]);
  return s + "}";
}

ParsedSearch MustParse(std::string_view type, const SearchParams& params,
                       const SearchOptions& options = {}) {
  auto parsed = ParseSearch(Registry::Default(), type, params, options);
  EXPECT_TRUE(parsed.ok()) << Message(parsed.status());
  return parsed.ok() ? std::move(*parsed) : ParsedSearch{};
}

std::string Plan(std::string_view type, const SearchParams& params) {
  return Describe(MustParse(type, params).query);
}

// The InvalidArgument message of a failing parse.
std::string Error(std::string_view type, const SearchParams& params,
                  const SearchOptions& options = {}) {
  auto parsed = ParseSearch(Registry::Default(), type, params, options);
  if (parsed.ok()) return "OK";
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(Message(parsed.status()));
}

int64_t Low(std::string_view date) { return ParseDateRange(date)->low; }
int64_t High(std::string_view date) { return ParseDateRange(date)->high; }

TEST(SearchParse, TokenForms) {
  EXPECT_EQ(Plan("Observation", {{"code", "http://loinc.org|8302-2"}}),
            "Observation{code[token]: token('http://loinc.org'|'8302-2')}");
  EXPECT_EQ(Plan("Observation", {{"code", "|8302-2"}}),
            "Observation{code[token]: token(''|'8302-2')}");
  EXPECT_EQ(Plan("Observation", {{"code", "http://loinc.org|"}}),
            "Observation{code[token]: token('http://loinc.org'|*)}");
  EXPECT_EQ(Plan("Observation", {{"code", "8302-2"}}),
            "Observation{code[token]: token(*|'8302-2')}");
  EXPECT_EQ(Plan("Patient", {{"gender:not", "male"}}),
            "Patient{NOT gender[token]: token(*|'male')}");
  EXPECT_EQ(Plan("Observation", {{"code:text", "Body Héight"}}),
            "Observation{code[token]: text(body height)}");
  EXPECT_EQ(Plan("Patient",
                 {{"identifier:of-type", "http://terminology.hl7.org/CodeSystem/v2-0203|MR|123"}}),
            "Patient{identifier:of-type[token]: "
            "token('http://terminology.hl7.org/CodeSystem/v2-0203'|'MR|123')}");
  EXPECT_EQ(Error("Patient", {{"identifier:of-type", "MR|123"}}),
            "malformed :of-type value 'MR|123' for parameter 'identifier': expected "
            "system|type-code|value");
  EXPECT_EQ(Error("Observation", {{"code", "a|b|c"}}),
            "malformed token 'a|b|c' for parameter 'code': expected [system|]code");
}

TEST(SearchParse, CommaIsOrRepeatIsAndBackslashEscapes) {
  EXPECT_EQ(Plan("Observation", {{"code", "a,b"}, {"code", "c"}}),
            "Observation{code[token]: token(*|'a') OR token(*|'b'); code[token]: token(*|'c')}");
  EXPECT_EQ(Plan("Patient", {{"name", "Smith\\, John"}}),
            "Patient{name[string]: string-starts(smith, john)}");
  EXPECT_EQ(Plan("Observation", {{"code", "a\\|b"}}), "Observation{code[token]: token(*|'a|b')}");
  // Empty values are ignored.
  EXPECT_EQ(Plan("Observation", {{"code", ""}}), "Observation{}");
}

TEST(SearchParse, MissingOnEveryType) {
  EXPECT_EQ(Plan("Patient", {{"birthdate:missing", "true"}, {"name:missing", "false"}}),
            "Patient{birthdate[date]: missing(true); name[string]: missing(false)}");
  EXPECT_EQ(Error("Patient", {{"name:missing", "maybe"}}),
            "the value of name:missing must be true or false, not 'maybe'");
}

TEST(SearchParse, StringModes) {
  EXPECT_EQ(
      Plan("Patient", {{"name", "Müller"}, {"family:exact", "Müller"}, {"given:contains", "AN"}}),
      "Patient{name[string]: string-starts(muller); family[string]: string-exact(Müller); "
      "given[string]: string-contains(an)}");
  EXPECT_EQ(Error("Patient", {{"name:below", "x"}}),
            "unknown or unsupported modifier ':below' on string parameter 'name'");
}

TEST(SearchParse, DatesOfEveryPrecisionWithPrefixes) {
  EXPECT_EQ(Plan("Patient", {{"birthdate", "1980"}}),
            StrCat("Patient{birthdate[date]: date(eq ", Low("1980"), "..", High("1980"), ")}"));
  EXPECT_EQ(
      Plan("Patient", {{"birthdate", "ge1980-05"}}),
      StrCat("Patient{birthdate[date]: date(ge ", Low("1980-05"), "..", High("1980-05-31"), ")}"));
  EXPECT_EQ(Plan("Observation", {{"date", "lt2020-01-02T10:00:00+02:00"}}),
            StrCat("Observation{date[date]: date(lt ", Low("2020-01-02T08:00:00Z"), "..",
                   Low("2020-01-02T08:00:00Z") + 999, ")}"));
  // No offset: UTC.
  EXPECT_EQ(Plan("Observation", {{"date", "2020-01-02T10:00"}}),
            StrCat("Observation{date[date]: date(eq ", Low("2020-01-02T10:00:00Z"), "..",
                   Low("2020-01-02T10:01:00Z") - 1, ")}"));
  for (std::string_view p : {"eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"}) {
    EXPECT_NE(Plan("Observation", {{"date", StrCat(p, "2020")}}).find(StrCat("date(", p, " ")),
              std::string::npos)
        << p;
  }
  EXPECT_EQ(Plan("Observation", {{"_lastUpdated", "gt2021-01-01"}}),
            StrCat("Observation{_lastUpdated[date]: date(gt ", Low("2021-01-01"), "..",
                   High("2021-01-01"), ")}"));
  EXPECT_EQ(Error("Patient", {{"birthdate", "1980-13"}}),
            "malformed date '1980-13' for parameter 'birthdate'");
  EXPECT_EQ(Error("Patient", {{"birthdate", "yesterday"}}),
            "unknown prefix 'ye' in 'yesterday' for parameter 'birthdate'");
  EXPECT_EQ(Error("Patient", {{"birthdate", "xx2020"}}),
            "unknown prefix 'xx' in 'xx2020' for parameter 'birthdate'");
}

TEST(SearchParse, Numbers) {
  EXPECT_EQ(Plan("RiskAssessment", {{"probability", "gt0.5"}}),
            "RiskAssessment{probability[number]: number(gt 0.5 [0.45,0.55])}");
  EXPECT_EQ(Plan("RiskAssessment", {{"probability", "100"}}),
            "RiskAssessment{probability[number]: number(eq 100 [99.5,100.5])}");
  EXPECT_EQ(Error("RiskAssessment", {{"probability", "abc"}}),
            "unknown prefix 'ab' in 'abc' for parameter 'probability'");
  EXPECT_EQ(Error("RiskAssessment", {{"probability", "ge1.2.3"}}),
            "malformed number 'ge1.2.3' for parameter 'probability'");
}

TEST(SearchParse, Quantities) {
  EXPECT_EQ(Plan("Observation", {{"value-quantity", "le5.4|http://unitsofmeasure.org|mg"}}),
            "Observation{value-quantity[quantity]: quantity(le 5.4 [5.35,5.45] "
            "'http://unitsofmeasure.org' 'mg')}");
  EXPECT_EQ(Plan("Observation", {{"value-quantity", "5.4||mg"}}),
            "Observation{value-quantity[quantity]: quantity(eq 5.4 [5.35,5.45] * 'mg')}");
  EXPECT_EQ(Plan("Observation", {{"value-quantity", "ap5"}}),
            "Observation{value-quantity[quantity]: quantity(ap 5 [4.5,5.5] * *)}");
  EXPECT_EQ(Error("Observation", {{"value-quantity", "5|mg"}}),
            "malformed quantity '5|mg' for parameter 'value-quantity': expected "
            "[prefix]number[|system|code]");
  EXPECT_EQ(Error("Observation", {{"value-quantity", "5x||mg"}}),
            "malformed number '5x||mg' for parameter 'value-quantity'");
}

TEST(SearchParse, References) {
  EXPECT_EQ(Plan("Observation", {{"subject", "Patient/123"}}),
            "Observation{subject[reference]: ref(Patient/123 url=)}");
  EXPECT_EQ(Plan("Observation", {{"subject", "Patient/123/_history/4"}}),
            "Observation{subject[reference]: ref(Patient/123 url=)}");
  EXPECT_EQ(Plan("Observation", {{"subject:Patient", "123"}}),
            "Observation{subject[reference]: ref(Patient/123 url=)}");
  // Several targets and no :Type: any type.
  EXPECT_EQ(Plan("Observation", {{"subject", "123"}}),
            "Observation{subject[reference]: ref(/123 url=)}");
  // One target: typed.
  EXPECT_EQ(Plan("Patient", {{"organization", "o1"}}),
            "Patient{organization[reference]: ref(Organization/o1 url=)}");
  EXPECT_EQ(Plan("Observation", {{"subject", "http://other/fhir/Patient/1"}}),
            "Observation{subject[reference]: ref(/ url=http://other/fhir/Patient/1)}");
  EXPECT_EQ(Plan("Observation", {{"_id", "a,b"}}), "Observation{_id[id]: id(a) OR id(b)}");
  EXPECT_EQ(Error("Observation", {{"subject:Patient", "Group/1"}}),
            "reference 'Group/1' does not match the modifier :Patient");
  EXPECT_EQ(Error("Observation", {{"subject:below", "x|1"}}),
            "unknown or unsupported modifier ':below' on reference parameter 'subject'");
  EXPECT_EQ(Error("Observation", {{"subject", "Nope/1"}}),
            "malformed reference 'Nope/1' for parameter 'subject': expected [Type/]id or an "
            "absolute URL");
}

TEST(SearchParse, Uris) {
  EXPECT_EQ(Plan("ValueSet",
                 {{"url", "http://a/b"}, {"url:below", "http://a"}, {"url:above", "http://a/b/c"}}),
            "ValueSet{url[uri]: uri-exact(http://a/b); url[uri]: uri-below(http://a); "
            "url[uri]: uri-above(http://a/b/c)}");
  EXPECT_EQ(Plan("Patient", {{"_profile", "http://p"}}),
            "Patient{_profile[uri]: uri-exact(http://p)}");
}

TEST(SearchParse, ChainsWithTypeModifier) {
  EXPECT_EQ(Plan("Observation", {{"subject:Patient.name", "peter"}}),
            "Observation{subject[reference]: chain(Patient{name[string]: string-starts(peter)})}");
}

TEST(SearchParse, ChainsIntoEveryTargetThatHasTheParam) {
  // Observation.subject targets Group, Device, Patient, Location; only Patient has `name`
  // among... Device has device-name, Location has name, Group has none.
  EXPECT_EQ(Plan("Observation", {{"subject.name", "peter,paul"}}),
            "Observation{subject[reference]: "
            "chain(Patient{name[string]: string-starts(peter) OR string-starts(paul)}) OR "
            "chain(Location{name[string]: string-starts(peter) OR string-starts(paul)})}");
}

TEST(SearchParse, TwoLevelChain) {
  EXPECT_EQ(Plan("Observation", {{"patient.organization.name", "Acme"}}),
            "Observation{patient[reference; rows of subject|patient->Patient]: "
            "chain(Patient{organization[reference]: "
            "chain(Organization{name[string]: string-starts(acme)})})}");
  EXPECT_EQ(Plan("Observation", {{"patient.birthdate", "ge2000"}}),
            StrCat("Observation{patient[reference; rows of subject|patient->Patient]: "
                   "chain(Patient{birthdate[date]: date(ge ",
                   Low("2000"), "..", High("2000"), ")})}"));
  EXPECT_EQ(Plan("Observation", {{"focus:Patient.gender", "male"}}),
            "Observation{focus[reference]: chain(Patient{gender[token]: token(*|'male')})}");
  EXPECT_EQ(Error("RequestGroup", {{"instantiates-canonical.name", "x"}}),
            "cannot chain through 'instantiates-canonical' without a :Type modifier: it may "
            "refer to any resource type");
  EXPECT_EQ(Error("Observation", {{"code.name", "x"}}),
            "cannot chain through 'code': it is a token parameter, not a reference");
  EXPECT_EQ(Error("Observation", {{"subject:Patient.birthdate", "1980-99"}}),
            "malformed date '1980-99' for parameter 'birthdate'");
  EXPECT_EQ(Error("Patient", {{"organization.partof.partof.partof.partof.name", "x"}}),
            "parameter 'partof.name' nests chains or _has deeper than 4");
}

TEST(SearchParse, ReverseChains) {
  EXPECT_EQ(Plan("Patient", {{"_has:Observation:patient:code", "1234"}}),
            "Patient{_has[reference]: has(subject <- Observation{code[token]: token(*|'1234')})}");
  EXPECT_EQ(Plan("Patient", {{"_has:Observation:patient:_has:AuditEvent:entity:agent", "dr1"}}),
            "Patient{_has[reference]: has(subject <- Observation{_has[reference]: has(entity <- "
            "AuditEvent{agent[reference]: ref(/dr1 url=)})})}");
  EXPECT_EQ(Error("Patient", {{"_has:Observation:code:code", "1"}}),
            "'code' in '_has:Observation:code:code' is not a reference parameter of Observation");
  EXPECT_EQ(Error("Patient", {{"_has:Observation", "1"}}),
            "malformed _has parameter '_has:Observation': expected "
            "_has:Type:reference-param:param");
  EXPECT_EQ(Error("Patient", {{"_has:Observation:patient:date", "bad"}}),
            "unknown prefix 'ba' in 'bad' for parameter 'date'");
}

TEST(SearchParse, SortCountOffsetTotal) {
  ParsedSearch p = MustParse(
      "Observation",
      {{"_sort", "date,-code,_id"}, {"_count", "10"}, {"_offset", "20"}, {"_total", "none"}});
  ASSERT_EQ(p.query.sort.size(), 3u);
  EXPECT_EQ(p.query.sort[0].param, "date");
  EXPECT_EQ(p.query.sort[0].kind, store::RowKind::kDate);
  EXPECT_FALSE(p.query.sort[0].descending);
  EXPECT_EQ(p.query.sort[1].param, "code");
  EXPECT_EQ(p.query.sort[1].kind, store::RowKind::kToken);
  EXPECT_TRUE(p.query.sort[1].descending);
  EXPECT_EQ(p.query.sort[2].kind, store::RowKind::kId);
  EXPECT_EQ(p.query.count, 10u);
  EXPECT_EQ(p.query.offset, 20u);
  EXPECT_EQ(p.query.total, store::TotalMode::kNone);

  EXPECT_EQ(MustParse("Observation", {}).query.count, 50u);
  EXPECT_EQ(MustParse("Observation", {{"_count", "0"}}).query.count, 0u);
  ParsedSearch capped = MustParse("Observation", {{"_count", "5000"}});
  EXPECT_EQ(capped.query.count, 1000u);
  EXPECT_EQ(capped.warnings, std::vector<std::string>{"_count 5000 capped at 1000"});
  EXPECT_EQ(MustParse("Observation", {{"_total", "estimate"}}).query.total,
            store::TotalMode::kEstimate);

  EXPECT_EQ(Error("Observation", {{"_count", "ten"}}),
            "the value of _count must be a non-negative integer, not 'ten'");
  EXPECT_EQ(Error("Observation", {{"_count", "-1"}}),
            "the value of _count must be a non-negative integer, not '-1'");
  EXPECT_EQ(Error("Observation", {{"_offset", "x"}}),
            "the value of _offset must be a non-negative integer, not 'x'");
  EXPECT_EQ(Error("Observation", {{"_sort", "nope"}}),
            "cannot sort by 'nope': not a sortable search parameter of Observation");
  EXPECT_EQ(Error("Observation", {{"_sort", "code-value-quantity"}}),
            "cannot sort by 'code-value-quantity': not a sortable search parameter of Observation");
  EXPECT_EQ(Error("Observation", {{"_total", "all"}}),
            "the value of _total must be none, estimate or accurate, not 'all'");
}

TEST(SearchParse, SummaryElementsIncludes) {
  ParsedSearch p = MustParse("Observation", {{"_summary", "count"},
                                             {"_elements", "code, subject"},
                                             {"_include", "Observation:patient"},
                                             {"_include:iterate", "Patient:organization"},
                                             {"_revinclude", "Provenance:target"},
                                             {"_include", "Observation:subject:Patient"},
                                             {"_format", "json"},
                                             {"_pretty", "true"}});
  EXPECT_EQ(p.summary, "count");
  EXPECT_EQ(p.query.count, 0u);
  EXPECT_EQ(p.elements, (std::vector<std::string>{"code", "subject"}));
  ASSERT_EQ(p.includes.size(), 3u);
  EXPECT_EQ(p.includes[0].source_type, "Observation");
  // patient is subject narrowed to Patient targets (ParamDef::narrows).
  EXPECT_EQ(p.includes[0].param, "subject");
  EXPECT_EQ(p.includes[0].target_type, "Patient");
  EXPECT_FALSE(p.includes[0].iterate);
  EXPECT_TRUE(p.includes[1].iterate);
  EXPECT_EQ(p.includes[2].target_type, "Patient");
  ASSERT_EQ(p.revincludes.size(), 1u);
  EXPECT_EQ(p.revincludes[0].source_type, "Provenance");
  EXPECT_TRUE(p.warnings.empty());

  EXPECT_EQ(Error("Observation", {{"_summary", "maybe"}}),
            "the value of _summary must be true, count, data, text or false, not 'maybe'");
  EXPECT_EQ(Error("Observation", {{"_include", "Observation:code"}}),
            "_include 'Observation:code': 'code' is not a reference search parameter of "
            "'Observation'");
  EXPECT_EQ(Error("Observation", {{"_include", "Observation"}}),
            "malformed _include 'Observation': expected Type:param[:TargetType]");
  EXPECT_EQ(Error("Observation", {{"_include", "Patient:organization"}}),
            "_include 'Patient:organization' must start with Observation (or use :iterate)");
}

TEST(SearchParse, UnknownParametersLenientAndStrict) {
  ParsedSearch p = MustParse(
      "Patient", {{"foo", "1"}, {"gender", "male"}, {"code-value-quantity", "x"}, {"_text", "x"}});
  EXPECT_EQ(Describe(p.query), "Patient{gender[token]: token(*|'male')}");
  EXPECT_EQ(p.warnings,
            (std::vector<std::string>{"unknown search parameter 'foo' ignored",
                                      "unknown search parameter 'code-value-quantity' ignored",
                                      "unsupported search parameter '_text' ignored"}));
  ParsedSearch special = MustParse("Location", {{"near", "42.2|-83.1|10|km"}});
  EXPECT_EQ(special.warnings, (std::vector<std::string>{"unsupported special search parameter "
                                                        "'near' ignored"}));
  ParsedSearch chain = MustParse("Observation", {{"subject.nope", "x"}});
  EXPECT_EQ(chain.warnings,
            (std::vector<std::string>{"unknown chained search parameter 'subject.nope' ignored"}));

  SearchOptions strict;
  strict.strict = true;
  EXPECT_EQ(Error("Patient", {{"foo", "1"}}, strict), "unknown search parameter 'foo'");
  EXPECT_EQ(Error("Location", {{"near", "42.2|-83.1|10|km"}}, strict),
            "unsupported special search parameter 'near'");
  // Unknown modifiers are errors in both modes.
  EXPECT_EQ(Error("Patient", {{"gender:foo", "male"}}),
            "unknown or unsupported modifier ':foo' on token parameter 'gender'");
  EXPECT_EQ(Error("Patient", {{"birthdate:exact", "2000"}}),
            "unknown or unsupported modifier ':exact' on date parameter 'birthdate'");
  EXPECT_EQ(Error("Nope", {}), "unknown resource type 'Nope'");
}

TEST(SearchParse, SelfParamsInCanonicalOrder) {
  ParsedSearch p = MustParse("Observation", {{"_offset", "50"},
                                             {"_include", "Observation:patient"},
                                             {"foo", "x"},
                                             {"code", "a,b"},
                                             {"_sort", "-date"},
                                             {"date", "ge2020"},
                                             {"_format", "json"},
                                             {"_summary", "data"},
                                             {"_total", "accurate"},
                                             {"_elements", "code"}});
  std::vector<std::pair<std::string, std::string>> expected = {
      {"code", "a,b"},        {"date", "ge2020"},
      {"_sort", "-date"},     {"_count", "50"},
      {"_total", "accurate"}, {"_summary", "data"},
      {"_elements", "code"},  {"_include", "Observation:patient"},
      {"_offset", "50"}};
  EXPECT_EQ(p.self_params, expected);
}

// FHIR R4 search §3.1.1.4.8: "$" separates the component values, each read by
// its component parameter's type; all of them must match in one element.
TEST(SearchParse, Composites) {
  EXPECT_EQ(Plan("Observation", {{"code-value-quantity", "http://loinc.org|8480-6$gt140"}}),
            "Observation{code-value-quantity[composite]: composite(token('http://loinc.org'|"
            "'8480-6') $ quantity(gt 140 [139.5,140.5] * *))}");
  EXPECT_EQ(Plan("Observation", {{"component-code-value-quantity",
                                  "8480-6$lt60|http://unitsofmeasure.org|mm[Hg]"}}),
            "Observation{component-code-value-quantity[composite]: composite(token(*|'8480-6') $ "
            "quantity(lt 60 [59.5,60.5] 'http://unitsofmeasure.org' 'mm[Hg]'))}");
  EXPECT_EQ(Plan("Observation", {{"combo-code-value-concept", "a$http://snomed.info/sct|123,b$c"}}),
            "Observation{combo-code-value-concept[composite; rows of "
            "code-value-concept|component-code-value-concept]: composite(token(*|'a') $ "
            "token('http://snomed.info/sct'|'123')) OR composite(token(*|'b') $ token(*|'c'))}");
  EXPECT_EQ(Plan("Observation", {{"code-value-date", "8302-2$ge2020"}}),
            StrCat("Observation{code-value-date[composite]: composite(token(*|'8302-2') $ date(ge ",
                   Low("2020"), "..", High("2020"), "))}"));
  EXPECT_EQ(Plan("Observation", {{"code-value-string", "x\\$y$Héllo"}}),
            "Observation{code-value-string[composite]: composite(token(*|'x$y') $ "
            "string-starts(hello))}");
  // Three components: token, number, number.
  EXPECT_EQ(Plan("MolecularSequence", {{"chromosome-window-coordinate", "1$ge10$lt20"}}),
            "MolecularSequence{chromosome-window-coordinate[composite]: composite(token(*|'1') $ "
            "number(ge 10 [9.5,10.5]) $ number(lt 20 [19.5,20.5]))}");
  EXPECT_EQ(Plan("Observation", {{"code-value-quantity:missing", "true"}}),
            "Observation{code-value-quantity[composite]: missing(true)}");

  EXPECT_EQ(Error("Observation", {{"code-value-quantity", "8480-6"}}),
            "composite parameter 'code-value-quantity' takes 2 values separated by '$', not "
            "'8480-6'");
  EXPECT_EQ(Error("Observation", {{"code-value-quantity", "a$b$c"}}),
            "composite parameter 'code-value-quantity' takes 2 values separated by '$', not "
            "'a$b$c'");
  EXPECT_EQ(Error("Observation", {{"code-value-quantity", "8480-6$"}}),
            "composite parameter 'code-value-quantity' has an empty component in '8480-6$'");
  EXPECT_EQ(Error("Observation", {{"code-value-quantity", "8480-6$gtx"}}),
            "malformed number 'gtx' for parameter 'code-value-quantity'");
  EXPECT_EQ(Error("Observation", {{"code-value-quantity:exact", "a$1"}}),
            "unknown or unsupported modifier ':exact' on composite parameter "
            "'code-value-quantity'");
}

TEST(SearchParse, ReferenceIdentifier) {
  EXPECT_EQ(Plan("Observation", {{"subject:identifier", "http://hospital.org/mrn|123"}}),
            "Observation{subject:identifier[token]: token('http://hospital.org/mrn'|'123')}");
  EXPECT_EQ(Plan("Observation", {{"subject:identifier", "123,|456"}}),
            "Observation{subject:identifier[token]: token(*|'123') OR token(''|'456')}");
}

TEST(SearchParse, TokenInAndNotInValueSets) {
  const std::string kGender = "http://hl7.org/fhir/administrative-gender";
  // Each code with its system, then without one (a bare `code` element).
  const std::string kCodes =
      StrCat("token('", kGender, "'|'female') OR token('", kGender, "'|'male') OR token('", kGender,
             "'|'other') OR token('", kGender, "'|'unknown') OR token(''|'female') OR ",
             "token(''|'male') OR token(''|'other') OR token(''|'unknown')}");
  EXPECT_EQ(Plan("Patient", {{"gender:in", "http://hl7.org/fhir/ValueSet/administrative-gender"}}),
            "Patient{gender[token]: " + kCodes);
  // A version suffix is ignored; :not-in negates.
  EXPECT_EQ(Plan("Patient",
                 {{"gender:not-in", "http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1"}}),
            "Patient{NOT gender[token]: " + kCodes);
  EXPECT_EQ(Error("Patient", {{"gender:in", "http://example.org/nope"}}),
            "unknown value set 'http://example.org/nope'");
  EXPECT_EQ(Error("Observation", {{"code:in", "http://hl7.org/fhir/ValueSet/observation-codes"}}),
            "cannot expand value set 'http://hl7.org/fhir/ValueSet/observation-codes': it uses "
            "filters or code systems this server does not hold");
}

TEST(SearchParse, IncludeEveryReferenceParam) {
  ParsedSearch p = MustParse(
      "Observation",
      {{"_include", "*"}, {"_include", "Observation:*"}, {"_include:iterate", "Patient:*"}});
  ASSERT_EQ(p.includes.size(), 3u);
  EXPECT_EQ(p.includes[0].source_type, "Observation");
  EXPECT_EQ(p.includes[0].param, "");
  EXPECT_EQ(p.includes[0].target_type, "");
  EXPECT_FALSE(p.includes[0].iterate);
  EXPECT_EQ(p.includes[1].source_type, "Observation");
  EXPECT_EQ(p.includes[1].param, "");
  EXPECT_EQ(p.includes[2].source_type, "Patient");
  EXPECT_TRUE(p.includes[2].iterate);
  std::vector<std::pair<std::string, std::string>> expected = {{"_count", "50"},
                                                               {"_include", "*"},
                                                               {"_include", "Observation:*"},
                                                               {"_include:iterate", "Patient:*"}};
  EXPECT_EQ(p.self_params, expected);
  EXPECT_EQ(Error("Observation", {{"_include", "Patient:*"}}),
            "_include 'Patient:*' must start with Observation (or use :iterate)");
  EXPECT_EQ(Error("Observation", {{"_include:iterate", "Nope:*"}}),
            "_include 'Nope:*': unknown resource type 'Nope'");
  EXPECT_EQ(Error("Observation", {{"_revinclude", "*"}}),
            "malformed _revinclude '*': expected Type:param[:TargetType]");
}

}  // namespace
}  // namespace vigil::search
