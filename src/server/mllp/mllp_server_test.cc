// MllpServer over real sockets with a stub handler: framing across reads,
// garbage between frames, many messages per connection and many connections,
// oversized frames, handler exceptions; MLLP over TLS.
#include "server/mllp/mllp_server.h"

#include <utility>  // before asio: Boost 1.74 asio needs std::exchange under C++20

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "server/net/test_tls.h"
#include "server/net/tls.h"

namespace vigil::mllp {
namespace {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string Frame(const std::string& m) { return "\x0b" + m + "\x1c\r"; }

class Client {
 public:
  explicit Client(uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void Send(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }
  // The next ACK without framing; "" when the server closed the connection.
  std::string Ack() {
    boost::system::error_code ec;
    size_t n = asio::read_until(socket_, asio::dynamic_buffer(buffer_), "\x1c\r", ec);
    if (ec) return "";
    std::string frame = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return frame.substr(1, frame.size() - 3);
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  std::string buffer_;
};

class MllpServerTest : public ::testing::Test {
 protected:
  void StartServer(MllpOptions options = {}) {
    options.port = 0;
    server_ = std::make_unique<MllpServer>(options, [this](std::string_view m, const MllpPeer&) {
      ++handled_;
      if (m == "throw") throw std::runtime_error("boom");
      return "ACK:" + std::string(m);
    });
    ASSERT_TRUE(server_->Start().ok());
  }
  std::atomic<int> handled_{0};
  std::unique_ptr<MllpServer> server_;
};

TEST_F(MllpServerTest, FramesSplitAcrossWritesAndGarbageBetweenThem) {
  StartServer();
  Client c(server_->port());
  std::string bytes = "junk" + Frame("MSH|one") + "\r\nnoise" + Frame("MSH|two");
  for (char ch : bytes) c.Send(std::string(1, ch));
  EXPECT_EQ(c.Ack(), "ACK:MSH|one");
  EXPECT_EQ(c.Ack(), "ACK:MSH|two");
}

TEST_F(MllpServerTest, ManyMessagesPerConnectionInOrder) {
  StartServer();
  Client c(server_->port());
  std::string all;
  for (int i = 0; i < 50; ++i) all += Frame("m" + std::to_string(i));
  c.Send(all);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(c.Ack(), "ACK:m" + std::to_string(i));
}

TEST_F(MllpServerTest, ManyConcurrentConnections) {
  StartServer();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Client c(server_->port());
      for (int i = 0; i < 20; ++i) {
        std::string m = std::to_string(t) + "-" + std::to_string(i);
        c.Send(Frame(m));
        if (c.Ack() == "ACK:" + m) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 160);
}

TEST_F(MllpServerTest, OversizedFrameIsRejectedAndTheConnectionClosed) {
  MllpOptions options;
  options.max_message_bytes = 1000;
  StartServer(options);
  Client c(server_->port());
  c.Send(Frame(std::string(5000, 'x')));
  EXPECT_NE(c.Ack().find("MSA|AR"), std::string::npos);
  EXPECT_EQ(c.Ack(), "");  // closed
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(MllpServerTest, HandlerExceptionIsAnsweredAeAndTheServerStaysUp) {
  StartServer();
  Client c(server_->port());
  c.Send(Frame("throw"));
  EXPECT_NE(c.Ack().find("MSA|AE"), std::string::npos);
  c.Send(Frame("after"));
  EXPECT_EQ(c.Ack(), "ACK:after");
}

TEST_F(MllpServerTest, IdleConnectionIsClosed) {
  MllpOptions options;
  options.idle_timeout = std::chrono::milliseconds(200);
  StartServer(options);
  Client c(server_->port());
  EXPECT_EQ(c.Ack(), "");  // returns once the server closes
}

TEST_F(MllpServerTest, StopClosesConnectionsAndIsIdempotent) {
  StartServer();
  Client c(server_->port());
  server_->Stop();
  server_->Stop();
  EXPECT_EQ(c.Ack(), "");
}

class MllpTlsTest : public MllpServerTest {
 protected:
  void StartTls(std::chrono::milliseconds handshake_timeout = std::chrono::seconds(5)) {
    MllpOptions options;
    options.tls = net::TlsContext::ForServer(cert_.cert_file, cert_.key_file).value();
    options.handshake_timeout = handshake_timeout;
    StartServer(options);
  }
  net::testing::TestCerts certs_;
  net::testing::TestCert cert_ = certs_.Make("mllp", "IP:127.0.0.1");
};

TEST_F(MllpTlsTest, MessagesFramedOverTlsGetTheirAcksInOrder) {
  StartTls();
  net::testing::TlsClient c(server_->port(), cert_.cert_file);
  c.Write(Frame("MSH|one") + Frame("MSH|two"));
  EXPECT_EQ(c.ReadUntil("\x1c\r"), Frame("ACK:MSH|one"));
  EXPECT_EQ(c.ReadUntil("\x1c\r"), Frame("ACK:MSH|two"));
  EXPECT_EQ(handled_.load(), 2);
}

TEST_F(MllpTlsTest, PlainMllpOnTheTlsPortIsClosedUnhandled) {
  StartTls();
  ::testing::internal::CaptureStderr();
  Client c(server_->port());
  c.Send(Frame("MSH|plain"));
  EXPECT_EQ(c.Ack(), "");
  server_->Stop();  // joins the io threads: the log line is written (it may follow the close)
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_NE(log.find("vigil serve: MLLP: TLS handshake with 127.0.0.1:"), std::string::npos) << log;
}

TEST_F(MllpTlsTest, HandshakeThatNeverCompletesIsClosedAfterTheHandshakeTimeout) {
  StartTls(std::chrono::milliseconds(200));
  ::testing::internal::CaptureStderr();
  Client c(server_->port());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(c.Ack(), "");
  const auto took = std::chrono::steady_clock::now() - start;
  server_->Stop();  // joins the io threads: the log line is written (it may follow the close)
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_NE(log.find("failed: timed out\n"), std::string::npos) << log;
  EXPECT_EQ(log.find("closing idle connection"), std::string::npos) << log;
}

}  // namespace
}  // namespace vigil::mllp
