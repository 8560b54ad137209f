#include "search/registry.h"

#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>

#include "base/str.h"

namespace vigil::search {
namespace {

const Registry& R() { return Registry::Default(); }

TEST(SearchRegistry, HoldsEveryR4SearchParameter) {
  EXPECT_EQ(R().source_count(), 1375u);
  std::set<std::string_view> ids;
  for (const ParamDef& def : R().all()) ids.insert(def.id);
  EXPECT_EQ(ids.size(), 1375u);
  std::cout << "registry: " << R().all().size() << " (base, code) definitions built in "
            << R().build_ms() << " ms\n";
}

TEST(SearchRegistry, EveryExpressionCompilesForItsBase) {
  EXPECT_TRUE(R().compile_errors().empty()) << R().compile_errors().front();
  for (const ParamDef& def : R().all()) {
    EXPECT_EQ(def.compiled != nullptr, !def.expression.empty()) << def.base << "." << def.code;
  }
}

TEST(SearchRegistry, FindsOwnParameters) {
  const ParamDef* code = R().Find("Observation", "code");
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->type, ParamType::kToken);
  EXPECT_EQ(code->id, "clinical-code");
  EXPECT_EQ(code->expression, "Observation.code");
  EXPECT_TRUE(code->indexed());
  EXPECT_EQ(R().Find("Observation", "nope"), nullptr);
  EXPECT_EQ(R().Find("NotAType", "code"), nullptr);
}

TEST(SearchRegistry, SplitsMultiBaseExpressions) {
  const ParamDef* med = R().Find("MedicationRequest", "code");
  ASSERT_NE(med, nullptr);
  EXPECT_EQ(med->expression, "(MedicationRequest.medication as CodeableConcept)");
  EXPECT_GT(med->full_expression.size(), med->expression.size());
  const ParamDef* allergy = R().Find("AllergyIntolerance", "code");
  ASSERT_NE(allergy, nullptr);
  EXPECT_EQ(allergy->expression, "AllergyIntolerance.code | AllergyIntolerance.reaction.substance");
  const ParamDef* patient = R().Find("Observation", "patient");
  ASSERT_NE(patient, nullptr);
  EXPECT_EQ(patient->expression, "Observation.subject.where(resolve() is Patient)");
  ASSERT_EQ(patient->targets.size(), 2u);  // clinical-patient: Patient, Group
  EXPECT_EQ(patient->targets[0], "Patient");
  // Not splittable: kept whole.
  const ParamDef* name = R().Find("InsurancePlan", "name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->expression, "name | alias");
}

TEST(SearchRegistry, ResourceLevelParametersApplyToEveryType) {
  for (std::string_view type : {"Patient", "Observation", "Bundle", "Binary"}) {
    for (std::string_view code :
         {"_id", "_lastUpdated", "_tag", "_profile", "_security", "_source"}) {
      const ParamDef* def = R().Find(type, code);
      ASSERT_NE(def, nullptr) << type << " " << code;
      EXPECT_EQ(def->base, "Resource");
    }
  }
  EXPECT_EQ(R().Find("Patient", "_lastUpdated")->type, ParamType::kDate);
  ASSERT_NE(R().Find("Patient", "_text"), nullptr);  // DomainResource
  EXPECT_FALSE(R().Find("Patient", "_text")->indexed());
  EXPECT_EQ(R().Find("Bundle", "_text"), nullptr);  // Bundle is not a DomainResource
}

TEST(SearchRegistry, ForTypeListsOwnThenInheritedParameters) {
  auto params = R().ForType("Patient");
  ASSERT_FALSE(params.empty());
  std::set<std::string_view> codes;
  for (const ParamDef* p : params) codes.insert(p->code);
  for (std::string_view code :
       {"name", "family", "birthdate", "identifier", "gender", "_id", "_lastUpdated", "_text"}) {
    EXPECT_TRUE(codes.count(code)) << code;
  }
  EXPECT_EQ(codes.size(), params.size());
  EXPECT_TRUE(R().ForType("Nope").empty());
}

TEST(SearchRegistry, CompositesAreIndexedSpecialIsNot) {
  const ParamDef* composite = R().Find("Observation", "code-value-quantity");
  ASSERT_NE(composite, nullptr);
  EXPECT_EQ(composite->type, ParamType::kComposite);
  ASSERT_EQ(composite->components.size(), 2u);
  EXPECT_EQ(composite->components[0].expression, "code");
  ASSERT_EQ(composite->compiled_components.size(), 2u);
  EXPECT_EQ(composite->compiled_components[0].type, ParamType::kToken);
  EXPECT_EQ(composite->compiled_components[0].def->code, "code");
  EXPECT_EQ(composite->compiled_components[1].type, ParamType::kQuantity);
  EXPECT_TRUE(composite->indexed());
  // Every R4 composite resolves: its components are token, quantity, date,
  // string, number or reference parameters.
  for (const ParamDef& def : R().all()) {
    if (def.type != ParamType::kComposite) continue;
    EXPECT_EQ(def.compiled_components.size(), def.components.size()) << def.base << "." << def.code;
    EXPECT_TRUE(def.indexed()) << def.base << "." << def.code;
  }
  const ParamDef* near = R().Find("Location", "near");
  ASSERT_NE(near, nullptr);
  EXPECT_EQ(near->type, ParamType::kSpecial);
  EXPECT_EQ(near->xpath_usage, XpathUsage::kNearby);
  EXPECT_FALSE(near->indexed());
}

}  // namespace
}  // namespace vigil::search

namespace vigil::search {
namespace {

std::vector<std::string> UnionOf(std::string_view type, std::string_view code) {
  const ParamDef* def = Registry::Default().Find(type, code);
  EXPECT_NE(def, nullptr) << type << "." << code;
  std::vector<std::string> out;
  if (def != nullptr) out.assign(def->union_of.begin(), def->union_of.end());
  return out;
}

TEST(RegistryUnions, ObservationCombosAreUnionsOfThePlainAndComponentParameters) {
  using V = std::vector<std::string>;
  EXPECT_EQ(UnionOf("Observation", "combo-code"), (V{"code", "component-code"}));
  EXPECT_EQ(UnionOf("Observation", "combo-value-quantity"),
            (V{"value-quantity", "component-value-quantity"}));
  EXPECT_EQ(UnionOf("Observation", "combo-code-value-quantity"),
            (V{"code-value-quantity", "component-code-value-quantity"}));
  EXPECT_EQ(UnionOf("Observation", "combo-code-value-concept"),
            (V{"code-value-concept", "component-code-value-concept"}));
  EXPECT_TRUE(UnionOf("Observation", "code").empty());
  EXPECT_TRUE(UnionOf("Observation", "value-quantity").empty());  // a union, of no parameters
  EXPECT_TRUE(UnionOf("Observation", "patient").empty());         // references are never unions
}

TEST(RegistryUnions, PatientNarrowsSubjectWhereItSaysSo) {
  const Registry& r = Registry::Default();
  for (std::string_view type : {"Observation", "Encounter", "Condition", "DiagnosticReport"}) {
    const ParamDef* patient = r.Find(type, "patient");
    ASSERT_NE(patient, nullptr) << type;
    EXPECT_EQ(patient->narrows, "subject") << type;
    EXPECT_EQ(patient->narrows_to, "Patient") << type;
  }
  EXPECT_TRUE(r.Find("AllergyIntolerance", "patient")->narrows.empty());  // its own element
  EXPECT_TRUE(r.Find("Provenance", "patient")->narrows.empty());  // narrows target, not subject
  EXPECT_TRUE(r.Find("Observation", "subject")->narrows.empty());
}

// In R4 exactly three of Observation's code-value-* composites are over the
// resource itself with components that read what other parameters read
// (value-quantity also reads SampledData, which yields no quantity rows).
// code-value-string is not: value-string also reads valueCodeableConcept.text.
TEST(RegistryComponentParams, ObservationCodeValueCompositesReadTheirComponentsRows) {
  std::map<std::string, std::vector<std::string>> found;
  for (const ParamDef& def : Registry::Default().all()) {
    for (const ParamDef* part : def.component_params) {
      found[StrCat(def.base, ".", def.code)].push_back(std::string(part->code));
    }
  }
  using V = std::vector<std::string>;
  EXPECT_EQ(found, (std::map<std::string, V>{
                       {"Observation.code-value-concept", V{"code", "value-concept"}},
                       {"Observation.code-value-date", V{"code", "value-date"}},
                       {"Observation.code-value-quantity", V{"code", "value-quantity"}}}));
  // Over component elements, not the resource: their own rows.
  const Registry& r = Registry::Default();
  EXPECT_TRUE(r.Find("Observation", "component-code-value-quantity")->component_params.empty());
}

// In R4 exactly Observation's six combo-* parameters are derived.
TEST(RegistryUnions, OnlyObservationCombosAreDerived) {
  std::set<std::string> derived;
  for (const ParamDef& def : Registry::Default().all()) {
    if (!def.union_of.empty()) derived.insert(StrCat(def.base, ".", def.code));
  }
  EXPECT_EQ(derived,
            (std::set<std::string>{
                "Observation.combo-code", "Observation.combo-code-value-concept",
                "Observation.combo-code-value-quantity", "Observation.combo-data-absent-reason",
                "Observation.combo-value-concept", "Observation.combo-value-quantity"}));
}

}  // namespace
}  // namespace vigil::search
