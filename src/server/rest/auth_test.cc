// SMART bearer-token authentication and authorization through FhirApi::Handle
// (in-memory store): 401/403 with their challenges, and a patient-context
// token confined to its patient's compartment (scoped_access_test.cc goes
// through every path in detail).
#include <gtest/gtest.h>

#include "auth/test_keys.h"
#include "search/registry.h"
#include "server/rest/fhir_api.h"
#include "server/rest/rest_test_util.h"
#include "store/memory/memory_store.h"

namespace vigil::server {
namespace {

using testing::Body;
using testing::EntryKeys;
using testing::Header;
using testing::Text;

constexpr int64_t kNow = 1'800'000'000;
constexpr char kIssuer[] = "https://auth.example.org";
constexpr char kAudience[] = "http://test/fhir";

std::string Obs(std::string_view id, std::string_view patient) {
  return std::string(R"({"resourceType":"Observation","id":")") + std::string(id) +
         R"(","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/)" +
         std::string(patient) + R"("},"performer":[{"reference":"Practitioner/pr1"}]})";
}

class AuthTest : public ::testing::Test {
 protected:
  AuthTest() : store_(store::NewMemoryStore()), key_(auth::testing::TestKey::Rsa("k1")) {
    FhirApiOptions options;
    options.base_url = "http://test/fhir";
    options.write.now_ms = [this] { return now_ms_ += 1000; };
    open_ = std::make_unique<FhirApi>(*store_, search::Registry::Default(), options);
    absl::StatusOr<auth::JwkSet> keys = auth::JwkSet::Parse(auth::testing::JwksJson({&key_}));
    EXPECT_TRUE(keys.ok()) << keys.status();
    auth::TokenVerifierOptions verifier;
    verifier.claims.issuer = kIssuer;
    verifier.claims.audience = kAudience;
    verifier.now_s = [] { return kNow; };
    options.verifier = std::make_shared<auth::TokenVerifier>(*std::move(keys), verifier);
    options.smart.issuer = kIssuer;
    options.audit = [this](const audit::AuditFacts& f) { audited_.push_back(f); };
    api_ = std::make_unique<FhirApi>(*store_, search::Registry::Default(), options);
    Seed();
  }

  void Put(std::string_view path, const std::string& body) {
    HttpResponse r = testing::Call(*open_, "PUT", std::string("/fhir/") + std::string(path), body);
    ASSERT_TRUE(r.status == 200 || r.status == 201) << path << ": " << r.body;
  }

  void Seed() {
    Put("Patient/p1", R"({"resourceType":"Patient","id":"p1","name":[{"family":"One"}]})");
    Put("Patient/p2", R"({"resourceType":"Patient","id":"p2","name":[{"family":"Two"}]})");
    Put("Practitioner/pr1", R"({"resourceType":"Practitioner","id":"pr1"})");
    Put("Observation/o1", Obs("o1", "p1"));
    Put("Observation/o2", Obs("o2", "p2"));
    Put("Observation/moved-away", Obs("moved-away", "p1"));
    Put("Observation/moved-away", Obs("moved-away", "p2"));
    Put("Observation/moved-in", Obs("moved-in", "p2"));
    Put("Observation/moved-in", Obs("moved-in", "p1"));
    Put("Observation/gone1", Obs("gone1", "p1"));
    Put("Observation/gone2", Obs("gone2", "p2"));
    testing::Call(*open_, "DELETE", "/fhir/Observation/gone1");
    testing::Call(*open_, "DELETE", "/fhir/Observation/gone2");
  }

  std::string Token(std::string_view scope, std::string_view patient = "",
                    int64_t exp = kNow + 300) {
    std::string claims = std::string("{\"iss\":\"") + kIssuer + "\",\"aud\":\"" + kAudience +
                         "\",\"exp\":" + std::to_string(exp) + ",\"scope\":\"" +
                         std::string(scope) + "\"";
    if (!patient.empty()) claims += ",\"patient\":\"" + std::string(patient) + "\"";
    return key_.Sign(R"({"alg":"RS256","kid":"k1"})", claims + "}");
  }

  HttpResponse Call(std::string method, std::string target, const std::string& token,
                    std::string body = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty()) headers.emplace_back("authorization", "Bearer " + token);
    return testing::Call(*api_, std::move(method), std::move(target), std::move(body), headers);
  }

  int64_t now_ms_ = 1'700'000'000'000;
  std::unique_ptr<store::Store> store_;
  auth::testing::TestKey key_;
  std::unique_ptr<FhirApi> open_;  // no authentication: seeds the data
  std::unique_ptr<FhirApi> api_;   // --auth smart
  std::vector<audit::AuditFacts> audited_;  // what api_ audited (tests call it from one thread)
};

std::string IssueCode(const HttpResponse& r) { return Text(Body(r), {"issue", "0", "code"}); }

TEST_F(AuthTest, MetadataAndSmartConfigurationArePublic) {
  HttpResponse metadata = Call("GET", "/fhir/metadata", "");
  EXPECT_EQ(metadata.status, 200);
  EXPECT_EQ(Text(Body(metadata), {"rest", "0", "security", "service", "0", "coding", "0", "code"}),
            "SMART-on-FHIR");
  for (const char* path :
       {"/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration"}) {
    HttpResponse r = Call("GET", path, "");
    EXPECT_EQ(r.status, 200) << path;
    fhir::Json doc = Body(r);
    EXPECT_EQ(Text(doc, {"issuer"}), kIssuer);
    EXPECT_EQ(Text(doc, {"capabilities", "1"}), "permission-v2");
    EXPECT_EQ(doc.Find("token_endpoint"), nullptr);
  }
  // Without --auth there is no SMART configuration.
  EXPECT_NE(testing::Call(*open_, "GET", "/fhir/.well-known/smart-configuration").status, 200);
}

TEST_F(AuthTest, MissingTokenIs401WithChallenge) {
  for (const char* target :
       {"/fhir/Patient/p1", "/fhir/Observation", "/fhir/_history", "/fhir/nope"}) {
    HttpResponse r = Call("GET", target, "");
    EXPECT_EQ(r.status, 401) << target;
    EXPECT_EQ(Header(r, "WWW-Authenticate"), "Bearer realm=\"vigil\"");
    EXPECT_EQ(IssueCode(r), "login");
    EXPECT_EQ(Text(Body(r), {"resourceType"}), "OperationOutcome");
  }
  EXPECT_EQ(Call("POST", "/fhir", "", R"({"resourceType":"Bundle","type":"batch"})").status, 401);
}

TEST_F(AuthTest, InvalidTokenIs401InvalidToken) {
  HttpResponse r = Call("GET", "/fhir/Patient/p1", Token("user/*.rs", "", kNow - 3600));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(IssueCode(r), "expired");
  EXPECT_NE(Header(r, "WWW-Authenticate").find("error=\"invalid_token\""), std::string::npos);
  std::string forged = Token("user/*.rs");
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  r = Call("GET", "/fhir/Patient/p1", forged);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(IssueCode(r), "security");
}

TEST_F(AuthTest, OutOfScopeIs403) {
  std::string token = Token("user/Observation.rs");
  EXPECT_EQ(Call("GET", "/fhir/Observation/o2", token).status, 200);
  HttpResponse r = Call("GET", "/fhir/Patient/p1", token);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(IssueCode(r), "forbidden");
  EXPECT_NE(Header(r, "WWW-Authenticate").find("insufficient_scope"), std::string::npos);
  EXPECT_EQ(Call("POST", "/fhir/Observation", token, Obs("x", "p1")).status, 403);
  EXPECT_EQ(Call("DELETE", "/fhir/Observation/o1", token).status, 403);
  EXPECT_EQ(Call("GET", "/fhir/_history", token).status, 403);
  EXPECT_EQ(Call("GET", "/fhir/Patient/p1/$everything", token).status, 403);
}

TEST_F(AuthTest, RefusedRequestsAreAuditedWithoutTheToken) {
  std::string token = Token("launch/patient patient/Observation.rs", "p1");
  EXPECT_EQ(Call("GET", "/fhir/Patient/p1", "").status, 401);
  EXPECT_EQ(Call("GET", "/fhir/Patient/p1", token).status, 403);
  ASSERT_EQ(audited_.size(), 2u);
  EXPECT_EQ(audited_[0].status, 401);
  EXPECT_EQ(audited_[0].subtype, "read");
  EXPECT_EQ(audited_[0].patient, "");  // no verified token: anonymous
  EXPECT_EQ(audited_[1].status, 403);
  EXPECT_EQ(audited_[1].patient, "p1");
  EXPECT_EQ(audited_[1].issuer, kIssuer);
  std::string json = audit::AuditEventJson(audited_[1]);
  EXPECT_EQ(json.find(token.substr(0, 20)), std::string::npos);
  EXPECT_NE(json.find("\"outcome\":\"4\""), std::string::npos);
}

TEST_F(AuthTest, UserScopesReadAndWriteEverything) {
  std::string token = Token("user/*.cruds");
  EXPECT_EQ(Call("GET", "/fhir/Observation/o2", token).status, 200);
  EXPECT_EQ(Call("POST", "/fhir/Observation", token, Obs("x", "p2")).status, 201);
  EXPECT_EQ(Call("GET", "/fhir/Patient/p2/$everything", token).status, 200);
  EXPECT_EQ(Call("GET", "/fhir/_history", token).status, 200);
}

TEST_F(AuthTest, ConditionalCreateAlsoNeedsSearchAndRead) {
  std::vector<std::pair<std::string, std::string>> h = {
      {"authorization", "Bearer " + Token("user/Observation.c")}, {"if-none-exist", "_id=o1"}};
  EXPECT_EQ(testing::Call(*api_, "POST", "/fhir/Observation", Obs("x", "p1"), h).status, 403);
}

TEST_F(AuthTest, GranularScopesGrantOnlyWhatTheirRestrictionMatches) {
  HttpResponse labs =
      Call("GET", "/fhir/Observation", Token("user/Observation.rs?category=laboratory"));
  EXPECT_EQ(labs.status, 200);
  EXPECT_EQ(Text(Body(labs), {"total"}), "0");  // no Observation here has a category
  // A restriction the server cannot evaluate grants nothing.
  EXPECT_EQ(Call("GET", "/fhir/Observation", Token("user/Observation.rs?nonsense=1")).status, 403);
}

class PatientTokenTest : public AuthTest {
 protected:
  HttpResponse Get(std::string target) { return Call("GET", std::move(target), token_); }
  std::vector<std::string> Matches(std::string target) {
    HttpResponse r = Get(std::move(target));
    EXPECT_EQ(r.status, 200) << r.body;
    return EntryKeys(Body(r), "match");
  }
  std::string token_ = Token("launch/patient patient/*.rs openid", "p1");
};

using Keys = std::vector<std::string>;

TEST_F(PatientTokenTest, ReadsOnlyThePatientsResources) {
  EXPECT_EQ(Get("/fhir/Observation/o1").status, 200);
  EXPECT_EQ(Get("/fhir/Patient/p1").status, 200);
  HttpResponse other = Get("/fhir/Observation/o2");
  HttpResponse missing = Get("/fhir/Observation/nope");
  EXPECT_EQ(other.status, 404);
  // Indistinguishable from a resource that does not exist.
  EXPECT_EQ(Text(Body(other), {"issue", "0", "diagnostics"}), "Observation/o2 is not known");
  EXPECT_EQ(Text(Body(missing), {"issue", "0", "diagnostics"}), "Observation/nope is not known");
  EXPECT_EQ(Get("/fhir/Patient/p2").status, 404);
  EXPECT_EQ(Get("/fhir/Practitioner/pr1").status, 404);
  EXPECT_EQ(Get("/fhir/Observation/o1?_elements=status").status, 200);
}

TEST_F(PatientTokenTest, VersionsAndHistoryFollowTheCompartment) {
  EXPECT_EQ(Get("/fhir/Observation/moved-away").status, 404);
  EXPECT_EQ(Get("/fhir/Observation/moved-away/_history/1").status, 404);
  EXPECT_EQ(Get("/fhir/Observation/moved-away/_history").status, 404);
  EXPECT_EQ(Get("/fhir/Observation/moved-in").status, 200);
  EXPECT_EQ(Get("/fhir/Observation/moved-in/_history/2").status, 200);
  EXPECT_EQ(Get("/fhir/Observation/moved-in/_history/1").status, 404);  // was p2's
  EXPECT_EQ(Get("/fhir/Observation/moved-in/_history").status, 404);    // holds p2's version
  EXPECT_EQ(Get("/fhir/Observation/o1/_history").status, 200);
  EXPECT_EQ(Get("/fhir/Observation/o2/_history").status, 404);
  EXPECT_EQ(Get("/fhir/Observation/o2/_history/1").status, 404);
}

TEST_F(PatientTokenTest, DeletedResourcesOfOthersAre404Not410) {
  EXPECT_EQ(Get("/fhir/Observation/gone1").status, 410);
  EXPECT_EQ(Get("/fhir/Observation/gone2").status, 404);
}

TEST_F(PatientTokenTest, SearchesAreConfinedToTheCompartment) {
  EXPECT_EQ(Matches("/fhir/Observation"), (Keys{"Observation/o1", "Observation/moved-in"}));
  EXPECT_EQ(Text(Body(Get("/fhir/Observation")), {"total"}), "2");
  EXPECT_EQ(Matches("/fhir/Observation?subject=Patient/p2"), Keys{});
  EXPECT_EQ(Matches("/fhir/Observation?_id=o2"), Keys{});
  EXPECT_EQ(Matches("/fhir/Patient"), Keys{"Patient/p1"});
  EXPECT_EQ(Matches("/fhir/Patient?_id=p2"), Keys{});
  EXPECT_EQ(Matches("/fhir/Patient/p2/Observation"), Keys{});
  EXPECT_EQ(Matches("/fhir/Patient/p1/Observation"),
            (Keys{"Observation/o1", "Observation/moved-in"}));
  HttpResponse post = testing::Call(*api_, "POST", "/fhir/Observation/_search", "",
                                    {{"authorization", "Bearer " + token_}});
  EXPECT_EQ(EntryKeys(Body(post), "match"), (Keys{"Observation/o1", "Observation/moved-in"}));
}

TEST_F(PatientTokenTest, PathsThatReachOutsideAreConfined) {
  // Every path answers, with the patient's resources only (scoped_access_test
  // has the details of each).
  EXPECT_EQ(Matches("/fhir/Observation?_include=Observation:performer"),
            (Keys{"Observation/o1", "Observation/moved-in"}));
  EXPECT_EQ(EntryKeys(Body(Get("/fhir/Observation?_include=Observation:performer")), "include"),
            Keys{});
  EXPECT_EQ(Matches("/fhir/Observation?subject:Patient.name=Two"), Keys{});
  EXPECT_EQ(Matches("/fhir/Patient?_has:Observation:subject:status=final"), Keys{"Patient/p1"});
  EXPECT_EQ(Matches("/fhir/Patient/p1/$everything"),
            (Keys{"Patient/p1", "Observation/o1", "Observation/moved-in"}));
  for (const char* target : {"/fhir/Observation/_history", "/fhir/_history"}) {
    HttpResponse r = Get(target);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.body.find("\"o2\""), std::string::npos) << target;
    EXPECT_EQ(r.body.find("Patient/p2"), std::string::npos) << target;
  }
  HttpResponse batch = Call("POST", "/fhir", token_,
                            R"({"resourceType":"Bundle","type":"batch","entry":[)"
                            R"({"request":{"method":"GET","url":"Observation/o2"}}]})");
  EXPECT_EQ(batch.status, 200);
  EXPECT_EQ(Text(Body(batch), {"entry", "0", "response", "status"}), "404 Not Found");
}

TEST_F(PatientTokenTest, PathsOutsideThePatientCompartmentAreRefused) {
  for (const char* target :
       {"/fhir/Practitioner", "/fhir/Observation?performer:Practitioner.name=x"}) {
    HttpResponse r = Get(target);
    EXPECT_EQ(r.status, 403) << target << ": " << r.body;
    EXPECT_EQ(IssueCode(r), "forbidden") << target;
  }
  EXPECT_EQ(Get("/fhir/Patient/p2/$everything").status, 404);
}

TEST_F(PatientTokenTest, WritesOutsideTheCompartmentAreRefused) {
  std::string token = Token("patient/*.cruds", "p1");
  EXPECT_EQ(Call("POST", "/fhir/Observation", token, Obs("x", "p2")).status, 403);
  EXPECT_EQ(Call("PUT", "/fhir/Observation/o2", token, Obs("o2", "p1")).status, 403);
  EXPECT_EQ(Call("DELETE", "/fhir/Observation/o2", token).status, 403);
  EXPECT_EQ(Call("PUT", "/fhir/Observation/o1", token, Obs("o1", "p2")).status, 403);
  EXPECT_EQ(Call("POST", "/fhir/Observation", token, Obs("x", "p1")).status, 201);
  EXPECT_EQ(Call("PUT", "/fhir/Observation/o1", token, Obs("o1", "p1")).status, 200);
  // Read-only scopes write nothing, in the compartment or not.
  EXPECT_EQ(Call("POST", "/fhir/Observation", token_, Obs("x", "p1")).status, 403);
}

TEST_F(PatientTokenTest, PatientScopeWithoutPatientClaimIsRefused) {
  EXPECT_EQ(Call("GET", "/fhir/Observation", Token("patient/*.rs")).status, 403);
}

}  // namespace
}  // namespace vigil::server
