// The SMART Backend Services token endpoint: a registered client's signed
// assertion buys a token that the server's verifier accepts, and each way a
// request or an assertion can be wrong gets its own OAuth error, never a 500.
#include "auth/token_endpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "auth/authorizer.h"
#include "auth/base64url.h"
#include "auth/test_keys.h"
#include "auth/token_error.h"
#include "auth/token_verifier.h"
#include "base/str.h"

namespace vigil::auth {
namespace {

using testing::JwksJson;
using testing::TestKey;

constexpr int64_t kNow = 1'800'000'000;
constexpr char kTokenUrl[] = "https://vigil.test/auth/token";
constexpr char kIssuer[] = "https://vigil.test/auth";
constexpr char kAudience[] = "https://vigil.test/fhir";
constexpr char kClient[] = "lab-sync";

struct Reply {
  int status;
  fhir::Json body;
};

class TokenEndpointTest : public ::testing::Test {
 protected:
  TokenEndpointTest()
      : es384_(TestKey::Ec384("es")),
        rs384_(TestKey::Rsa("rs", "RS384")),
        signer_(*JwsSigner::Generate()) {
    registry_ = std::make_shared<ClientRegistry>();
    EXPECT_TRUE(registry_
                    ->Add(kClient, JwksJson({&es384_, &rs384_}), "system/*.rs system/Observation.c",
                          "2026-01-01T00:00:00.000Z")
                    .ok());
    TokenEndpointOptions options;
    options.token_url = kTokenUrl;
    options.issuer = kIssuer;
    options.audience = kAudience;
    options.token_lifetime_s = 120;
    options.now_s = [this] { return now_; };
    endpoint_ = std::make_unique<TokenEndpoint>(
        signer_,
        [this]() -> absl::StatusOr<std::shared_ptr<const ClientRegistry>> {
          if (!clients_ok_) return absl::InternalError("clients.json: cannot read");
          return std::shared_ptr<const ClientRegistry>(registry_);
        },
        options);
  }

  // Claims of a valid assertion; extra replaces or adds members.
  std::string AssertionClaims(const std::string& extra = "", const std::string& jti = "j-1") {
    fhir::Json claims = fhir::Json::Object();
    claims.Set("iss", fhir::Json::String(kClient));
    claims.Set("sub", fhir::Json::String(kClient));
    claims.Set("aud", fhir::Json::String(kTokenUrl));
    claims.Set("exp", fhir::Json::Number(std::to_string(now_ + 240)));
    claims.Set("jti", fhir::Json::String(jti));
    if (!extra.empty()) {
      absl::StatusOr<fhir::Json> changes = fhir::ParseJson(extra);
      EXPECT_TRUE(changes.ok()) << extra;
      for (const auto& [name, value] : changes->members()) claims.Set(name, value);
    }
    return fhir::WriteJson(claims);
  }

  std::string Assertion(const std::string& claims, const TestKey* key = nullptr) {
    key = key ? key : &es384_;
    return key->Sign(
        StrCat("{\"alg\":\"", key->alg(), "\",\"kid\":\"", key->kid(), "\",\"typ\":\"JWT\"}"),
        claims);
  }

  FormParams Form(const std::string& assertion, const std::string& scope = "system/*.rs") {
    return {{"grant_type", "client_credentials"},
            {"scope", scope},
            {"client_assertion_type", std::string(kJwtBearerAssertionType)},
            {"client_assertion", assertion}};
  }

  Reply Post(const FormParams& form) {
    TokenReply reply = endpoint_->Handle(form);
    absl::StatusOr<fhir::Json> body = fhir::ParseJson(reply.body);
    EXPECT_TRUE(body.ok()) << reply.body;
    for (const auto& [name, value] : form) {
      if (name == "client_assertion" && value.size() > 8) {
        EXPECT_EQ(reply.body.find(value), std::string::npos) << "the assertion is echoed";
      }
    }
    return Reply{reply.status, body.ok() ? *body : fhir::Json()};
  }

  // The OAuth error of a refused request ("" when it succeeded).
  std::string Error(const FormParams& form) {
    Reply reply = Post(form);
    if (reply.status == 200) return "";
    EXPECT_EQ(reply.status, 400);
    const fhir::Json* description = reply.body.Find("error_description");
    EXPECT_TRUE(description != nullptr && !description->text().empty());
    return reply.body.Find("error")->text();
  }

  TokenVerifier Verifier() {
    TokenVerifierOptions options;
    options.claims.issuer = kIssuer;
    options.claims.audience = kAudience;
    options.now_s = [this] { return now_; };
    return TokenVerifier(*JwkSet::Parse(signer_.JwksJson()), options);
  }

  TestKey es384_, rs384_;
  JwsSigner signer_;
  std::shared_ptr<ClientRegistry> registry_;
  std::unique_ptr<TokenEndpoint> endpoint_;
  int64_t now_ = kNow;
  bool clients_ok_ = true;
};

TEST_F(TokenEndpointTest, ValidAssertionGetsAShortLivedTokenTheServerAccepts) {
  Reply reply = Post(Form(Assertion(AssertionClaims()), "system/Observation.cruds"));
  ASSERT_EQ(reply.status, 200) << fhir::WriteJson(reply.body);
  EXPECT_EQ(reply.body.Find("token_type")->text(), "bearer");
  EXPECT_EQ(reply.body.Find("expires_in")->text(), "120");
  EXPECT_EQ(reply.body.Find("scope")->text(), "system/Observation.crs");
  absl::StatusOr<AccessToken> token = Verifier().Verify(reply.body.Find("access_token")->text());
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->claims.subject, kClient);
  EXPECT_EQ(token->claims.client_id, kClient);
  EXPECT_EQ(token->claims.expires_s, kNow + 120);
  EXPECT_EQ(token->claims.scope, "system/Observation.crs");
  EXPECT_TRUE(Authorize(*token, Interaction::kCreate, "Observation").ok());
  EXPECT_FALSE(Authorize(*token, Interaction::kDelete, "Observation").ok());
  EXPECT_FALSE(Authorize(*token, Interaction::kRead, "Patient").ok());
  // Past its lifetime (and the verifier's 60 s skew) the token is refused.
  now_ = kNow + 120 + 61;
  EXPECT_EQ(TokenProblemOf(Verifier().Verify(reply.body.Find("access_token")->text()).status()),
            TokenProblem::kExpired);
}

TEST_F(TokenEndpointTest, Rs384AssertionsAreAcceptedToo) {
  EXPECT_EQ(Error(Form(Assertion(AssertionClaims(), &rs384_))), "");
}

TEST_F(TokenEndpointTest, MalformedRequestsAreInvalidRequest) {
  FormParams form = Form(Assertion(AssertionClaims()));
  FormParams no_grant(form.begin() + 1, form.end());
  EXPECT_EQ(Error(no_grant), "invalid_request");
  FormParams no_scope = form;
  no_scope.erase(no_scope.begin() + 1);
  EXPECT_EQ(Error(no_scope), "invalid_request");
  EXPECT_EQ(Error(Form(Assertion(AssertionClaims()), " ")), "invalid_request");
  FormParams repeated = form;
  repeated.emplace_back("scope", "system/Patient.rs");
  EXPECT_EQ(Error(repeated), "invalid_request");
  EXPECT_EQ(Error({}), "invalid_request");
}

TEST_F(TokenEndpointTest, OtherGrantTypesAreUnsupported) {
  FormParams form = Form(Assertion(AssertionClaims()));
  form[0].second = "authorization_code";
  EXPECT_EQ(Error(form), "unsupported_grant_type");
}

TEST_F(TokenEndpointTest, MissingOrOtherClientAuthenticationIsInvalidClient) {
  FormParams form = Form(Assertion(AssertionClaims()));
  FormParams no_assertion(form.begin(), form.begin() + 3);
  EXPECT_EQ(Error(no_assertion), "invalid_client");
  FormParams other_type = form;
  other_type[2].second = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer";
  EXPECT_EQ(Error(other_type), "invalid_client");
}

TEST_F(TokenEndpointTest, EveryFailedAssertionCheckIsInvalidClient) {
  TestKey stranger = TestKey::Ec384("es");  // same kid, another key pair
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not a JWS", "x.y.z"},
      {"garbage", "abc"},
      {"unknown client", Assertion(AssertionClaims(R"({"iss":"nobody","sub":"nobody"})"))},
      {"bad signature", Assertion(AssertionClaims(), &stranger)},
      {"sub differs", Assertion(AssertionClaims(R"({"sub":"someone-else"})"))},
      {"aud is another URL", Assertion(AssertionClaims(R"({"aud":"https://vigil.test/auth"})"))},
      {"expired", Assertion(AssertionClaims(StrCat("{\"exp\":", kNow - 61, "}")))},
      {"exp too far ahead", Assertion(AssertionClaims(StrCat("{\"exp\":", kNow + 361, "}")))},
      {"no jti", Assertion(AssertionClaims(R"({"jti":""})"))},
      {"jti not a string", Assertion(AssertionClaims(R"({"jti":7})"))},
      {"alg none", "eyJhbGciOiJub25lIn0." + Base64UrlEncode(AssertionClaims()) + "."},
  };
  for (const auto& [name, assertion] : cases) {
    EXPECT_EQ(Error(Form(assertion)), "invalid_client") << name;
  }
  FormParams other_id = Form(Assertion(AssertionClaims()));
  other_id.emplace_back("client_id", "other");
  EXPECT_EQ(Error(other_id), "invalid_client");
}

TEST_F(TokenEndpointTest, AssertionWithinTheLimitsIsAccepted) {
  EXPECT_EQ(Error(Form(Assertion(AssertionClaims(StrCat("{\"exp\":", kNow + 359, "}"), "a")))), "");
  EXPECT_EQ(Error(Form(Assertion(AssertionClaims(StrCat("{\"exp\":", kNow - 59, "}"), "b")))), "");
  FormParams same_id = Form(Assertion(AssertionClaims("", "c")));
  same_id.emplace_back("client_id", kClient);
  EXPECT_EQ(Error(same_id), "");
}

TEST_F(TokenEndpointTest, AReplayedJtiIsRefusedUntilItsAssertionExpires) {
  std::string assertion = Assertion(AssertionClaims("", "once"));
  EXPECT_EQ(Error(Form(assertion)), "");
  EXPECT_EQ(Error(Form(assertion)), "invalid_client");
  // The same jti in a new assertion is a replay too.
  EXPECT_EQ(Error(Form(Assertion(AssertionClaims(R"({"nbf":1})", "once")))), "invalid_client");
}

TEST_F(TokenEndpointTest, ScopesNotRegisteredAreInvalidScope) {
  EXPECT_EQ(Error(Form(Assertion(AssertionClaims("", "1")), "system/Observation.d")),
            "invalid_scope");
  EXPECT_EQ(Error(Form(Assertion(AssertionClaims("", "2")), "patient/*.rs openid")),
            "invalid_scope");
}

TEST_F(TokenEndpointTest, RegistryFailureIsAServerErrorWithoutDetails) {
  clients_ok_ = false;
  TokenReply reply = endpoint_->Handle(Form(Assertion(AssertionClaims())));
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(fhir::ParseJson(reply.body)->Find("error")->text(), "server_error");
  EXPECT_EQ(reply.internal_error, "clients.json: cannot read");
  EXPECT_EQ(reply.body.find("clients.json"), std::string::npos);
}

TEST(ReplayCacheTest, ForgetsJtisAfterTheirTimeAndRefusesWhenFull) {
  ReplayCache cache(2);
  EXPECT_TRUE(cache.Claim("a", "1", 100, 0).ok());
  EXPECT_TRUE(absl::IsUnauthenticated(cache.Claim("a", "1", 100, 50)));
  EXPECT_TRUE(cache.Claim("b", "1", 100, 50).ok());                      // another client's jti
  EXPECT_TRUE(absl::IsUnauthenticated(cache.Claim("c", "1", 100, 50)));  // full
  EXPECT_TRUE(cache.Claim("a", "1", 300, 101).ok());                     // the old ones expired
  EXPECT_TRUE(cache.Claim("a1", "", 300, 101).ok());                     // "a1"+"" is not "a"+"1"
}

// Kept in a file, the used jtis survive a restart (a new cache on the same
// file): the replay is refused, an expired claim is dropped from the file.
TEST(ReplayCacheTest, AFileKeepsClaimsAcrossRestarts) {
  std::string path = ::testing::TempDir() + "/used_jtis_" + std::to_string(::getpid());
  std::remove(path.c_str());
  {
    auto cache = ReplayCache::Open(path, 0);
    ASSERT_TRUE(cache.ok()) << cache.status();
    EXPECT_TRUE((*cache)->Claim("a", "j1", 100, 0).ok());
    EXPECT_TRUE((*cache)->Claim("a", "j\n2", 500, 0).ok());  // any bytes in a jti
  }
  {
    auto restarted = ReplayCache::Open(path, 50);
    ASSERT_TRUE(restarted.ok()) << restarted.status();
    EXPECT_TRUE(absl::IsUnauthenticated((*restarted)->Claim("a", "j1", 100, 50)));
    EXPECT_TRUE(absl::IsUnauthenticated((*restarted)->Claim("a", "j\n2", 500, 50)));
    EXPECT_TRUE((*restarted)->Claim("b", "j1", 100, 50).ok());
  }
  auto later = ReplayCache::Open(path, 200);  // j1 claims expired at 100
  ASSERT_TRUE(later.ok());
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_TRUE(absl::IsUnauthenticated((*later)->Claim("a", "j\n2", 500, 200)));
  std::remove(path.c_str());
}

TEST(ReplayCacheTest, ACorruptFileIsRefused) {
  std::string path = ::testing::TempDir() + "/bad_jtis_" + std::to_string(::getpid());
  std::ofstream(path) << "100 6a31\nnot a claim\n";
  auto cache = ReplayCache::Open(path, 0);
  EXPECT_TRUE(absl::IsDataLoss(cache.status())) << cache.status();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace vigil::auth
