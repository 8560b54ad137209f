// HttpServer with HttpOptions::tls: HTTPS answered, plain HTTP and silent
// clients closed without an HTTP response, each failure logged once.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "server/http/http_server.h"
#include "server/http/test_client.h"
#include "server/net/test_tls.h"
#include "server/net/tls.h"

namespace vigil::server {
namespace {

using namespace std::chrono_literals;
using net::testing::TestCert;
using net::testing::TestCerts;
using net::testing::TlsClient;
using testing::RawClient;

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

class HttpsServerTest : public ::testing::Test {
 protected:
  void StartServer(std::chrono::milliseconds read_timeout = 5000ms) {
    HttpOptions options;
    options.port = 0;
    options.threads = 2;
    options.read_timeout = read_timeout;
    options.tls = net::TlsContext::ForServer(cert_.cert_file, cert_.key_file).value();
    server_ = std::make_unique<HttpServer>(
        options,
        [this](const HttpRequest& r) {
          ++handled_;
          return HttpResponse{.status = 200, .headers = {}, .body = "path=" + r.path};
        },
        nullptr);
    ASSERT_TRUE(server_->Start().ok());
  }

  TestCerts certs_;
  TestCert cert_ = certs_.Make("server", "IP:127.0.0.1,DNS:localhost");
  std::atomic<int> handled_{0};
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpsServerTest, RequestsOverTlsAreAnsweredOnOneKeptAliveConnection) {
  StartServer();
  TlsClient client(server_->port(), cert_.cert_file);
  for (const std::string path : {"/fhir/metadata", "/second"}) {
    client.Write("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n");
    const std::string head = client.ReadUntil("\r\n\r\n");
    EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
    EXPECT_NE(head.find("Content-Length: " + std::to_string(5 + path.size())), std::string::npos);
    EXPECT_EQ(client.ReadUntil(path), "path=" + path);
  }
  EXPECT_EQ(handled_.load(), 2);
}

TEST_F(HttpsServerTest, PlainHttpOnTheTlsPortGetsNoHttpResponseAndOneLogLine) {
  StartServer();
  ::testing::internal::CaptureStderr();
  {
    RawClient plain(server_->port(), 3000);
    ASSERT_TRUE(plain.connected());
    ASSERT_TRUE(plain.Send("GET /fhir/metadata HTTP/1.1\r\nHost: t\r\n\r\n"));
    EXPECT_FALSE(plain.Read().has_value());
  }
  server_->Stop();  // joins the io threads: the log line is written (it may follow the close)
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_EQ(Count(log, "vigil http: TLS handshake with 127.0.0.1 failed: http request\n"), 1u)
      << log;
}

TEST_F(HttpsServerTest, HandshakeThatNeverCompletesIsClosedAfterTheReadTimeout) {
  StartServer(300ms);
  ::testing::internal::CaptureStderr();
  RawClient silent(server_->port(), 5000);
  ASSERT_TRUE(silent.connected());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.ReadsEof());
  const auto took = std::chrono::steady_clock::now() - start;
  server_->Stop();  // joins the io threads: the log line is written (it may follow the close)
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3000ms);
  EXPECT_EQ(Count(log, "vigil http: TLS handshake with 127.0.0.1 failed: timed out\n"), 1u) << log;
}

TEST_F(HttpsServerTest, ClientThatDoesNotTrustTheCertificateIsRefusedAndTheServerStaysUp) {
  StartServer();
  TestCert stranger = certs_.Make("stranger", "IP:127.0.0.1");
  EXPECT_THROW(TlsClient(server_->port(), stranger.cert_file), boost::system::system_error);
  TlsClient trusting(server_->port(), cert_.cert_file);
  trusting.Write("GET /after HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_TRUE(trusting.ReadUntil("\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(handled_.load(), 1);
}

}  // namespace
}  // namespace vigil::server
