// The Boost.Beast sender against a real HTTP(S) server on the loopback interface.
#include "subscriptions/hook_sender.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "base/str.h"
#include "server/http/http_server.h"
#include "server/net/test_tls.h"
#include "server/net/tls.h"

namespace vigil::subscriptions {
namespace {

using std::chrono::milliseconds;

class HookSenderTest : public ::testing::Test {
 protected:
  // Starts a server answering `status` after `delay`, recording what it got.
  // tls: HTTPS with that certificate.
  void StartServer(int status, milliseconds delay = milliseconds(0), const net::testing::TestCert* tls = nullptr) {
    server::HttpOptions options;
    options.port = 0;
    options.threads = 1;
    if (tls != nullptr) options.tls = net::TlsContext::ForServer(tls->cert_file, tls->key_file).value();
    server_ = std::make_unique<server::HttpServer>(
        options,
        [this, status, delay](const server::HttpRequest& request) {
          std::this_thread::sleep_for(delay);
          std::lock_guard lock(mu_);
          got_ = request;
          server::HttpResponse response;
          response.status = status;
          response.body = "ignored";
          return response;
        },
        nullptr);
    ASSERT_TRUE(server_->Start().ok());
  }

  HookRequest Request(const std::string& method, const std::string& path,
                      const std::string& origin = "http://127.0.0.1") {
    HookRequest r;
    r.method = method;
    r.url = ParseHookUrl(StrCat(origin, ":", server_->port(), path)).value();
    return r;
  }

  std::shared_ptr<HookSender> Trusting(const net::testing::TestCert& ca) {
    return NewHttpHookSender({}, net::TlsContext::ForClient(ca.cert_file).value());
  }

  server::HttpRequest Got() {
    std::lock_guard lock(mu_);
    return got_;
  }

  std::unique_ptr<server::HttpServer> server_;
  std::mutex mu_;
  server::HttpRequest got_;
  net::testing::TestCerts certs_;
};

TEST_F(HookSenderTest, PutWithHeadersAndBodyAnswered2xxIsOk) {
  StartServer(201);
  HookRequest r = Request("PUT", "/fhir/Observation/o1?k=1");
  r.headers = {{"Authorization", "Bearer abc"}, {"Content-Type", "application/fhir+json"}};
  r.body = R"({"resourceType":"Observation","id":"o1"})";
  EXPECT_TRUE(NewHttpHookSender({})->Send(r).ok());
  server::HttpRequest got = Got();
  EXPECT_EQ(got.method, "PUT");
  EXPECT_EQ(got.target, "/fhir/Observation/o1?k=1");
  EXPECT_EQ(got.Header("authorization"), "Bearer abc");
  EXPECT_EQ(got.Header("content-type"), "application/fhir+json");
  EXPECT_EQ(got.body, r.body);
}

TEST_F(HookSenderTest, EmptyPostCarriesNoBody) {
  StartServer(200);
  EXPECT_TRUE(NewHttpHookSender({})->Send(Request("POST", "/hook")).ok());
  EXPECT_EQ(Got().method, "POST");
  EXPECT_EQ(Got().Header("content-length"), "0");
  EXPECT_EQ(Got().body, "");
}

TEST_F(HookSenderTest, Non2xxAnswerIsUnavailableWithItsStatus) {
  StartServer(503);
  absl::Status sent = NewHttpHookSender({})->Send(Request("POST", "/hook"));
  EXPECT_EQ(sent.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Message(sent), "HTTP 503");
}

TEST_F(HookSenderTest, ClosedPortIsConnectionRefused) {
  StartServer(200);
  HookRequest r = Request("POST", "/hook");
  server_->Stop();
  absl::Status sent = NewHttpHookSender({})->Send(r);
  EXPECT_EQ(sent.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Message(sent), "connection refused");
}

TEST_F(HookSenderTest, SlowAnswerTimesOut) {
  StartServer(200, milliseconds(1500));
  HookTimeouts timeouts;
  timeouts.io = milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  absl::Status sent = NewHttpHookSender(timeouts)->Send(Request("POST", "/hook"));
  EXPECT_EQ(Message(sent), "timed out");
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1400));
}

TEST_F(HookSenderTest, CancelAbortsTheRequestInFlight) {
  StartServer(200, milliseconds(1500));
  std::shared_ptr<HookSender> sender = NewHttpHookSender({});
  std::thread cancel([&] {
    std::this_thread::sleep_for(milliseconds(100));
    sender->Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  absl::Status sent = sender->Send(Request("POST", "/hook"));
  cancel.join();
  EXPECT_EQ(sent.code(), absl::StatusCode::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1400));
  EXPECT_EQ(sender->Send(Request("POST", "/hook")).code(), absl::StatusCode::kCancelled);
}

TEST_F(HookSenderTest, HttpsEndpointTrustedThroughTheExtraCaIsDelivered) {
  const net::testing::TestCert cert = certs_.Make("hook", "IP:127.0.0.1");
  StartServer(201, milliseconds(0), &cert);
  HookRequest r = Request("PUT", "/fhir/Observation/o1", "https://127.0.0.1");
  r.body = R"({"resourceType":"Observation","id":"o1"})";
  absl::Status sent = Trusting(cert)->Send(r);
  EXPECT_TRUE(sent.ok()) << sent;
  EXPECT_EQ(Got().method, "PUT");
  EXPECT_EQ(Got().target, "/fhir/Observation/o1");
  EXPECT_EQ(Got().body, r.body);
}

TEST_F(HookSenderTest, HttpsEndpointIsCheckedByDnsName) {
  const net::testing::TestCert cert = certs_.Make("localhost", "DNS:localhost");
  StartServer(200, milliseconds(0), &cert);
  absl::Status sent = Trusting(cert)->Send(Request("POST", "/hook", "https://localhost"));
  EXPECT_TRUE(sent.ok()) << sent;
  EXPECT_EQ(Got().Header("host"), "localhost");
}

TEST_F(HookSenderTest, UntrustedCertificateFailsNamingTheProblem) {
  const net::testing::TestCert cert = certs_.Make("hook", "IP:127.0.0.1");
  StartServer(200, milliseconds(0), &cert);
  absl::Status sent = NewHttpHookSender({})->Send(Request("POST", "/hook", "https://127.0.0.1"));
  EXPECT_EQ(sent.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Message(sent), "TLS handshake failed: certificate verify failed (self-signed certificate)");
  EXPECT_EQ(Got().method, "");  // nothing reached the handler
}

TEST_F(HookSenderTest, CertificateForAnotherHostFails) {
  const net::testing::TestCert cert = certs_.Make("elsewhere", "DNS:hooks.example.org,IP:10.9.9.9");
  StartServer(200, milliseconds(0), &cert);
  absl::Status sent = Trusting(cert)->Send(Request("POST", "/hook", "https://127.0.0.1"));
  EXPECT_EQ(sent.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Message(sent), "TLS handshake failed: certificate verify failed (IP address mismatch)");
}

TEST_F(HookSenderTest, HttpsUrlOnAPlainHttpServerFailsTheHandshake) {
  StartServer(200);
  absl::Status sent = NewHttpHookSender({})->Send(Request("POST", "/hook", "https://127.0.0.1"));
  EXPECT_EQ(sent.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(Message(sent).starts_with("TLS handshake failed: ")) << sent;
  EXPECT_EQ(Got().method, "");
}

}  // namespace
}  // namespace vigil::subscriptions
