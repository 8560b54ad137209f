// What the token endpoint grants: the requested scopes narrowed to the
// client's registered ones.
#include "auth/scope_grant.h"

#include <gtest/gtest.h>

namespace vigil::auth {
namespace {

TEST(ScopeGrantTest, RequestedScopesWithinTheRegisteredOnesAreGranted) {
  EXPECT_EQ(GrantScopes("system/Patient.rs system/Observation.rs", "system/*.rs"),
            "system/Patient.rs system/Observation.rs");
  EXPECT_EQ(GrantScopes("system/*.rs", "system/*.cruds"), "system/*.rs");
}

TEST(ScopeGrantTest, PermissionsAreNarrowedToTheRegisteredOnes) {
  EXPECT_EQ(GrantScopes("system/Observation.cruds", "system/*.rs"), "system/Observation.rs");
  EXPECT_EQ(GrantScopes("system/*.cruds", "system/*.rs system/Observation.c"),
            "system/*.rs system/Observation.c");
}

TEST(ScopeGrantTest, AWildcardRequestGetsTheRegisteredTypes) {
  EXPECT_EQ(GrantScopes("system/*.rs", "system/Observation.rs system/Patient.r"),
            "system/Observation.rs system/Patient.r");
}

TEST(ScopeGrantTest, V1ScopesAreGrantedInV2Letters) {
  EXPECT_EQ(GrantScopes("system/*.read", "system/*.*"), "system/*.rs");
  EXPECT_EQ(GrantScopes("system/Observation.write", "system/*.read system/Observation.c"),
            "system/Observation.c");
}

TEST(ScopeGrantTest, OtherContextsTypesAndPermissionsAreNotGranted) {
  EXPECT_EQ(GrantScopes("patient/*.rs user/*.rs", "system/*.cruds"), "");
  EXPECT_EQ(GrantScopes("system/Patient.rs", "system/Observation.rs"), "");
  EXPECT_EQ(GrantScopes("system/Observation.d", "system/*.rs"), "");
  EXPECT_EQ(GrantScopes("openid fhirUser launch offline_access", "system/*.rs"), "");
  EXPECT_EQ(GrantScopes("system/Nonsense.rs system/Observation.sr", "system/*.rs"), "");
}

TEST(ScopeGrantTest, RestrictionsMeetOnlyTheSameOrNone) {
  EXPECT_EQ(GrantScopes("system/Observation.rs?category=vital-signs", "system/*.rs"),
            "system/Observation.rs?category=vital-signs");
  EXPECT_EQ(GrantScopes("system/Observation.rs", "system/Observation.rs?category=laboratory"),
            "system/Observation.rs?category=laboratory");
  EXPECT_EQ(GrantScopes("system/Observation.rs?category=vital-signs",
                        "system/Observation.rs?category=laboratory"),
            "");
}

TEST(ScopeGrantTest, RoleScopesAreGrantedOnlyWhenRegistered) {
  EXPECT_EQ(GrantScopes("vigil/audit.read vigil/admin", "system/*.rs vigil/audit.read"),
            "vigil/audit.read");
  EXPECT_EQ(GrantScopes("vigil/admin system/Patient.r", "system/*.rs vigil/admin"),
            "system/Patient.r vigil/admin");
}

TEST(ScopeGrantTest, EachGrantAppearsOnceWithMergedPermissions) {
  EXPECT_EQ(
      GrantScopes("system/Patient.r system/Patient.s system/Patient.r vigil/admin vigil/admin",
                  "system/*.cruds vigil/admin"),
      "system/Patient.rs vigil/admin");
  EXPECT_EQ(GrantScopes("  system/Patient.r   ", "system/*.r"), "system/Patient.r");
}

TEST(ScopeGrantTest, ScopeTextWritesV2) {
  ResourceScope scope;
  scope.context = ScopeContext::kSystem;
  scope.resource_type = "Observation";
  scope.permissions = kCreate | kSearch | kRead;
  scope.restriction = {{"category", "vital-signs"}, {"code", "x"}};
  EXPECT_EQ(ScopeText(scope), "system/Observation.crs?category=vital-signs&code=x");
}

}  // namespace
}  // namespace vigil::auth
