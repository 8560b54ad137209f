// Token verification with real keys: RSA 2048 and EC P-256 pairs made by
// OpenSSL in the test, tokens signed in the test, and each way a token can be
// wrong rejected with its own reason.
#include "auth/jws.h"

#include <gtest/gtest.h>

#include "auth/base64url.h"
#include "auth/test_keys.h"
#include "auth/token_error.h"
#include "auth/token_verifier.h"
#include "base/str.h"

namespace vigil::auth {
namespace {

using testing::JwksJson;
using testing::SignHs256;
using testing::TestKey;

constexpr int64_t kNow = 1'800'000'000;
constexpr char kIssuer[] = "https://auth.example.org";
constexpr char kAudience[] = "https://fhir.example.org/fhir";

std::string Claims(std::string_view extra = "", int64_t exp = kNow + 300) {
  return std::string("{\"iss\":\"") + kIssuer + "\",\"aud\":\"" + kAudience +
         "\",\"sub\":\"app-1\",\"exp\":" + std::to_string(exp) +
         ",\"scope\":\"patient/Observation.rs launch/patient\",\"patient\":\"p1\"" +
         std::string(extra) + "}";
}

std::string Header(const TestKey& key) {
  return std::string("{\"alg\":\"") + std::string(key.alg()) + "\",\"kid\":\"" + key.kid() +
         "\",\"typ\":\"JWT\"}";
}

class TokenTest : public ::testing::Test {
 protected:
  TokenTest()
      : rsa_(TestKey::Rsa("rsa-1")), ec_(TestKey::Ec("ec-1")), other_(TestKey::Rsa("rsa-1")) {}

  TokenVerifier Verifier() const {
    absl::StatusOr<JwkSet> keys = JwkSet::Parse(JwksJson({&rsa_, &ec_}));
    EXPECT_TRUE(keys.ok()) << keys.status();
    TokenVerifierOptions options;
    options.claims.issuer = kIssuer;
    options.claims.audience = kAudience;
    options.now_s = [] { return kNow; };
    return TokenVerifier(*std::move(keys), options);
  }

  std::optional<TokenProblem> Problem(const std::string& token) const {
    absl::StatusOr<AccessToken> verified = Verifier().Verify(token);
    if (verified.ok()) return std::nullopt;
    EXPECT_EQ(verified.status().code(), absl::StatusCode::kUnauthenticated);
    if (token.size() > 8) {
      EXPECT_EQ(verified.status().message().find(token), std::string_view::npos);
    }
    return TokenProblemOf(verified.status());
  }

  TestKey rsa_, ec_, other_;
};

TEST(Base64UrlTest, RoundTripsAndRejectsNonCanonicalText) {
  for (std::string bytes : {"", "f", "fo", "foo", "foob", "\xff\xfe\x00\x01"}) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(bytes)), bytes);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("Zm9v"), "foo");
  EXPECT_FALSE(Base64UrlDecode("Zm9v="));  // padding
  EXPECT_FALSE(Base64UrlDecode("Zm+v"));   // base64, not base64url
  EXPECT_FALSE(Base64UrlDecode("Zm9vY"));  // length 1 mod 4
  EXPECT_FALSE(Base64UrlDecode("Zh"));     // non-zero unused bits ("Zg" is canonical)
  EXPECT_EQ(Base64UrlDecode("Zg"), "f");
}

TEST_F(TokenTest, ValidRs256AndEs256TokensVerify) {
  for (const TestKey* key : {&rsa_, &ec_}) {
    absl::StatusOr<AccessToken> token = Verifier().Verify(key->Sign(Header(*key), Claims()));
    ASSERT_TRUE(token.ok()) << key->alg() << ": " << token.status();
    EXPECT_EQ(token->claims.subject, "app-1");
    EXPECT_EQ(token->claims.patient, "p1");
    ASSERT_EQ(token->scopes.resources.size(), 1u);
    EXPECT_EQ(token->scopes.resources[0].resource_type, "Observation");
  }
}

TEST_F(TokenTest, AudienceMayBeAnArray) {
  std::string claims = std::string("{\"iss\":\"") + kIssuer + "\",\"aud\":[\"other\",\"" +
                       kAudience + "\"],\"exp\":" + std::to_string(kNow + 10) + "}";
  EXPECT_EQ(Problem(rsa_.Sign(Header(rsa_), claims)), std::nullopt);
}

TEST_F(TokenTest, MissingBearerHeaderIsMissing) {
  EXPECT_EQ(TokenProblemOf(BearerToken("").status()), TokenProblem::kMissing);
  EXPECT_EQ(TokenProblemOf(BearerToken("Basic dXNlcjpwdw==").status()), TokenProblem::kMissing);
  EXPECT_EQ(TokenProblemOf(BearerToken("Bearer ").status()), TokenProblem::kMissing);
  EXPECT_EQ(*BearerToken("bearer abc.def.ghi"), "abc.def.ghi");
}

TEST_F(TokenTest, ExpiredTokenIsRejected) {
  EXPECT_EQ(Problem(rsa_.Sign(Header(rsa_), Claims("", kNow - 61))), TokenProblem::kExpired);
  // Within the 60 s skew it is still accepted.
  EXPECT_EQ(Problem(rsa_.Sign(Header(rsa_), Claims("", kNow - 59))), std::nullopt);
}

TEST_F(TokenTest, TokenWithoutExpIsRejected) {
  std::string claims = std::string("{\"iss\":\"") + kIssuer + "\",\"aud\":\"" + kAudience + "\"}";
  EXPECT_EQ(Problem(rsa_.Sign(Header(rsa_), claims)), TokenProblem::kExpired);
}

TEST_F(TokenTest, NotBeforeInTheFutureIsRejected) {
  EXPECT_EQ(Problem(rsa_.Sign(Header(rsa_), Claims(",\"nbf\":" + std::to_string(kNow + 120)))),
            TokenProblem::kNotYetValid);
  EXPECT_EQ(Problem(rsa_.Sign(Header(rsa_), Claims(",\"nbf\":" + std::to_string(kNow + 30)))),
            std::nullopt);
}

TEST_F(TokenTest, WrongIssuerIsRejected) {
  std::string claims = Claims();
  claims.replace(claims.find(kIssuer), sizeof(kIssuer) - 1, "https://evil.example.org");
  EXPECT_EQ(Problem(rsa_.Sign(Header(rsa_), claims)), TokenProblem::kWrongIssuer);
}

TEST_F(TokenTest, WrongAudienceIsRejected) {
  std::string claims = Claims();
  claims.replace(claims.find(kAudience), sizeof(kAudience) - 1, "https://other.example.org/fhir");
  EXPECT_EQ(Problem(rsa_.Sign(Header(rsa_), claims)), TokenProblem::kWrongAudience);
}

TEST_F(TokenTest, SignatureByAnotherKeyPairIsRejected) {
  // other_ has the same kid as rsa_ but is a different key pair.
  EXPECT_EQ(Problem(other_.Sign(Header(other_), Claims())), TokenProblem::kBadSignature);
  TestKey other_ec = TestKey::Ec("ec-1");
  EXPECT_EQ(Problem(other_ec.Sign(Header(other_ec), Claims())), TokenProblem::kBadSignature);
}

TEST_F(TokenTest, TamperedPayloadIsRejected) {
  std::string token = rsa_.Sign(Header(rsa_), Claims());
  std::string forged_payload = Base64UrlEncode(Claims(",\"x\":1"));
  size_t dot1 = token.find('.'), dot2 = token.rfind('.');
  token.replace(dot1 + 1, dot2 - dot1 - 1, forged_payload);
  EXPECT_EQ(Problem(token), TokenProblem::kBadSignature);
}

TEST_F(TokenTest, UnknownKidIsRejected) {
  TestKey stranger = TestKey::Rsa("rsa-2");
  EXPECT_EQ(Problem(stranger.Sign(Header(stranger), Claims())), TokenProblem::kUnknownKey);
  // Without a kid, a set of two keys names no key.
  EXPECT_EQ(Problem(rsa_.Sign(R"({"alg":"RS256"})", Claims())), TokenProblem::kUnknownKey);
}

TEST_F(TokenTest, AlgNoneIsRejected) {
  std::string token =
      Base64UrlEncode(R"({"alg":"none","kid":"rsa-1"})") + "." + Base64UrlEncode(Claims()) + ".";
  EXPECT_EQ(Problem(token), TokenProblem::kAlgNone);
}

TEST_F(TokenTest, Hs256KeyedWithThePublicKeyIsRejected) {
  // Algorithm confusion: an HMAC whose secret is the RSA public key's bytes.
  for (const std::string& secret : {rsa_.PublicPem(), rsa_.JwkJson()}) {
    std::string token = SignHs256(R"({"alg":"HS256","kid":"rsa-1"})", Claims(), secret);
    EXPECT_EQ(Problem(token), TokenProblem::kAlgNotAllowed);
  }
}

TEST_F(TokenTest, AlgOfTheOtherKeyTypeIsRejected) {
  // An ES256 signature presented under the RSA key's kid.
  EXPECT_EQ(Problem(ec_.Sign(R"({"alg":"ES256","kid":"rsa-1"})", Claims())),
            TokenProblem::kAlgNotAllowed);
  EXPECT_EQ(Problem(rsa_.Sign(R"({"alg":"RS384","kid":"rsa-1"})", Claims())),
            TokenProblem::kAlgNotAllowed);
}

TEST_F(TokenTest, MalformedTokensAreRejected) {
  std::string good = rsa_.Sign(Header(rsa_), Claims());
  for (const std::string& token :
       {std::string(""), std::string("abc"), std::string("a.b"), good + ".x", std::string("..."),
        std::string("!!.e30.e30"), std::string(kMaxTokenBytes + 1, 'a')}) {
    EXPECT_EQ(Problem(token), TokenProblem::kMalformed) << token.substr(0, 40);
  }
  // Duplicate header members, crit, exp as a string.
  EXPECT_EQ(Problem(rsa_.Sign(R"({"alg":"RS256","kid":"rsa-1","kid":"ec-1"})", Claims())),
            TokenProblem::kMalformed);
  EXPECT_EQ(Problem(rsa_.Sign(R"({"alg":"RS256","kid":"rsa-1","crit":["exp"]})", Claims())),
            TokenProblem::kMalformed);
  std::string claims = std::string("{\"iss\":\"") + kIssuer + "\",\"aud\":\"" + kAudience +
                       "\",\"exp\":\"" + std::to_string(kNow + 60) + "\"}";
  EXPECT_EQ(Problem(rsa_.Sign(Header(rsa_), claims)), TokenProblem::kMalformed);
}

TEST_F(TokenTest, Es256SignatureMustBeRawRAndS) {
  std::string token = ec_.Sign(Header(ec_), Claims());
  // Appending a byte to r||s (65 bytes) must not verify.
  std::string sig = *Base64UrlDecode(token.substr(token.rfind('.') + 1));
  std::string longer = token.substr(0, token.rfind('.') + 1) + Base64UrlEncode(sig + "x");
  EXPECT_EQ(Problem(longer), TokenProblem::kBadSignature);
}

TEST(JwkSetTest, RefusesKeysItCannotTrustFully) {
  TestKey rsa = TestKey::Rsa("k");
  EXPECT_TRUE(JwkSet::Parse(JwksJson({&rsa})).ok());
  EXPECT_FALSE(JwkSet::Parse(R"({"keys":[]})").ok());
  EXPECT_FALSE(JwkSet::Parse(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})").ok());
  std::string jwk = rsa.JwkJson();
  std::string with_alg = jwk;
  with_alg.replace(with_alg.find("RS256"), 5, "HS256");
  EXPECT_FALSE(JwkSet::Parse("{\"keys\":[" + with_alg + "]}").ok());
  EXPECT_FALSE(JwkSet::Parse("{\"keys\":[" + jwk + "," + jwk + "]}").ok());  // duplicate kid
  // A point off the curve.
  EXPECT_FALSE(JwkSet::Parse(R"({"keys":[{"kty":"EC","crv":"P-256","x":")" +
                             Base64UrlEncode(std::string(32, '\x01')) + R"(","y":")" +
                             Base64UrlEncode(std::string(32, '\x02')) + R"("}]})")
                   .ok());
  // A 1024-bit RSA modulus.
  EXPECT_FALSE(JwkSet::Parse(R"({"keys":[{"kty":"RSA","n":")" +
                             Base64UrlEncode("\x80" + std::string(127, '\x01')) +
                             R"(","e":"AQAB"}]})")
                   .ok());
}

TEST(JwkSetTest, OneKeyWithoutKidVerifiesTokensWithoutKid) {
  TestKey ec = TestKey::Ec("");
  absl::StatusOr<JwkSet> keys = JwkSet::Parse(JwksJson({&ec}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  absl::StatusOr<VerifiedJws> jws = VerifyJws(ec.Sign(R"({"alg":"ES256"})", "{}"), *keys);
  EXPECT_TRUE(jws.ok()) << jws.status();
}

std::string HeaderFor(std::string_view alg, std::string_view kid) {
  return StrCat("{\"alg\":\"", alg, "\",\"kid\":\"", kid, "\",\"typ\":\"JWT\"}");
}

std::optional<TokenProblem> VerifyProblem(const std::string& token, const JwkSet& keys) {
  absl::StatusOr<VerifiedJws> jws = VerifyJws(token, keys);
  if (jws.ok()) return std::nullopt;
  EXPECT_EQ(jws.status().code(), absl::StatusCode::kUnauthenticated);
  return TokenProblemOf(jws.status());
}

TEST(JwsAlgTest, Rs384AndEs384TokensVerifyWithTheirKeys) {
  TestKey rsa = TestKey::Rsa("rsa-384", "RS384");
  TestKey ec = TestKey::Ec384("ec-384");
  absl::StatusOr<JwkSet> keys = JwkSet::Parse(JwksJson({&rsa, &ec}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  absl::StatusOr<VerifiedJws> r = VerifyJws(rsa.Sign(HeaderFor("RS384", "rsa-384"), "{}"), *keys);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->alg, JwsAlg::kRs384);
  EXPECT_EQ(r->kid, "rsa-384");
  absl::StatusOr<VerifiedJws> e = VerifyJws(ec.Sign(HeaderFor("ES384", "ec-384"), "{}"), *keys);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->alg, JwsAlg::kEs384);
}

TEST(JwsAlgTest, RsaKeyWithoutAlgAcceptsRs256AndRs384Only) {
  TestKey rsa = TestKey::Rsa("r");
  absl::StatusOr<JwkSet> keys = JwkSet::Parse("{\"keys\":[" + rsa.JwkJson(false) + "]}");
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(VerifyProblem(rsa.SignAs("RS256", HeaderFor("RS256", "r"), "{}"), *keys), std::nullopt);
  EXPECT_EQ(VerifyProblem(rsa.SignAs("RS384", HeaderFor("RS384", "r"), "{}"), *keys), std::nullopt);
  // The header names the digest: an RS384 signature presented as RS256 fails.
  EXPECT_EQ(VerifyProblem(rsa.SignAs("RS384", HeaderFor("RS256", "r"), "{}"), *keys),
            TokenProblem::kBadSignature);
  for (std::string_view alg : {"PS256", "RS512", "ES256", "HS384", "rs256"}) {
    EXPECT_EQ(VerifyProblem(rsa.SignAs("RS256", HeaderFor(alg, "r"), "{}"), *keys),
              TokenProblem::kAlgNotAllowed)
        << alg;
  }
}

TEST(JwsAlgTest, AlgOfTheJwkPinsTheKeyToIt) {
  TestKey rs256 = TestKey::Rsa("r");  // its JWK says "alg": "RS256"
  TestKey rs384 = TestKey::Rsa("s", "RS384");
  absl::StatusOr<JwkSet> keys = JwkSet::Parse(JwksJson({&rs256, &rs384}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(VerifyProblem(rs256.SignAs("RS384", HeaderFor("RS384", "r"), "{}"), *keys),
            TokenProblem::kAlgNotAllowed);
  EXPECT_EQ(VerifyProblem(rs384.SignAs("RS256", HeaderFor("RS256", "s"), "{}"), *keys),
            TokenProblem::kAlgNotAllowed);
}

TEST(JwsAlgTest, TheCurveDecidesTheEcAlgorithm) {
  TestKey p256 = TestKey::Ec("p256");
  TestKey p384 = TestKey::Ec384("p384");
  absl::StatusOr<JwkSet> keys =
      JwkSet::Parse("{\"keys\":[" + p256.JwkJson(false) + "," + p384.JwkJson(false) + "]}");
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(VerifyProblem(p256.SignAs("ES384", HeaderFor("ES384", "p256"), "{}"), *keys),
            TokenProblem::kAlgNotAllowed);
  EXPECT_EQ(VerifyProblem(p384.SignAs("ES256", HeaderFor("ES256", "p384"), "{}"), *keys),
            TokenProblem::kAlgNotAllowed);
  EXPECT_EQ(VerifyProblem(p384.Sign(HeaderFor("ES384", "p384"), "{}"), *keys), std::nullopt);
}

TEST(JwsAlgTest, Es384SignatureMustBeRaw96Bytes) {
  TestKey ec = TestKey::Ec384("e");
  absl::StatusOr<JwkSet> keys = JwkSet::Parse(JwksJson({&ec}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  std::string token = ec.Sign(HeaderFor("ES384", "e"), "{}");
  std::string input = token.substr(0, token.rfind('.') + 1);
  std::string sig = *Base64UrlDecode(token.substr(token.rfind('.') + 1));
  ASSERT_EQ(sig.size(), 96u);
  EXPECT_EQ(VerifyProblem(input + Base64UrlEncode(sig.substr(0, 64)), *keys),
            TokenProblem::kBadSignature);
  EXPECT_EQ(VerifyProblem(input + Base64UrlEncode(sig + "x"), *keys), TokenProblem::kBadSignature);
}

TEST(JwkSetTest, AlgMustBeOneOfTheKeyTypes) {
  TestKey p256 = TestKey::Ec("a");
  TestKey p384 = TestKey::Ec384("b");
  TestKey rsa = TestKey::Rsa("c", "RS384");
  EXPECT_TRUE(JwkSet::Parse(JwksJson({&p256, &p384, &rsa})).ok());
  auto with_alg = [](std::string jwk, std::string_view from, std::string_view to) {
    jwk.replace(jwk.find(from), from.size(), to);
    return "{\"keys\":[" + jwk + "]}";
  };
  EXPECT_FALSE(JwkSet::Parse(with_alg(p256.JwkJson(), "ES256", "ES384")).ok());
  EXPECT_FALSE(JwkSet::Parse(with_alg(p384.JwkJson(), "ES384", "ES256")).ok());
  EXPECT_FALSE(JwkSet::Parse(with_alg(rsa.JwkJson(), "RS384", "ES384")).ok());
  EXPECT_FALSE(JwkSet::Parse(with_alg(rsa.JwkJson(), "RS384", "PS384")).ok());
  EXPECT_FALSE(JwkSet::Parse(with_alg(p384.JwkJson(), "P-384", "P-521")).ok());
}

TEST(TokenVerifierTest, EachIssuerVerifiesWithItsOwnKeysOnly) {
  TestKey external = TestKey::Rsa("k");
  TestKey own = TestKey::Ec("k");  // the same kid on purpose
  TokenVerifierOptions options;
  options.claims.issuer = "https://external.example.org";
  options.claims.audience = kAudience;
  options.now_s = [] { return kNow; };
  TokenVerifier first(*JwkSet::Parse(JwksJson({&external})), options);
  ClaimsPolicy own_policy;
  own_policy.issuer = "https://fhir.example.org/auth";
  own_policy.audience = kAudience;
  absl::StatusOr<TokenVerifier> both =
      first.WithIssuer(*JwkSet::Parse(JwksJson({&own})), own_policy);
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->issuer_count(), 2u);
  auto claims = [](std::string_view iss) {
    return StrCat("{\"iss\":\"", iss, "\",\"aud\":\"", kAudience, "\",\"exp\":", kNow + 60,
                  ",\"scope\":\"system/*.rs\"}");
  };
  absl::StatusOr<AccessToken> a =
      both->Verify(external.Sign(Header(external), claims("https://external.example.org")));
  EXPECT_TRUE(a.ok()) << a.status();
  absl::StatusOr<AccessToken> b =
      both->Verify(own.Sign(Header(own), claims("https://fhir.example.org/auth")));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->claims.issuer, "https://fhir.example.org/auth");
  // A token naming one issuer but signed with the other issuer's key.
  EXPECT_EQ(
      TokenProblemOf(
          both->Verify(own.Sign(Header(own), claims("https://external.example.org"))).status()),
      TokenProblem::kAlgNotAllowed);
  EXPECT_EQ(TokenProblemOf(both->Verify(external.Sign(Header(external),
                                                      claims("https://fhir.example.org/auth")))
                               .status()),
            TokenProblem::kAlgNotAllowed);
  TestKey own_rsa = TestKey::Rsa("k");
  EXPECT_EQ(TokenProblemOf(
                both->Verify(own_rsa.Sign(Header(own_rsa), claims("https://external.example.org")))
                    .status()),
            TokenProblem::kBadSignature);
  EXPECT_EQ(TokenProblemOf(
                both->Verify(own.Sign(Header(own), claims("https://evil.example.org"))).status()),
            TokenProblem::kWrongIssuer);
  EXPECT_EQ(TokenProblemOf(both->Verify("abc").status()), TokenProblem::kMalformed);
  // The first verifier is unchanged, and an issuer cannot be trusted twice.
  EXPECT_EQ(first.issuer_count(), 1u);
  EXPECT_EQ(both->WithIssuer(*JwkSet::Parse(JwksJson({&own})), own_policy).status().code(),
            absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace vigil::auth
