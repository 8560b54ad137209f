// The generated compartment tables against the R4 CompartmentDefinitions and
// the search-parameter registry.
#include "search/compartments.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "search/registry.h"

namespace vigil::search {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CompartmentsTest, PatientCompartmentOfObservationHasSubjectAndPerformer) {
  EXPECT_THAT(CompartmentParamList("Patient", "Observation"), ElementsAre("subject", "performer"));
  EXPECT_THAT(CompartmentParamList("Patient", "AllergyIntolerance"),
              ElementsAre("patient", "recorder", "asserter"));
  EXPECT_THAT(CompartmentParamList("Encounter", "Observation"), ElementsAre("encounter"));
}

TEST(CompartmentsTest, TypesOutsideACompartmentHaveNoParams) {
  EXPECT_THAT(CompartmentParams("Patient", "Organization"), IsEmpty());
  EXPECT_THAT(CompartmentParams("Patient", "NoSuchType"), IsEmpty());
  EXPECT_THAT(CompartmentParams("Observation", "Observation"), IsEmpty());
}

TEST(CompartmentsTest, FiveCompartmentTypes) {
  for (std::string_view type : {"Patient", "Encounter", "RelatedPerson", "Practitioner", "Device"}) {
    EXPECT_TRUE(IsCompartmentType(type)) << type;
  }
  EXPECT_FALSE(IsCompartmentType("Observation"));
  EXPECT_FALSE(IsCompartmentType(""));
}

TEST(CompartmentsTest, ResourceTypesAreSortedAndIncludeThePatientLink) {
  std::vector<std::string_view> types = CompartmentResourceTypes("Patient");
  EXPECT_GT(types.size(), 50u);
  EXPECT_TRUE(std::is_sorted(types.begin(), types.end()));
  EXPECT_THAT(CompartmentParamList("Patient", "Patient"), ElementsAre("link"));
}

// Every compartment parameter is an indexed reference parameter of its type,
// so a compartment search can use the index rows.
TEST(CompartmentsTest, EveryParamIsAnIndexedReferenceParam) {
  const Registry& registry = Registry::Default();
  for (std::string_view compartment : {"Patient", "Encounter", "RelatedPerson", "Practitioner", "Device"}) {
    for (std::string_view type : CompartmentResourceTypes(compartment)) {
      for (std::string_view code : CompartmentParams(compartment, type)) {
        const ParamDef* def = registry.Find(type, code);
        ASSERT_NE(def, nullptr) << compartment << " " << type << "." << code;
        EXPECT_EQ(def->type, ParamType::kReference) << type << "." << code;
        EXPECT_TRUE(def->indexed()) << type << "." << code;
      }
    }
  }
}

}  // namespace
}  // namespace vigil::search
