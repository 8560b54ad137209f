#include "subscriptions/hook_sender.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <mutex>

#include "base/str.h"
#include "server/net/tls_stream.h"

namespace vigil::subscriptions {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr uint64_t kMaxAnswerBytes = uint64_t{1} << 20;

std::string Describe(const beast::error_code& ec) {
  if (ec == beast::error::timeout || ec == asio::error::timed_out) return "timed out";
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again) return "host not found";
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset) {
    return "connection closed before an answer";
  }
  return ec.message();
}

// One request/answer exchange, driven by the io_context that Send runs. tls:
// null for http://, the client context for https://.
class Exchange {
 public:
  Exchange(asio::io_context& io, const HookRequest& request, const HookTimeouts& timeouts,
           const net::TlsContext* tls)
      : timeouts_(timeouts), host_(request.url.host), port_(request.url.port),
        resolver_(io), stream_(beast::tcp_stream(io), tls), deadline_(io) {
    request_.method_string(request.method);
    request_.target(request.url.target);
    request_.version(11);
    request_.set(http::field::host, request.url.host);
    request_.set(http::field::user_agent, "vigil-subscriptions");
    request_.set(http::field::connection, "close");
    for (const auto& [name, value] : request.headers) request_.insert(name, value);
    request_.body() = request.body;
    request_.prepare_payload();
    parser_.body_limit(kMaxAnswerBytes);
  }

  void Start() {
    deadline_.expires_after(timeouts_.total);
    deadline_.async_wait([this](const beast::error_code& ec) {
      if (ec || done_) return;
      Finish(absl::UnavailableError("timed out"));
    });
    resolver_.async_resolve(host_, port_, [this](const beast::error_code& ec, tcp::resolver::results_type found) {
      if (ec) return Fail(ec);
      stream_.next_layer().expires_after(timeouts_.connect);
      stream_.next_layer().async_connect(
          found, [this](const beast::error_code& ec2, const tcp::endpoint&) { OnConnect(ec2); });
    });
  }

  absl::Status result() const { return result_; }

 private:
  void OnConnect(const beast::error_code& ec) {
    if (ec) return Fail(ec);
    if (!stream_.ExpectPeerName(host_)) return Finish(absl::UnavailableError("TLS setup failed"));
    stream_.next_layer().expires_after(timeouts_.io);
    stream_.async_handshake(asio::ssl::stream_base::client, [this](const beast::error_code& ec2) {
      if (ec2) return FailHandshake(ec2);
      Write();
    });
  }

  void Write() {
    stream_.next_layer().expires_after(timeouts_.io);
    http::async_write(stream_, request_, [this](const beast::error_code& ec2, size_t) {
      if (ec2) return Fail(ec2);
      stream_.next_layer().expires_after(timeouts_.io);
      http::async_read(stream_, buffer_, parser_, [this](const beast::error_code& ec3, size_t) { OnRead(ec3); });
    });
  }

  void OnRead(const beast::error_code& ec) {
    // An answer whose body is too long or cut short still has a status.
    if (ec && !parser_.is_header_done()) return Fail(ec);
    const unsigned status = parser_.get().result_int();
    if (status >= 200 && status < 300) return Finish(absl::OkStatus());
    Finish(absl::UnavailableError(StrCat("HTTP ", status)));
  }

  // "TLS handshake failed: certificate verify failed (self-signed certificate)".
  void FailHandshake(const beast::error_code& ec) {
    if (ec == asio::error::operation_aborted && done_) return;
    std::string reason = StrCat("TLS handshake failed: ", net::DescribeTlsError(ec));
    if (const std::string why = stream_.PeerVerifyFailure(); !why.empty()) {
      reason = StrCat(reason, " (", why, ")");
    }
    Finish(absl::UnavailableError(reason));
  }

  void Fail(const beast::error_code& ec) {
    if (ec == asio::error::operation_aborted && done_) return;  // cancelled by Finish
    Finish(absl::UnavailableError(Describe(ec)));
  }

  void Finish(absl::Status status) {
    if (done_) return;
    done_ = true;
    result_ = std::move(status);
    deadline_.cancel();
    resolver_.cancel();
    beast::error_code ignored;
    stream_.next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.next_layer().close();
  }

  const HookTimeouts timeouts_;
  const std::string host_, port_;
  tcp::resolver resolver_;
  net::MaybeTlsStream<beast::tcp_stream> stream_;
  asio::steady_timer deadline_;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  bool done_ = false;
  absl::Status result_ = absl::UnavailableError("no answer");
};

class HttpHookSender final : public HookSender {
 public:
  HttpHookSender(HookTimeouts timeouts, std::shared_ptr<net::TlsContext> tls)
      : timeouts_(timeouts), tls_(std::move(tls)) {}

  absl::Status Send(const HookRequest& request) override {
    const net::TlsContext* tls = nullptr;
    if (request.url.scheme == "https") {
      absl::StatusOr<const net::TlsContext*> made = Tls();
      if (!made.ok()) return absl::UnavailableError(StrCat("TLS setup failed: ", Message(made.status())));
      tls = *made;
    } else if (request.url.scheme != "http") {
      return absl::UnavailableError(StrCat(request.url.scheme, " endpoints are not supported"));
    }
    asio::io_context io;
    {
      std::lock_guard lock(mu_);
      if (cancelled_) return absl::CancelledError("stopping");
      running_ = &io;
    }
    absl::Status result;
    {
      Exchange exchange(io, request, timeouts_, tls);
      exchange.Start();
      io.run();
      result = exchange.result();
    }
    std::lock_guard lock(mu_);
    running_ = nullptr;
    if (cancelled_) return absl::CancelledError("stopping");
    return result;
  }

  void Cancel() override {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    if (running_ != nullptr) running_->stop();
  }

 private:
  // The context given, else one trusting the system's certificates, made at
  // the first https:// request (loading the trust store takes a while).
  absl::StatusOr<const net::TlsContext*> Tls() {
    if (!tls_ && tls_error_.ok()) {
      absl::StatusOr<std::shared_ptr<net::TlsContext>> made = net::TlsContext::ForClient("");
      if (made.ok()) {
        tls_ = *std::move(made);
      } else {
        tls_error_ = made.status();
      }
    }
    if (!tls_error_.ok()) return tls_error_;
    return tls_.get();
  }

  const HookTimeouts timeouts_;
  std::shared_ptr<net::TlsContext> tls_;  // used by Send only (one thread at a time)
  absl::Status tls_error_;                // why tls_ could not be made
  std::mutex mu_;
  asio::io_context* running_ = nullptr;  // guarded by mu_: the Send in progress
  bool cancelled_ = false;               // guarded by mu_
};

}  // namespace

std::shared_ptr<HookSender> NewHttpHookSender(HookTimeouts timeouts,
                                              std::shared_ptr<net::TlsContext> tls) {
  return std::make_shared<HttpHookSender>(timeouts, std::move(tls));
}

}  // namespace vigil::subscriptions
