// Test helper for authorization tests of the REST layer: an RSA test key, a
// TokenVerifier that trusts it, and access tokens signed with it (real RS256
// signatures, auth/test_keys.h).
//
//   TestTokens tokens;
//   options.verifier = tokens.Verifier();
//   std::string token = tokens.Sign("launch/patient patient/*.rs", "p1");
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "auth/test_keys.h"
#include "auth/token_verifier.h"

namespace vigil::server::testing {

class TestTokens {
 public:
  static constexpr int64_t kNow = 1'800'000'000;
  static constexpr char kIssuer[] = "https://auth.example.org";
  static constexpr char kAudience[] = "http://test/fhir";

  TestTokens() : key_(auth::testing::TestKey::Rsa("k1")) {}

  std::shared_ptr<const auth::TokenVerifier> Verifier() const {
    absl::StatusOr<auth::JwkSet> keys = auth::JwkSet::Parse(auth::testing::JwksJson({&key_}));
    EXPECT_TRUE(keys.ok()) << keys.status();
    auth::TokenVerifierOptions options;
    options.claims.issuer = kIssuer;
    options.claims.audience = kAudience;
    options.now_s = [] { return kNow; };
    return std::make_shared<auth::TokenVerifier>(*std::move(keys), options);
  }

  // A token with these scopes and, when not empty, the patient claim.
  std::string Sign(std::string_view scope, std::string_view patient = "") const {
    std::string claims = std::string("{\"iss\":\"") + kIssuer + "\",\"aud\":\"" + kAudience +
                         "\",\"exp\":" + std::to_string(kNow + 300) + ",\"scope\":\"" +
                         std::string(scope) + "\"";
    if (!patient.empty()) claims += ",\"patient\":\"" + std::string(patient) + "\"";
    return key_.Sign(R"({"alg":"RS256","kid":"k1"})", claims + "}");
  }

 private:
  auth::testing::TestKey key_;
};

}  // namespace vigil::server::testing
