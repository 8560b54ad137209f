// SMART scope parsing: v2, v1, granular, Vigil roles, and malformed scopes
// that must be ignored (never widened).
#include "auth/scopes.h"

#include <gtest/gtest.h>

namespace vigil::auth {
namespace {

ResourceScope Scope(ScopeContext context, std::string type, uint8_t permissions) {
  ResourceScope s;
  s.context = context;
  s.resource_type = std::move(type);
  s.permissions = permissions;
  return s;
}

TEST(ScopesTest, ParsesV2Scopes) {
  EXPECT_EQ(ParseResourceScope("patient/Observation.rs"),
            Scope(ScopeContext::kPatient, "Observation", kRead | kSearch));
  EXPECT_EQ(ParseResourceScope("user/*.cruds"),
            Scope(ScopeContext::kUser, "*", kCreate | kRead | kUpdate | kDelete | kSearch));
  EXPECT_EQ(ParseResourceScope("system/Patient.r"), Scope(ScopeContext::kSystem, "Patient", kRead));
  EXPECT_EQ(ParseResourceScope("user/Encounter.cd"),
            Scope(ScopeContext::kUser, "Encounter", kCreate | kDelete));
}

TEST(ScopesTest, ParsesV1Scopes) {
  EXPECT_EQ(ParseResourceScope("patient/*.read"),
            Scope(ScopeContext::kPatient, "*", kRead | kSearch));
  EXPECT_EQ(ParseResourceScope("user/Observation.write"),
            Scope(ScopeContext::kUser, "Observation", kCreate | kUpdate | kDelete));
  EXPECT_EQ(ParseResourceScope("user/*.*"),
            Scope(ScopeContext::kUser, "*", kCreate | kRead | kUpdate | kDelete | kSearch));
}

TEST(ScopesTest, ParsesGranularRestriction) {
  std::optional<ResourceScope> s = ParseResourceScope(
      "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/"
      "observation-category|laboratory");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->permissions, kRead | kSearch);
  ASSERT_EQ(s->restriction.size(), 1u);
  EXPECT_EQ(s->restriction[0].first, "category");
  EXPECT_EQ(s->restriction[0].second,
            "http://terminology.hl7.org/CodeSystem/observation-category|laboratory");
  s = ParseResourceScope("user/Observation.s?code=1234-5&status=final");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->restriction.size(), 2u);
}

TEST(ScopesTest, IgnoresMalformedScopes) {
  for (const char* bad : {"patient/Observation.rw",
                          "patient/Observation.sr",
                          "patient/Observation.rr",
                          "patient/Observation.",
                          "patient/Observation",
                          "clinic/Observation.rs",
                          "patient/Foo.rs",
                          "patient/Resource.rs",
                          "patient/DomainResource.r",
                          "patient/.rs",
                          "patient/Observation.read?category=x",
                          "patient/Observation.rs?",
                          "patient/Observation.rs?=x",
                          "patient/Observation.rs?category",
                          "patient/Observation.rs?category=",
                          "Patient/Observation.rs",
                          "patient/observation.rs",
                          "patient/Observation.READ",
                          "/Observation.rs",
                          "patient/*.rsx"}) {
    EXPECT_EQ(ParseResourceScope(bad), std::nullopt) << bad;
  }
}

TEST(ScopesTest, ParsesAClaimAndIgnoresWhatItDoesNotKnow) {
  Scopes s = ParseScopes(
      "openid fhirUser launch/patient offline_access  patient/Observation.rs "
      "patient/Observation.rw vigil/audit.read vigil/admin vigil/root https://other/scope");
  ASSERT_EQ(s.resources.size(), 1u);
  EXPECT_EQ(s.resources[0], Scope(ScopeContext::kPatient, "Observation", kRead | kSearch));
  EXPECT_TRUE(s.HasRole(kAuditRead));
  EXPECT_TRUE(s.HasRole(kAdmin));
  EXPECT_FALSE(s.HasRole(kAnalyticsRead));
  EXPECT_FALSE(s.HasRole(kModelsWrite));
  EXPECT_EQ(ParseScopes("vigil/analytics.read vigil/models.write").roles,
            kAnalyticsRead | kModelsWrite);
}

TEST(ScopesTest, EmptyAndHugeClaimsAreBounded) {
  EXPECT_TRUE(ParseScopes("").resources.empty());
  EXPECT_TRUE(ParseScopes("   ").resources.empty());
  std::string many;
  for (size_t i = 0; i < kMaxScopes + 10; ++i) many += "user/Patient.r ";
  EXPECT_EQ(ParseScopes(many).resources.size(), kMaxScopes);
}

}  // namespace
}  // namespace vigil::auth
