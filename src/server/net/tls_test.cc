// TlsContext: what it loads, what it refuses (each with its message), and
// the protocol settings it leaves on the OpenSSL context.
#include "server/net/tls.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "base/str.h"
#include "server/net/test_tls.h"

namespace vigil::net {
namespace {

using testing::TestCert;
using testing::TestCerts;

class TlsContextTest : public ::testing::Test {
 protected:
  TestCerts certs_;
  TestCert local_ = certs_.Make("local", "IP:127.0.0.1,DNS:localhost");
};

TEST_F(TlsContextTest, ServerContextLoadsAMatchingCertificateAndKey) {
  absl::StatusOr<std::shared_ptr<TlsContext>> tls =
      TlsContext::ForServer(local_.cert_file, local_.key_file);
  ASSERT_TRUE(tls.ok()) << Message(tls.status());
  EXPECT_EQ(SSL_CTX_check_private_key((*tls)->asio().native_handle()), 1);
}

TEST_F(TlsContextTest, ServerContextAllowsTls12AndLaterWithoutCompression) {
  std::shared_ptr<TlsContext> tls = TlsContext::ForServer(local_.cert_file, local_.key_file).value();
  SSL_CTX* ctx = tls->asio().native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
  EXPECT_NE(SSL_CTX_get_options(ctx) & SSL_OP_NO_COMPRESSION, 0u);
}

TEST_F(TlsContextTest, ServerContextOffersOnlyTheIntermediateTls12Suites) {
  std::shared_ptr<TlsContext> tls = TlsContext::ForServer(local_.cert_file, local_.key_file).value();
  STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(tls->asio().native_handle());
  std::vector<std::string> tls12;
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
    if (std::string(SSL_CIPHER_get_version(c)) != "TLSv1.3") tls12.emplace_back(SSL_CIPHER_get_name(c));
  }
  EXPECT_EQ(tls12, (std::vector<std::string>{
                       "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
                       "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
                       "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
                       "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384",
                       "DHE-RSA-CHACHA20-POLY1305"}));
}

TEST_F(TlsContextTest, MissingCertificateFileIsNamed) {
  const std::string missing = certs_.Path("missing.crt");
  absl::Status s = TlsContext::ForServer(missing, local_.key_file).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(s), StrCat("TLS certificate file '", missing,
                               "' cannot be read: No such file or directory"));
}

TEST_F(TlsContextTest, KeyOfAnotherCertificateIsRefused) {
  TestCert other = certs_.Make("other", "DNS:other.example");
  absl::Status s = TlsContext::ForServer(local_.cert_file, other.key_file).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(s), StrCat("TLS key file '", other.key_file,
                               "' does not match the certificate in '", local_.cert_file, "'"));
}

TEST_F(TlsContextTest, CertificateFileWithoutPemIsRefused) {
  const std::string junk = certs_.Write("junk.crt", "not a certificate\n");
  absl::Status s = TlsContext::ForServer(junk, local_.key_file).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Message(s).starts_with(StrCat("TLS certificate file '", junk,
                                            "' holds no PEM certificate (")))
      << Message(s);
}

TEST_F(TlsContextTest, EncryptedKeyIsRefusedWithoutAskingForAPassPhrase) {
  TestCert locked = certs_.Make("locked", "IP:127.0.0.1", "pass phrase");
  absl::Status s = TlsContext::ForServer(locked.cert_file, locked.key_file).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Message(s).starts_with(StrCat("TLS key file '", locked.key_file,
                                            "' holds no unencrypted PEM private key (")))
      << Message(s);
}

TEST_F(TlsContextTest, ClientContextVerifiesPeers) {
  std::shared_ptr<TlsContext> tls = TlsContext::ForClient(local_.cert_file).value();
  EXPECT_EQ(SSL_CTX_get_verify_mode(tls->asio().native_handle()), SSL_VERIFY_PEER);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(tls->asio().native_handle()), TLS1_2_VERSION);
  EXPECT_TRUE(TlsContext::ForClient("").ok());
}

TEST_F(TlsContextTest, ClientContextRefusesACaFileWithoutCertificates) {
  const std::string junk = certs_.Write("junk-ca.pem", "nothing here\n");
  absl::Status s = TlsContext::ForClient(junk).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Message(s).starts_with(StrCat("TLS CA file '", junk, "' holds no PEM certificate (")))
      << Message(s);
}

}  // namespace
}  // namespace vigil::net
