// The server's token key: tokens it signs verify with its published JWKS and
// nothing else, and the key file is created private, reused, and refused when
// others could read it.
#include "auth/jws_signer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "auth/base64url.h"
#include "auth/jws.h"
#include "auth/test_keys.h"
#include "auth/token_error.h"

namespace vigil::auth {
namespace {

fhir::Json Claims() {
  fhir::Json claims = fhir::Json::Object();
  claims.Set("iss", fhir::Json::String("https://vigil.test/auth"));
  claims.Set("exp", fhir::Json::Number("1800000000"));
  return claims;
}

std::string TempDir() {
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("vigil-signer-" + std::to_string(::getpid()) + "-" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                        .string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(JwsSignerTest, SignedTokensVerifyWithThePublishedJwks) {
  absl::StatusOr<JwsSigner> signer = JwsSigner::Generate();
  ASSERT_TRUE(signer.ok()) << signer.status();
  absl::StatusOr<std::string> token = signer->Sign(Claims(), "at+jwt");
  ASSERT_TRUE(token.ok()) << token.status();
  absl::StatusOr<JwkSet> keys = JwkSet::Parse(signer->JwksJson());
  ASSERT_TRUE(keys.ok()) << keys.status();
  absl::StatusOr<VerifiedJws> jws = VerifyJws(*token, *keys);
  ASSERT_TRUE(jws.ok()) << jws.status();
  EXPECT_EQ(jws->alg, JwsAlg::kEs256);
  EXPECT_EQ(jws->kid, signer->kid());
  EXPECT_EQ(jws->header.Find("typ")->text(), "at+jwt");
  EXPECT_EQ(jws->payload, Claims());
}

TEST(JwsSignerTest, KidIsTheRfc7638Thumbprint) {
  absl::StatusOr<JwsSigner> signer = JwsSigner::Generate();
  ASSERT_TRUE(signer.ok());
  fhir::Json jwk = signer->PublicJwk();
  std::string canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + jwk.Find("x")->text() +
                          "\",\"y\":\"" + jwk.Find("y")->text() + "\"}";
  unsigned char digest[32];
  unsigned int size = 0;
  ASSERT_EQ(EVP_Digest(canonical.data(), canonical.size(), digest, &size, EVP_sha256(), nullptr),
            1);
  EXPECT_EQ(signer->kid(),
            Base64UrlEncode(std::string_view(reinterpret_cast<char*>(digest), size)));
  EXPECT_EQ(signer->kid().size(), 43u);
}

TEST(JwsSignerTest, AnotherKeysTokensDoNotVerify) {
  absl::StatusOr<JwsSigner> a = JwsSigner::Generate();
  absl::StatusOr<JwsSigner> b = JwsSigner::Generate();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->kid(), b->kid());
  absl::StatusOr<JwkSet> keys = JwkSet::Parse(a->JwksJson());
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(TokenProblemOf(VerifyJws(*b->Sign(Claims(), "at+jwt"), *keys).status()),
            TokenProblem::kUnknownKey);
}

TEST(JwsSignerTest, LoadOrCreateWritesAPrivateKeyFileAndReusesIt) {
  std::string dir = TempDir();
  absl::StatusOr<JwsSigner> created = JwsSigner::LoadOrCreate(dir);
  ASSERT_TRUE(created.ok()) << created.status();
  std::string path = dir + "/token_key.pem";
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  absl::StatusOr<JwsSigner> loaded = JwsSigner::LoadOrCreate(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->kid(), created->kid());
  // A token signed by the first verifies with the second's JWKS.
  absl::StatusOr<JwkSet> keys = JwkSet::Parse(loaded->JwksJson());
  ASSERT_TRUE(keys.ok());
  EXPECT_TRUE(VerifyJws(*created->Sign(Claims(), "at+jwt"), *keys).ok());
  std::filesystem::remove_all(dir);
}

TEST(JwsSignerTest, KeyFileOthersCanReadIsRefused) {
  std::string dir = TempDir();
  ASSERT_TRUE(JwsSigner::LoadOrCreate(dir).ok());
  std::string path = dir + "/token_key.pem";
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_EQ(JwsSigner::LoadOrCreate(dir).status().code(), absl::StatusCode::kFailedPrecondition);
  std::filesystem::remove_all(dir);
}

TEST(JwsSignerTest, KeyFileThatIsNotAP256KeyIsRefused) {
  std::string dir = TempDir();
  std::string path = dir + "/token_key.pem";
  {
    std::ofstream out(path);
    out << "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
  }
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_EQ(JwsSigner::LoadOrCreate(dir).status().code(), absl::StatusCode::kFailedPrecondition);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::auth
