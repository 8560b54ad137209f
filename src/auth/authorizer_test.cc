// Authorization decisions: which interaction each permission letter allows,
// user/system vs patient context, and what patient-context tokens are refused.
#include "auth/authorizer.h"

#include <gtest/gtest.h>

namespace vigil::auth {
namespace {

AccessToken Token(std::string_view scopes, std::string patient = "") {
  AccessToken t;
  t.claims.scope = std::string(scopes);
  t.claims.patient = std::move(patient);
  t.scopes = ParseScopes(scopes);
  return t;
}

bool Allowed(const AccessToken& t, Interaction i, std::string_view type) {
  absl::StatusOr<Access> a = Authorize(t, i, type);
  if (!a.ok()) {
    EXPECT_EQ(a.status().code(), absl::StatusCode::kPermissionDenied);
  }
  return a.ok();
}

TEST(AuthorizerTest, EachPermissionLetterAllowsItsInteractions) {
  AccessToken r = Token("user/Observation.r");
  EXPECT_TRUE(Allowed(r, Interaction::kRead, "Observation"));
  EXPECT_TRUE(Allowed(r, Interaction::kVRead, "Observation"));
  EXPECT_TRUE(Allowed(r, Interaction::kHistoryInstance, "Observation"));
  EXPECT_FALSE(Allowed(r, Interaction::kSearch, "Observation"));
  EXPECT_FALSE(Allowed(r, Interaction::kHistoryType, "Observation"));
  EXPECT_FALSE(Allowed(r, Interaction::kRead, "Patient"));
  AccessToken s = Token("user/Observation.s");
  EXPECT_TRUE(Allowed(s, Interaction::kSearch, "Observation"));
  EXPECT_TRUE(Allowed(s, Interaction::kHistoryType, "Observation"));
  EXPECT_FALSE(Allowed(s, Interaction::kRead, "Observation"));
  AccessToken cud = Token("user/Observation.cud");
  EXPECT_TRUE(Allowed(cud, Interaction::kCreate, "Observation"));
  EXPECT_TRUE(Allowed(cud, Interaction::kUpdate, "Observation"));
  EXPECT_TRUE(Allowed(cud, Interaction::kPatch, "Observation"));
  EXPECT_TRUE(Allowed(cud, Interaction::kDelete, "Observation"));
  EXPECT_FALSE(Allowed(cud, Interaction::kRead, "Observation"));
  EXPECT_FALSE(Allowed(Token("user/Observation.c"), Interaction::kUpdate, "Observation"));
}

TEST(AuthorizerTest, WildcardTypeAndServerLevel) {
  AccessToken all = Token("system/*.rs");
  EXPECT_TRUE(Allowed(all, Interaction::kRead, "Condition"));
  EXPECT_TRUE(Allowed(all, Interaction::kHistorySystem, "*"));
  EXPECT_TRUE(Allowed(all, Interaction::kOperation, "*"));
  EXPECT_FALSE(Allowed(all, Interaction::kCreate, "Condition"));
  // A typed scope never grants the whole server.
  EXPECT_FALSE(Allowed(Token("system/Patient.rs"), Interaction::kHistorySystem, "*"));
  // An operation needs both r and s.
  EXPECT_FALSE(Allowed(Token("system/*.r"), Interaction::kOperation, "*"));
}

TEST(AuthorizerTest, UserAndSystemScopesAreNotRestricted) {
  absl::StatusOr<Access> a =
      Authorize(Token("user/*.read", "p1"), Interaction::kSearch, "Observation");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->patient);
}

TEST(AuthorizerTest, PatientScopesAreConfinedToThePatientClaim) {
  absl::StatusOr<Access> a =
      Authorize(Token("patient/Observation.rs", "p1"), Interaction::kRead, "Observation");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->patient, "p1");
  // A broader user scope in the same token wins.
  a = Authorize(Token("patient/*.rs user/Observation.rs", "p1"), Interaction::kSearch,
                "Observation");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->patient);
}

TEST(AuthorizerTest, PatientScopesWithoutPatientClaimGrantNothing) {
  EXPECT_FALSE(Allowed(Token("patient/*.rs"), Interaction::kRead, "Observation"));
}

TEST(AuthorizerTest, PatientContextRefusesWhatItCannotConfineYet) {
  AccessToken t = Token("patient/*.cruds", "p1");
  EXPECT_TRUE(Allowed(t, Interaction::kRead, "Observation"));
  EXPECT_TRUE(Allowed(t, Interaction::kVRead, "Observation"));
  EXPECT_TRUE(Allowed(t, Interaction::kHistoryInstance, "Observation"));
  EXPECT_TRUE(Allowed(t, Interaction::kSearch, "Observation"));
  for (Interaction i :
       {Interaction::kCreate, Interaction::kUpdate, Interaction::kPatch, Interaction::kDelete,
        Interaction::kHistoryType, Interaction::kHistorySystem, Interaction::kOperation}) {
    EXPECT_FALSE(Allowed(
        t, i,
        i == Interaction::kHistorySystem || i == Interaction::kOperation ? "*" : "Observation"))
        << InteractionName(i);
  }
}

TEST(AuthorizerTest, GranularScopesGrantNothingYet) {
  AccessToken t = Token("user/Observation.rs?category=laboratory");
  ASSERT_EQ(t.scopes.resources.size(), 1u);
  EXPECT_FALSE(Allowed(t, Interaction::kSearch, "Observation"));
  EXPECT_FALSE(Allowed(t, Interaction::kRead, "Observation"));
}

TEST(AuthorizerTest, RolesAndIdentityScopesGrantNoFhirAccess) {
  AccessToken t = Token("openid fhirUser launch/patient vigil/admin vigil/audit.read", "p1");
  EXPECT_FALSE(Allowed(t, Interaction::kRead, "Patient"));
  EXPECT_FALSE(Allowed(t, Interaction::kSearch, "AuditEvent"));
}

}  // namespace
}  // namespace vigil::auth
