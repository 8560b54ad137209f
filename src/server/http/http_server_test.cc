#include "server/http/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "server/http/test_client.h"

namespace vigil::server {
namespace {

using namespace std::chrono_literals;
using testing::RawClient;
using testing::RawResponse;

// Echoes what the server parsed, one field per line.
HttpResponse Echo(const HttpRequest& r) {
  if (r.path == "/throw") throw std::runtime_error("patient Jane Smith, MRN 12345");
  if (r.path == "/sleep") std::this_thread::sleep_for(300ms);
  HttpResponse out;
  out.headers = {{"Content-Type", "text/plain"}, {"X-Method", r.method}};
  if (r.path == "/close") out.headers.emplace_back("Connection", "close");
  if (r.path == "/nocontent") return HttpResponse{.status = 204, .headers = {}, .body = "x"};
  if (r.path == "/inject") out.headers.emplace_back("X-Bad", "a\r\nSet-Cookie: x=1");
  out.body = "method=" + r.method + "\npath=" + r.path + "\nquery=" + r.query +
             "\ntarget=" + r.target + "\nx-test=" + std::string(r.Header("x-test")) +
             "\nremote=" + r.remote_address + "\nbody=" + r.body;
  return out;
}

HttpResponse ErrorBody(int status, std::string_view message) {
  return HttpResponse{.status = 0,
                      .headers = {{"Content-Type", "application/fhir+json"}},
                      .body = "outcome " + std::to_string(status) + ": " + std::string(message)};
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpOptions options = {}) {
    options.port = 0;
    options.threads = 2;
    handled_ = std::make_shared<std::atomic<int>>(0);
    server_ = std::make_unique<HttpServer>(
        options,
        [handled = handled_](const HttpRequest& r) {
          ++*handled;
          return Echo(r);
        },
        ErrorBody);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->port(), 0);
  }

  RawResponse RoundTrip(RawClient& client, const std::string& request, bool head = false) {
    EXPECT_TRUE(client.Send(request));
    std::optional<RawResponse> r = client.Read(head);
    EXPECT_TRUE(r.has_value()) << request;
    return r.value_or(RawResponse{});
  }

  std::shared_ptr<std::atomic<int>> handled_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, GetPassesDecodedPathRawQueryAndLowerCasedHeaders) {
  StartServer();
  RawClient c(server_->port());
  RawResponse r = RoundTrip(
      c, "GET /fhir/Patient%2Fa%20b?name=J%C3%B6rg+x HTTP/1.1\r\nHost: t\r\nX-Test: yes\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), std::to_string(r.body.size()));
  EXPECT_EQ(r.Header("x-method"), "GET");
  EXPECT_EQ(r.Header("date").size(), std::string_view("Sun, 06 Nov 1994 08:49:37 GMT").size());
  EXPECT_EQ(r.Header("date").substr(r.Header("date").size() - 4), " GMT");
  EXPECT_NE(r.body.find("path=/fhir/Patient/a b\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("query=name=J%C3%B6rg+x\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("target=/fhir/Patient%2Fa%20b?name=J%C3%B6rg+x\n"), std::string::npos);
  EXPECT_NE(r.body.find("x-test=yes\n"), std::string::npos);
  EXPECT_NE(r.body.find("remote=127.0.0.1\n"), std::string::npos);
}

TEST_F(HttpServerTest, PostBodyReachesHandler) {
  StartServer();
  RawClient c(server_->port());
  RawResponse r = RoundTrip(
      c, "POST /fhir/Patient HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n{\"a\":\"b\"}\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("body={\"a\":\"b\"}\r\n"), std::string::npos) << r.body;
}

TEST_F(HttpServerTest, ChunkedRequestBodyIsAssembled) {
  StartServer();
  RawClient c(server_->port());
  RawResponse r = RoundTrip(c,
                            "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("body=hello world"), std::string::npos) << r.body;
}

TEST_F(HttpServerTest, KeepAliveServesThreeRequestsOnOneConnection) {
  StartServer();
  RawClient c(server_->port());
  for (int i = 0; i < 3; ++i) {
    RawResponse r = RoundTrip(c, "GET /n" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("path=/n" + std::to_string(i)), std::string::npos);
    EXPECT_NE(r.Header("connection"), "close");
  }
  EXPECT_EQ(handled_->load(), 3);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  RawClient c(server_->port());
  ASSERT_TRUE(
      c.Send("GET /sleep HTTP/1.1\r\nHost: t\r\n\r\n"
             "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
             "GET /c HTTP/1.1\r\nHost: t\r\n\r\n"));
  for (const char* path : {"/sleep", "/b", "/c"}) {
    std::optional<RawResponse> r = c.Read();
    ASSERT_TRUE(r.has_value());
    EXPECT_NE(r->body.find(std::string("path=") + path + "\n"), std::string::npos) << r->body;
  }
}

TEST_F(HttpServerTest, HeadOmitsBodyButKeepsContentLength) {
  StartServer();
  RawClient c(server_->port());
  RawResponse get = RoundTrip(c, "GET /h HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string head_request = "HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n";
  RawResponse head = RoundTrip(c, head_request, /*head=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  // Same length as GET's body except for the echoed method ("method=HEAD" vs "method=GET").
  EXPECT_EQ(std::stoul(head.Header("content-length")), get.body.size() + 1);
  // The connection is still usable: no stray body bytes were sent.
  EXPECT_EQ(RoundTrip(c, "GET /after HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
}

TEST_F(HttpServerTest, NoContentResponseHasNoBodyAndNoLength) {
  StartServer();
  RawClient c(server_->port());
  RawResponse r = RoundTrip(c, "DELETE /nocontent HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.Header("content-length"), "");
  EXPECT_EQ(RoundTrip(c, "GET /after HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
}

TEST_F(HttpServerTest, ClientConnectionCloseIsHonored) {
  StartServer();
  RawClient c(server_->port());
  RawResponse r = RoundTrip(c, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(HttpServerTest, HandlerConnectionCloseIsHonored) {
  StartServer();
  RawClient c(server_->port());
  RawResponse r = RoundTrip(c, "GET /close HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(HttpServerTest, Http10ClosesByDefault) {
  StartServer();
  RawClient c(server_->port());
  RawResponse r = RoundTrip(c, "GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(HttpServerTest, HeadersWithLineBreaksFromHandlerAreDropped) {
  StartServer();
  RawClient c(server_->port());
  RawResponse r = RoundTrip(c, "GET /inject HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("x-bad"), "");
  EXPECT_EQ(r.Header("set-cookie"), "");
}

TEST_F(HttpServerTest, OversizedContentLengthGets413WithoutReadingBody) {
  StartServer({.max_body_bytes = 1024});
  RawClient c(server_->port());
  RawResponse r = RoundTrip(c, "PUT /x HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, "outcome 413: request body too large");
  EXPECT_EQ(r.Header("content-type"), "application/fhir+json");
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_EQ(handled_->load(), 0);
}

TEST_F(HttpServerTest, OversizedChunkedBodyGets413) {
  StartServer({.max_body_bytes = 1024});
  RawClient c(server_->port());
  std::string chunk(800, 'x');
  RawResponse r = RoundTrip(c,
                            "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "320\r\n" +
                                chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(handled_->load(), 0);
}

TEST_F(HttpServerTest, ExpectContinueGets100ThenTheFinalResponse) {
  StartServer();
  RawClient c(server_->port());
  ASSERT_TRUE(
      c.Send("POST /x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
             "Content-Length: 5\r\n\r\n"));
  std::optional<RawResponse> interim = c.Read();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  RawResponse r = RoundTrip(c, "hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("body=hello"), std::string::npos);
}

TEST_F(HttpServerTest, ExpectContinueWithOversizedBodyGets413Only) {
  StartServer({.max_body_bytes = 1024});
  RawClient c(server_->port());
  RawResponse r = RoundTrip(c,
                            "POST /x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                            "Content-Length: 5000\r\n\r\n");
  EXPECT_EQ(r.status, 413);
}

TEST_F(HttpServerTest, TooLargeHeaderGets431) {
  StartServer({.max_header_bytes = 4096});
  RawClient c(server_->port());
  RawResponse r =
      RoundTrip(c, "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.body, "outcome 431: request header fields too large");
  EXPECT_EQ(handled_->load(), 0);
}

TEST_F(HttpServerTest, MalformedRequestsGet400) {
  StartServer();
  for (std::string bad :
       {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", "G@T / HTTP/1.1\r\n\r\n"}) {
    RawClient c(server_->port());
    RawResponse r = RoundTrip(c, bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.body, "outcome 400: malformed HTTP request") << bad;
    EXPECT_TRUE(c.ReadsEof()) << bad;
  }
  EXPECT_EQ(handled_->load(), 0);
}

TEST_F(HttpServerTest, StalledHeaderGets408) {
  StartServer({.read_timeout = 200ms});
  RawClient c(server_->port());
  auto start = std::chrono::steady_clock::now();
  RawResponse r = RoundTrip(c, "GET / HTTP/1.1\r\nHost: t\r\n");
  EXPECT_EQ(r.status, 408);
  EXPECT_EQ(r.body, "outcome 408: request not received in time");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(HttpServerTest, StalledBodyGets408) {
  StartServer({.read_timeout = 200ms});
  RawClient c(server_->port());
  RawResponse r = RoundTrip(c, "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_EQ(r.status, 408);
  EXPECT_EQ(handled_->load(), 0);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedQuietly) {
  StartServer({.idle_timeout = 200ms});
  RawClient c(server_->port());
  EXPECT_EQ(RoundTrip(c, "GET / HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.ReadsEof());  // no 408: the client was not in the middle of a request
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(HttpServerTest, HandlerExceptionGives500WithGenericBody) {
  StartServer();
  RawClient c(server_->port());
  RawResponse r = RoundTrip(c, "GET /throw HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "outcome 500: internal server error");
  EXPECT_EQ(r.body.find("Smith"), std::string::npos);
  EXPECT_EQ(RoundTrip(c, "GET /ok HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);  // still open
}

TEST_F(HttpServerTest, TwoThousandConcurrentConnections) {
  StartServer();
  constexpr int kClients = 2000;
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<RawClient>(server_->port()));
    ASSERT_TRUE(clients.back()->connected()) << i;
  }
  for (int i = 0; i < kClients; ++i) {
    ASSERT_TRUE(clients[i]->Send("GET /c" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n"));
  }
  int ok = 0;
  for (int i = 0; i < kClients; ++i) {
    std::optional<RawResponse> r = clients[i]->Read();
    if (r && r->status == 200 &&
        r->body.find("path=/c" + std::to_string(i) + "\n") != std::string::npos) {
      ++ok;
    }
  }
  EXPECT_EQ(ok, kClients);
}

TEST_F(HttpServerTest, ConnectionsOverTheLimitAreRejected) {
  StartServer({.max_connections = 2});
  RawClient a(server_->port()), b(server_->port());
  EXPECT_EQ(RoundTrip(a, "GET / HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
  EXPECT_EQ(RoundTrip(b, "GET / HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
  RawClient c(server_->port());
  std::optional<RawResponse> r = c.Read();  // the 503 is sent without reading a request
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 503);
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(HttpServerTest, StopWithOpenConnectionsReturnsPromptly) {
  StartServer();
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 20; ++i) idle.push_back(std::make_unique<RawClient>(server_->port()));
  EXPECT_EQ(RoundTrip(*idle[0], "GET / HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
  ASSERT_TRUE(idle[1]->Send("GET / HTTP/1.1\r\nHost"));  // half a request
  std::this_thread::sleep_for(50ms);
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  for (auto& c : idle) EXPECT_TRUE(c->ReadsEof());
  server_->Stop();  // idempotent
  RawClient late(server_->port());
  EXPECT_FALSE(late.connected());
}

TEST(HttpServerStartTest, FailsWhenPortIsTaken) {
  auto handler = [](const HttpRequest&) { return HttpResponse{}; };
  HttpServer first(HttpOptions{.port = 0, .threads = 1}, handler, nullptr);
  ASSERT_TRUE(first.Start().ok());
  HttpServer second(HttpOptions{.port = first.port(), .threads = 1}, handler, nullptr);
  absl::Status s = second.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
}

TEST(HttpServerStartTest, RejectsBadAddress) {
  HttpServer server(
      HttpOptions{.address = "not-an-ip", .port = 0},
      [](const HttpRequest&) { return HttpResponse{}; }, nullptr);
  EXPECT_EQ(server.Start().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vigil::server
