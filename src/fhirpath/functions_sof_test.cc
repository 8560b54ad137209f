// getResourceKey() and getReferenceKey([type]), the SQL-on-FHIR join keys.
#include <gtest/gtest.h>

#include "fhirpath/fhirpath.h"

namespace vigil::fhirpath {
namespace {

constexpr std::string_view kObservation = R"j({"resourceType":"Observation","id":"o1",
  "status":"final","code":{"text":"x"},
  "subject":{"reference":"Patient/p1/_history/2"},
  "performer":[{"reference":"Practitioner/d1"},{"reference":"http://x.org/fhir/Practitioner/d2"},
               {"reference":"#c1"},{"reference":"urn:uuid:0f2c"},{"display":"no reference"}],
  "focus":[{"reference":"Nope/1"}]})j";

std::string Eval(std::string_view expression) {
  auto resource = fhir::ParseJson(kObservation);
  EXPECT_TRUE(resource.ok());
  CompileOptions options;
  options.root_type = "Observation";
  auto expr = Expression::Compile(expression, options);
  if (!expr.ok()) return "compile error: " + std::string(expr.status().message());
  auto result = expr->Evaluate(*resource);
  if (!result.ok()) return "error: " + std::string(result.status().message());
  return fhir::WriteJson(ToJson(*result));
}

TEST(SofKeyFunctions, ResourceKeyIsTypeAndId) {
  EXPECT_EQ(Eval("getResourceKey()"), R"(["Observation/o1"])");
  EXPECT_EQ(Eval("code.getResourceKey()"), "[]");  // not a resource
}

TEST(SofKeyFunctions, ReferenceKeyDropsTheVersion) {
  EXPECT_EQ(Eval("subject.getReferenceKey()"), R"(["Patient/p1"])");
  EXPECT_EQ(Eval("subject.getReferenceKey(Patient)"), R"(["Patient/p1"])");
}

TEST(SofKeyFunctions, OnlyRelativeReferencesToKnownTypesGiveKeys) {
  EXPECT_EQ(Eval("performer.getReferenceKey()"), R"(["Practitioner/d1"])");
  EXPECT_EQ(Eval("focus.getReferenceKey()"), "[]");
}

TEST(SofKeyFunctions, TypeArgumentFiltersExactly) {
  EXPECT_EQ(Eval("subject.getReferenceKey(Group)"), "[]");
  EXPECT_EQ(Eval("performer.getReferenceKey(Practitioner)"), R"(["Practitioner/d1"])");
}

TEST(SofKeyFunctions, KeysJoin) {
  EXPECT_EQ(Eval("getResourceKey() = 'Observation/' + id"), "[true]");
}

TEST(SofKeyFunctions, UnknownTypeArgumentIsACompileError) {
  EXPECT_NE(Eval("subject.getReferenceKey(Patients)").find("compile error"), std::string::npos);
  EXPECT_NE(Eval("subject.getReferenceKey(Patient, Group)").find("compile error"),
            std::string::npos);
}

}  // namespace
}  // namespace vigil::fhirpath
