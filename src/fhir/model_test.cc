#include "fhir/model.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace vigil::fhir {
namespace {

std::vector<std::string> Names(std::span<const std::string_view> names) {
  return {names.begin(), names.end()};
}

const ElementInfo& Element(std::string_view type, std::string_view name) {
  const TypeInfo* t = FindType(type);
  EXPECT_NE(t, nullptr) << type;
  const ElementInfo* e = t == nullptr ? nullptr : t->FindElement(name);
  EXPECT_NE(e, nullptr) << type << "." << name;
  static const ElementInfo kMissing;
  return e == nullptr ? kMissing : *e;
}

TEST(ModelTest, PatientBirthDateIsDate) {
  const ElementInfo& birth_date = Element("Patient", "birthDate");
  EXPECT_EQ(Names(birth_date.types), std::vector<std::string>{"date"});
  EXPECT_FALSE(birth_date.is_array);
  EXPECT_FALSE(birth_date.is_choice);
  EXPECT_TRUE(birth_date.is_summary);
  EXPECT_EQ(birth_date.min, 0);
  const TypeInfo* date = FindType("date");
  ASSERT_NE(date, nullptr);
  EXPECT_EQ(date->kind, TypeKind::kPrimitive);
  EXPECT_EQ(date->system_type, SystemType::kDate);
}

TEST(ModelTest, PrimitiveSystemTypes) {
  struct Case {
    std::string_view type;
    SystemType system;
  };
  for (const Case& c : {Case{"boolean", SystemType::kBoolean},
                        {"integer", SystemType::kInteger},
                        {"unsignedInt", SystemType::kInteger},
                        {"positiveInt", SystemType::kInteger},
                        {"decimal", SystemType::kDecimal},
                        {"dateTime", SystemType::kDateTime},
                        {"instant", SystemType::kDateTime},
                        {"time", SystemType::kTime},
                        {"code", SystemType::kString},
                        {"xhtml", SystemType::kString},
                        {"base64Binary", SystemType::kString}}) {
    const TypeInfo* t = FindType(c.type);
    ASSERT_NE(t, nullptr) << c.type;
    EXPECT_EQ(t->system_type, c.system) << c.type;
  }
  EXPECT_EQ(FindType("HumanName")->system_type, SystemType::kNone);
}

TEST(ModelTest, PrimitiveHasIdAndExtensionButNoValueElement) {
  const TypeInfo* t = FindType("string");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->elements.size(), 2u);
  EXPECT_EQ(t->elements[0].name, "id");
  EXPECT_EQ(t->elements[1].name, "extension");
  EXPECT_EQ(t->FindElement("value"), nullptr);
}

TEST(ModelTest, SystemTypedElementsUseFhirTypes) {
  EXPECT_EQ(Names(Element("Element", "id").types), std::vector<std::string>{"string"});
  EXPECT_EQ(Names(Element("Extension", "url").types), std::vector<std::string>{"uri"});
  EXPECT_EQ(Element("Extension", "url").min, 1);
}

TEST(ModelTest, ObservationValueIsChoice) {
  const ElementInfo& value = Element("Observation", "value");
  EXPECT_TRUE(value.is_choice);
  std::vector<std::string> types = Names(value.types);
  EXPECT_NE(std::find(types.begin(), types.end(), "Quantity"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "string"), types.end());
  EXPECT_EQ(FindType("Observation")->FindElement("valueQuantity"), nullptr);
}

TEST(ModelTest, InheritedElementsComeFirstInDefinitionOrder) {
  const TypeInfo* patient = FindType("Patient");
  ASSERT_NE(patient, nullptr);
  ASSERT_GE(patient->elements.size(), 9u);
  std::vector<std::string_view> first;
  for (size_t i = 0; i < 8; ++i) first.push_back(patient->elements[i].name);
  EXPECT_EQ(first, (std::vector<std::string_view>{"id", "meta", "implicitRules", "language", "text",
                                                  "contained", "extension", "modifierExtension"}));
  EXPECT_TRUE(Element("Patient", "modifierExtension").is_modifier);
  EXPECT_TRUE(Element("Patient", "name").is_array);
}

TEST(ModelTest, BackboneElementsAreTypesNamedByPath) {
  const ElementInfo& contact = Element("Patient", "contact");
  EXPECT_EQ(Names(contact.types), std::vector<std::string>{"Patient.contact"});
  const TypeInfo* t = FindType("Patient.contact");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->kind, TypeKind::kBackbone);
  EXPECT_EQ(t->base_name, "BackboneElement");
  EXPECT_EQ(Names(Element("Patient.contact", "name").types), std::vector<std::string>{"HumanName"});
  EXPECT_NE(FindType("Claim.item.detail"), nullptr);
  EXPECT_NE(FindType("Claim.item.detail.subDetail"), nullptr);
  // Complex types have Element-based backbones.
  const TypeInfo* repeat = FindType("Timing.repeat");
  ASSERT_NE(repeat, nullptr);
  EXPECT_EQ(repeat->base_name, "Element");
  EXPECT_EQ(repeat->FindElement("modifierExtension"), nullptr);
}

TEST(ModelTest, ContentReferencePointsAtBackbone) {
  EXPECT_EQ(Names(Element("Questionnaire.item", "item").types),
            std::vector<std::string>{"Questionnaire.item"});
  EXPECT_EQ(FindType("Questionnaire.item.item"), nullptr);
  EXPECT_EQ(Names(Element("Parameters.parameter", "part").types),
            std::vector<std::string>{"Parameters.parameter"});
}

TEST(ModelTest, IsAWalksBaseTypes) {
  const TypeInfo* patient = FindType("Patient");
  ASSERT_NE(patient, nullptr);
  EXPECT_TRUE(patient->IsA("Patient"));
  EXPECT_TRUE(patient->IsA("DomainResource"));
  EXPECT_TRUE(patient->IsA("Resource"));
  EXPECT_FALSE(patient->IsA("Element"));
  EXPECT_EQ(patient->base()->name, "DomainResource");
  EXPECT_EQ(FindType("Resource")->base(), nullptr);
  EXPECT_EQ(FindType("Element")->base(), nullptr);
  EXPECT_TRUE(FindType("Age")->IsA("Quantity"));
  EXPECT_TRUE(FindType("Age")->IsA("Element"));
  EXPECT_FALSE(FindType("Quantity")->IsA("Age"));
  EXPECT_TRUE(FindType("code")->IsA("string"));
  EXPECT_TRUE(FindType("positiveInt")->IsA("integer"));
  EXPECT_TRUE(FindType("Patient.contact")->IsA("BackboneElement"));
  EXPECT_TRUE(FindType("Bundle")->IsA("Resource"));
  EXPECT_FALSE(FindType("Bundle")->IsA("DomainResource"));
}

TEST(ModelTest, ChoiceTypeOf) {
  const ElementInfo& value = Element("Observation", "value");
  EXPECT_EQ(ChoiceTypeOf(value, "valueQuantity"), "Quantity");
  EXPECT_EQ(ChoiceTypeOf(value, "valueString"), "string");
  EXPECT_EQ(ChoiceTypeOf(value, "valueDateTime"), "dateTime");
  EXPECT_EQ(ChoiceTypeOf(value, "valueCodeableConcept"), "CodeableConcept");
  EXPECT_EQ(ChoiceTypeOf(value, "value"), "");
  EXPECT_EQ(ChoiceTypeOf(value, "valuestring"), "");
  EXPECT_EQ(ChoiceTypeOf(value, "valueHumanName"), "");  // not allowed on Observation
  EXPECT_EQ(ChoiceTypeOf(value, "valueQuantityX"), "");
  EXPECT_EQ(ChoiceTypeOf(value, "effectiveDateTime"), "");
  EXPECT_EQ(ChoiceTypeOf(Element("Patient", "deceased"), "deceasedBoolean"), "boolean");
  EXPECT_EQ(ChoiceTypeOf(Element("Patient", "birthDate"), "birthDate"), "");  // not a choice
}

TEST(ModelTest, ResourceTypes) {
  EXPECT_TRUE(IsResourceType("Patient"));
  EXPECT_TRUE(IsResourceType("Bundle"));
  EXPECT_FALSE(IsResourceType("Resource"));
  EXPECT_FALSE(IsResourceType("DomainResource"));
  EXPECT_FALSE(IsResourceType("HumanName"));
  EXPECT_FALSE(IsResourceType("Patient.contact"));
  EXPECT_FALSE(IsResourceType("patient"));
  EXPECT_FALSE(IsResourceType("MetadataResource"));  // logical model, not generated
  EXPECT_FALSE(IsResourceType(""));
  int concrete = 0;
  for (const TypeInfo& t : AllTypes()) concrete += IsResourceType(t.name) ? 1 : 0;
  EXPECT_EQ(concrete, 146);  // R4 (4.0.1) defines 146 concrete resource types
}

TEST(ModelTest, ConstraintProfilesAreNotTypes) {
  EXPECT_EQ(FindType("SimpleQuantity"), nullptr);
  EXPECT_EQ(FindType("MoneyQuantity"), nullptr);
  EXPECT_NE(FindType("Quantity"), nullptr);
}

TEST(ModelTest, ReferenceTargets) {
  const ElementInfo& subject = Element("Observation", "subject");
  EXPECT_EQ(Names(subject.types), std::vector<std::string>{"Reference"});
  EXPECT_EQ(Names(subject.target_types),
            (std::vector<std::string>{"Patient", "Group", "Device", "Location"}));
  // Any resource allowed: empty.
  EXPECT_TRUE(Element("Observation", "focus").target_types.empty());
  EXPECT_TRUE(Element("Patient", "birthDate").target_types.empty());
}

TEST(ModelTest, AllTypesSortedAndFindableWithResolvableElements) {
  std::span<const TypeInfo> all = AllTypes();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    const TypeInfo& t = all[i];
    if (i > 0) {
      EXPECT_LT(all[i - 1].name, t.name);
    }
    EXPECT_EQ(FindType(t.name), &t);
    EXPECT_EQ(t.base_name.empty(), t.base() == nullptr) << t.name;
    for (const ElementInfo& e : t.elements) {
      EXPECT_EQ(t.FindElement(e.name), &e) << t.name << "." << e.name;
      for (std::string_view type : e.types) EXPECT_NE(FindType(type), nullptr) << type;
      for (std::string_view target : e.target_types) {
        EXPECT_TRUE(IsResourceType(target)) << t.name << "." << e.name << " -> " << target;
      }
    }
    EXPECT_EQ(t.FindElement("noSuchElement"), nullptr);
  }
  EXPECT_EQ(FindType("NoSuchType"), nullptr);
  EXPECT_EQ(FindType(""), nullptr);
}

TEST(ModelTest, CallerBuiltTypeInfoFallsBackToLinearSearch) {
  static constexpr std::string_view kString[] = {"string"};
  const ElementInfo elements[] = {{.name = "b", .types = kString, .target_types = {}},
                                  {.name = "a", .types = kString, .target_types = {}}};
  TypeInfo t{.name = "Custom",
             .kind = TypeKind::kComplex,
             .system_type = SystemType::kNone,
             .is_abstract = false,
             .base_name = "Element",
             .elements = elements};
  EXPECT_EQ(t.FindElement("a"), &elements[1]);
  EXPECT_EQ(t.FindElement("c"), nullptr);
  EXPECT_TRUE(t.IsA("Element"));
}

}  // namespace
}  // namespace vigil::fhir
