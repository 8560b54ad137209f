// The access filter on its own (access_filter.h, scope_restriction.h): granular
// restrictions as search clauses and as matches of one resource, the OR of
// several scopes, patient confinement, chain and _has hops, and the checks of
// versions, reads and writes.
#include "server/rest/access_filter.h"

#include <gtest/gtest.h>

#include <variant>

#include "base/http_error.h"
#include "base/str.h"
#include "search/indexer.h"
#include "store/memory/memory_store.h"

namespace vigil::server {
namespace {

const search::Registry& Registry() { return search::Registry::Default(); }

std::shared_ptr<const auth::AccessToken> Token(std::string_view scopes, std::string patient = "") {
  auto token = std::make_shared<auth::AccessToken>();
  token->claims.scope = std::string(scopes);
  token->claims.patient = std::move(patient);
  token->scopes = auth::ParseScopes(scopes);
  return token;
}

// An Observation of `patient` with one category code (observation-category).
fhir::Json Obs(std::string_view id, std::string_view patient, std::string_view category) {
  std::string text = std::string(R"({"resourceType":"Observation","id":")") + std::string(id) +
                     R"(","status":"final","code":{"text":"x"},"category":[{"coding":[{)" +
                     R"("system":"http://terminology.hl7.org/CodeSystem/observation-category",)" +
                     R"("code":")" + std::string(category) + R"("}]}],"subject":{"reference":"Patient/)" +
                     std::string(patient) + R"("}})";
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(text);
  EXPECT_TRUE(json.ok()) << json.status();
  return *json;
}

store::StoredResource Stored(const fhir::Json& json, int64_t version = 1) {
  store::StoredResource r;
  r.type = json.Find("resourceType")->text();
  r.id = json.Find("id")->text();
  r.version = version;
  r.json = fhir::WriteJson(json);
  return r;
}

bool Matches(std::string_view name, std::string_view value, const fhir::Json& resource) {
  std::optional<Clauses> clauses =
      CompileRestriction(Registry(), "Observation", {{std::string(name), std::string(value)}});
  EXPECT_TRUE(clauses.has_value()) << name << "=" << value;
  absl::StatusOr<store::IndexEntries> rows = search::IndexResource(Registry(), resource);
  EXPECT_TRUE(rows.ok());
  return clauses && rows.ok() && MatchesClauses(*clauses, resource.Find("id")->text(), *rows);
}

TypeFilter For(std::string_view scopes, std::string_view type, std::string patient = "",
               auth::Interaction interaction = auth::Interaction::kSearch) {
  AccessFilter access(Registry(), Token(scopes, std::move(patient)), true);
  absl::StatusOr<TypeFilter> filter = access.For(interaction, type);
  EXPECT_TRUE(filter.ok()) << filter.status();
  return filter.ok() ? *filter : TypeFilter();
}

TEST(ScopeRestrictionTest, TokenSearchesCompileToOneClauseEach) {
  std::optional<Clauses> one =
      CompileRestriction(Registry(), "Observation", {{"category", "vital-signs"}});
  ASSERT_TRUE(one.has_value());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].param, "category");
  EXPECT_EQ((*one)[0].kind, store::RowKind::kToken);
  std::optional<Clauses> two = CompileRestriction(
      Registry(), "Observation", {{"category", "laboratory"}, {"status", "final"}});
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->size(), 2u);
  // Values are percent-decoded like a query string.
  std::optional<Clauses> encoded = CompileRestriction(
      Registry(), "Observation",
      {{"category", "http%3A%2F%2Fterminology.hl7.org%2FCodeSystem%2Fobservation-category%7Claboratory"}});
  ASSERT_TRUE(encoded.has_value());
  const auto* token = std::get_if<store::TokenMatch>(&(*encoded)[0].any_of[0]);
  ASSERT_NE(token, nullptr);
  EXPECT_EQ(token->system, "http://terminology.hl7.org/CodeSystem/observation-category");
  EXPECT_EQ(token->code, "laboratory");
}

TEST(ScopeRestrictionTest, WhatCannotBeEvaluatedOnOneResourceCompilesToNothing) {
  for (const auth::Restriction& r : std::vector<auth::Restriction>{
           {{"nonsense", "x"}},                 // unknown parameter
           {{"_count", "5"}},                   // a result parameter, no clause
           {{"_include", "Observation:subject"}},
           {{"date", "2020"}},                  // dates need the store's ranges
           {{"subject:Patient.name", "x"}},     // a chain
           {{"_has:Observation:subject:status", "final"}},
           {{"category", "vital-signs"}, {"_sort", "date"}}}) {
    EXPECT_FALSE(CompileRestriction(Registry(), "Observation", r).has_value()) << r[0].first;
  }
  EXPECT_FALSE(CompileRestriction(Registry(), "NoSuchType", {{"category", "x"}}).has_value());
  EXPECT_FALSE(CompileRestriction(Registry(), "Observation", {}).has_value());
}

TEST(ScopeRestrictionTest, MatchingFollowsTokenSearchSemantics) {
  fhir::Json vital = Obs("o1", "p1", "vital-signs");
  EXPECT_TRUE(Matches("category", "vital-signs", vital));
  EXPECT_TRUE(Matches(
      "category", "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs", vital));
  EXPECT_FALSE(Matches("category", "|vital-signs", vital));  // the coding has a system
  EXPECT_FALSE(Matches("category", "laboratory", vital));
  EXPECT_TRUE(Matches("category", "laboratory,vital-signs", vital));
  EXPECT_TRUE(Matches("category:not", "laboratory", vital));
  EXPECT_FALSE(Matches("category:not", "vital-signs", vital));
  EXPECT_TRUE(Matches("subject", "Patient/p1", vital));
  EXPECT_FALSE(Matches("subject", "Patient/p2", vital));
  EXPECT_TRUE(Matches("_id", "o1", vital));
  EXPECT_TRUE(Matches("category:missing", "false", vital));
  EXPECT_FALSE(Matches("category:missing", "true", vital));
}

TEST(TypeFilterTest, GranularScopeAdmitsOnlyMatchingResources) {
  TypeFilter vitals = For("user/Observation.rs?category=vital-signs", "Observation");
  EXPECT_FALSE(vitals.unrestricted());
  EXPECT_FALSE(vitals.patient());
  EXPECT_TRUE(vitals.Admits(Obs("a", "p1", "vital-signs")));
  EXPECT_TRUE(vitals.Admits(Obs("b", "p2", "vital-signs")));
  EXPECT_FALSE(vitals.Admits(Obs("c", "p1", "laboratory")));
  store::StoredResource tombstone = Stored(Obs("a", "p1", "vital-signs"));
  tombstone.deleted = true;
  EXPECT_FALSE(vitals.Admits(tombstone));
  absl::StatusOr<Clauses> clauses = vitals.SearchClauses();
  ASSERT_TRUE(clauses.ok());
  ASSERT_EQ(clauses->size(), 1u);
  EXPECT_EQ((*clauses)[0].param, "category");
}

TEST(TypeFilterTest, ScopesForTheSameTypeAreOredAndAnUnrestrictedOneWins) {
  TypeFilter both = For(
      "user/Observation.rs?category=vital-signs user/Observation.rs?category=laboratory",
      "Observation");
  EXPECT_TRUE(both.Admits(Obs("a", "p1", "vital-signs")));
  EXPECT_TRUE(both.Admits(Obs("b", "p1", "laboratory")));
  EXPECT_FALSE(both.Admits(Obs("c", "p1", "imaging")));
  absl::StatusOr<Clauses> clauses = both.SearchClauses();
  ASSERT_TRUE(clauses.ok());
  ASSERT_EQ(clauses->size(), 1u);  // one clause, the two codes OR-ed
  EXPECT_EQ((*clauses)[0].any_of.size(), 2u);

  EXPECT_TRUE(For("user/Observation.rs?category=laboratory user/Observation.rs", "Observation")
                  .unrestricted());
  // A scope that does not grant the interaction does not widen it.
  TypeFilter reads = For("user/Observation.rs?category=laboratory user/Observation.r",
                         "Observation");
  EXPECT_FALSE(reads.unrestricted());
}

// patient has few rows of its own (it narrows subject, search::ParamDef::narrows):
// restrictions on it match and search through subject's rows.
TEST(TypeFilterTest, RestrictionsOnANarrowingParameterKeepItsRows) {
  EXPECT_TRUE(Matches("patient", "Patient/p1", Obs("o1", "p1", "vital-signs")));
  EXPECT_FALSE(Matches("patient", "Patient/p2", Obs("o1", "p1", "vital-signs")));
  TypeFilter two =
      For("user/Observation.rs?patient=Patient/p1 user/Observation.rs?patient=p2", "Observation");
  EXPECT_TRUE(two.Admits(Obs("a", "p1", "vital-signs")));
  EXPECT_TRUE(two.Admits(Obs("b", "p2", "laboratory")));
  EXPECT_FALSE(two.Admits(Obs("c", "p3", "vital-signs")));
  absl::StatusOr<Clauses> clauses = two.SearchClauses();
  ASSERT_TRUE(clauses.ok());
  ASSERT_EQ(clauses->size(), 1u);  // OR-ed into one clause, which keeps the rows it reads
  EXPECT_EQ((*clauses)[0].row_params, (std::vector<std::string>{"subject", "patient"}));
  EXPECT_EQ((*clauses)[0].row_target_type, "Patient");
  EXPECT_EQ((*clauses)[0].any_of.size(), 2u);
}

TEST(TypeFilterTest, RestrictionsOnDifferentParametersCannotBeSearchedButStillMatch) {
  TypeFilter mixed = For("user/Observation.rs?category=laboratory user/Observation.rs?status=final",
                         "Observation");
  absl::StatusOr<Clauses> clauses = mixed.SearchClauses();
  EXPECT_EQ(HttpStatusOf(clauses.status()), 403);
  EXPECT_TRUE(mixed.Admits(Obs("a", "p1", "vital-signs")));  // status final
  fhir::Json amended = Obs("b", "p1", "vital-signs");
  amended.Set("status", fhir::Json::String("amended"));
  EXPECT_FALSE(mixed.Admits(amended));
}

TEST(TypeFilterTest, PatientScopesConfineToTheCompartmentAndAddRestrictions) {
  TypeFilter f = For("patient/Observation.rs?category=vital-signs", "Observation", "p1");
  EXPECT_EQ(f.patient(), "p1");
  EXPECT_TRUE(f.Admits(Obs("a", "p1", "vital-signs")));
  EXPECT_FALSE(f.Admits(Obs("b", "p2", "vital-signs")));
  EXPECT_FALSE(f.Admits(Obs("c", "p1", "laboratory")));
  absl::StatusOr<Clauses> clauses = f.SearchClauses();
  ASSERT_TRUE(clauses.ok());
  ASSERT_EQ(clauses->size(), 2u);
  EXPECT_EQ((*clauses)[0].param, "_compartment");
  EXPECT_EQ((*clauses)[1].param, "category");
  // Patient itself: only the token's patient; types outside the compartment: 403.
  TypeFilter patients = For("patient/*.rs", "Patient", "p1");
  absl::StatusOr<fhir::Json> p1 = fhir::ParseJson(R"({"resourceType":"Patient","id":"p1"})");
  absl::StatusOr<fhir::Json> p2 = fhir::ParseJson(R"({"resourceType":"Patient","id":"p2"})");
  EXPECT_TRUE(patients.Admits(*p1));
  EXPECT_FALSE(patients.Admits(*p2));
  EXPECT_EQ(HttpStatusOf(For("patient/*.rs", "Practitioner", "p1").SearchClauses().status()), 403);
}

TEST(AccessFilterTest, RefusalsAre401WithoutTokenAnd403OutOfScope) {
  AccessFilter anonymous(Registry(), nullptr, true);
  EXPECT_EQ(HttpStatusOf(anonymous.For(auth::Interaction::kRead, "Patient").status()), 401);
  AccessFilter off(Registry(), nullptr, false);
  EXPECT_TRUE(off.For(auth::Interaction::kRead, "Patient")->unrestricted());
  AccessFilter narrow(Registry(), Token("user/Observation.rs?nonsense=1"), true);
  absl::Status refused = narrow.For(auth::Interaction::kRead, "Observation").status();
  EXPECT_EQ(HttpStatusOf(refused), 403);
  EXPECT_EQ(IssueCodeOf(refused), "forbidden");
}

TEST(AccessFilterTest, SeesAppliesTheTypesFilter) {
  AccessFilter access(Registry(), Token("patient/Observation.rs", "p1"), true);
  EXPECT_TRUE(access.Sees(auth::Interaction::kRead, Stored(Obs("a", "p1", "x"))));
  EXPECT_FALSE(access.Sees(auth::Interaction::kRead, Stored(Obs("b", "p2", "x"))));
  absl::StatusOr<fhir::Json> patient = fhir::ParseJson(R"({"resourceType":"Patient","id":"p1"})");
  EXPECT_FALSE(access.Sees(auth::Interaction::kRead, Stored(*patient)));  // no Patient scope
}

absl::StatusOr<search::ParsedSearch> Parse(std::string_view type, search::SearchParams params) {
  return search::ParseSearch(Registry(), type, params, {});
}

// The clause params of the query of hop i of clause c.
std::vector<std::string> HopParams(const search::ParsedSearch& parsed, size_t c, size_t i) {
  const store::Predicate& p = parsed.query.all_of[c].any_of[i];
  const store::Query* q = nullptr;
  if (const auto* chain = std::get_if<store::ChainMatch>(&p)) q = chain->target.get();
  if (const auto* has = std::get_if<store::ReverseChainMatch>(&p)) q = has->source.get();
  std::vector<std::string> out;
  if (q == nullptr) return out;
  out.push_back(q->type);
  for (const store::Clause& clause : q->all_of) out.push_back(clause.param);
  return out;
}

TEST(AccessFilterTest, ChainAndHasHopsAreConfinedOrRefused) {
  AccessFilter access(Registry(), Token("patient/*.rs", "p1"), true);
  auto chain = Parse("Observation", {{"subject:Patient.name", "x"}});
  ASSERT_TRUE(chain.ok());
  ASSERT_TRUE(access.ConfineHops(*chain).ok());
  EXPECT_EQ(HopParams(*chain, 0, 0), (std::vector<std::string>{"Patient", "name", "_id"}));

  auto has = Parse("Patient", {{"_has:Observation:subject:status", "final"}});
  ASSERT_TRUE(has.ok());
  ASSERT_TRUE(access.ConfineHops(*has).ok());
  EXPECT_EQ(HopParams(*has, 0, 0),
            (std::vector<std::string>{"Observation", "status", "_compartment"}));

  auto outside = Parse("Observation", {{"performer:Practitioner.name", "x"}});
  ASSERT_TRUE(outside.ok());
  EXPECT_EQ(HttpStatusOf(access.ConfineHops(*outside)), 403);

  // subject chains into Patient, Group, Device and Location: Location (outside
  // the compartment) is dropped, the others confined.
  auto untyped = Parse("Observation", {{"subject.name", "x"}});
  ASSERT_TRUE(untyped.ok());
  size_t before = untyped->query.all_of[0].any_of.size();
  ASSERT_TRUE(access.ConfineHops(*untyped).ok());
  const store::Clause& clause = untyped->query.all_of[0];
  EXPECT_EQ(clause.any_of.size(), before - 1);
  for (size_t i = 0; i < clause.any_of.size(); ++i) {
    std::vector<std::string> hop = HopParams(*untyped, 0, i);
    EXPECT_NE(hop[0], "Location");
    EXPECT_TRUE(hop.back() == "_compartment" || hop.back() == "_id") << hop[0];
  }
  // A user token needs s on the hop's type.
  AccessFilter user(Registry(), Token("user/Observation.rs"), true);
  auto unscoped = Parse("Observation", {{"subject:Patient.name", "x"}});
  ASSERT_TRUE(unscoped.ok());
  EXPECT_EQ(HttpStatusOf(user.ConfineHops(*unscoped)), 403);
}

class VersionChecksTest : public ::testing::Test {
 protected:
  void Put(const fhir::Json& json, int64_t version, bool deleted = false) {
    store::ResourceWrite w;
    w.type = json.Find("resourceType")->text();
    w.id = json.Find("id")->text();
    w.version = version;
    w.last_updated = 1000 * version;
    w.deleted = deleted;
    if (!deleted) {
      w.json = fhir::WriteJson(json);
      w.index = *search::IndexResource(Registry(), json);
    }
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->Put(std::move(w)).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  TypeFilter f_ = For("patient/Observation.cruds", "Observation", "p1");
};

TEST_F(VersionChecksTest, TombstonesFollowTheVersionBefore) {
  Put(Obs("mine", "p1", "x"), 1);
  Put(Obs("mine", "p1", "x"), 2, true);
  Put(Obs("theirs", "p2", "x"), 1);
  Put(Obs("theirs", "p2", "x"), 2, true);
  auto tomb = [&](std::string id) { return *store_->ReadVersion("Observation", id, 2); };
  EXPECT_TRUE(*VersionVisible(*store_, f_, *tomb("mine")));
  EXPECT_FALSE(*VersionVisible(*store_, f_, *tomb("theirs")));
  EXPECT_TRUE(CheckVisible(*store_, f_, "Observation", "mine", "gone").ok());
  absl::Status hidden = CheckVisible(*store_, f_, "Observation", "theirs", "gone");
  EXPECT_EQ(HttpStatusOf(hidden), 404);
  EXPECT_EQ(Message(hidden), "gone");
  EXPECT_TRUE(CheckVisible(*store_, f_, "Observation", "never", "gone").ok());
}

TEST_F(VersionChecksTest, WritesAreCheckedBeforeAndAfter) {
  Put(Obs("mine", "p1", "x"), 1);
  Put(Obs("theirs", "p2", "x"), 1);
  EXPECT_TRUE(CheckWritable(*store_, f_, "Observation", "mine").ok());
  EXPECT_TRUE(CheckWritable(*store_, f_, "Observation", "new").ok());
  EXPECT_EQ(HttpStatusOf(CheckWritable(*store_, f_, "Observation", "theirs")), 403);
  EXPECT_TRUE(CheckWritten(f_, Stored(Obs("mine", "p1", "x"), 2)).ok());
  absl::Status moved = CheckWritten(f_, Stored(Obs("mine", "p2", "x"), 2));
  EXPECT_EQ(HttpStatusOf(moved), 403);
  EXPECT_EQ(IssueCodeOf(moved), "forbidden");
}

}  // namespace
}  // namespace vigil::server
