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

TEST(AuthorizerTest, PatientContextIsConfinedForEveryInteraction) {
  AccessToken t = Token("patient/*.cruds", "p1");
  for (Interaction i :
       {Interaction::kRead, Interaction::kVRead, Interaction::kHistoryInstance,
        Interaction::kSearch, Interaction::kCreate, Interaction::kUpdate, Interaction::kPatch,
        Interaction::kDelete, Interaction::kHistoryType, Interaction::kHistorySystem,
        Interaction::kOperation}) {
    bool server = i == Interaction::kHistorySystem || i == Interaction::kOperation;
    absl::StatusOr<Access> a = Authorize(t, i, server ? "*" : "Observation");
    ASSERT_TRUE(a.ok()) << InteractionName(i);
    EXPECT_EQ(a->patient, "p1") << InteractionName(i);
    EXPECT_TRUE(a->restrictions.empty());
  }
}

// The server's check: here, any restriction naming "category" is enforceable.
bool CategoryOnly(std::string_view, const Restriction& r) { return r[0].first == "category"; }

TEST(AuthorizerTest, GranularScopesGrantOnlyWhereTheServerCanEnforceThem) {
  AccessToken t = Token("user/Observation.rs?category=laboratory");
  ASSERT_EQ(t.scopes.resources.size(), 1u);
  // Without a check (or one that refuses), a restricted scope grants nothing.
  EXPECT_FALSE(Allowed(t, Interaction::kSearch, "Observation"));
  EXPECT_FALSE(Authorize(t, Interaction::kRead, "Observation",
                         [](std::string_view, const Restriction&) { return false; })
                   .ok());
  absl::StatusOr<Access> a = Authorize(t, Interaction::kSearch, "Observation", CategoryOnly);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->patient);
  EXPECT_EQ(a->restrictions, (std::vector<Restriction>{{{"category", "laboratory"}}}));
  EXPECT_FALSE(a->unrestricted());
  // Never for the whole server.
  EXPECT_FALSE(Authorize(Token("user/*.rs?category=laboratory"), Interaction::kHistorySystem,
                         "*", CategoryOnly)
                   .ok());
  absl::StatusOr<Access> refused =
      Authorize(Token("user/Observation.rs?code=1"), Interaction::kSearch, "Observation",
                CategoryOnly);
  EXPECT_NE(refused.status().message().find("cannot be evaluated"), std::string::npos);
}

TEST(AuthorizerTest, RestrictionsOfSeveralScopesAreOredAndAnUnrestrictedScopeWins) {
  AccessToken two = Token(
      "patient/Observation.rs?category=vital-signs patient/Observation.s?category=laboratory "
      "patient/Observation.rs?category=vital-signs",
      "p1");
  absl::StatusOr<Access> search = Authorize(two, Interaction::kSearch, "Observation", CategoryOnly);
  ASSERT_TRUE(search.ok());
  EXPECT_EQ(search->patient, "p1");
  EXPECT_EQ(search->restrictions,
            (std::vector<Restriction>{{{"category", "vital-signs"}}, {{"category", "laboratory"}}}));
  // Only the scopes with r grant a read.
  absl::StatusOr<Access> read = Authorize(two, Interaction::kRead, "Observation", CategoryOnly);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->restrictions.size(), 1u);
  absl::StatusOr<Access> wide = Authorize(
      Token("patient/Observation.rs?category=laboratory patient/*.rs", "p1"),
      Interaction::kSearch, "Observation", CategoryOnly);
  ASSERT_TRUE(wide.ok());
  EXPECT_TRUE(wide->restrictions.empty());
  EXPECT_EQ(wide->patient, "p1");
}

TEST(AuthorizerTest, UserGrantsAreUsedBeforePatientGrants) {
  absl::StatusOr<Access> a =
      Authorize(Token("patient/Observation.rs user/Observation.rs?category=laboratory", "p1"),
                Interaction::kSearch, "Observation", CategoryOnly);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->patient);
  EXPECT_EQ(a->restrictions.size(), 1u);
}

TEST(AuthorizerTest, RolesAndIdentityScopesGrantNoFhirAccess) {
  AccessToken t = Token("openid fhirUser launch/patient vigil/admin vigil/audit.read", "p1");
  EXPECT_FALSE(Allowed(t, Interaction::kRead, "Patient"));
  EXPECT_FALSE(Allowed(t, Interaction::kSearch, "AuditEvent"));
}

}  // namespace
}  // namespace vigil::auth
