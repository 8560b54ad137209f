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

// One request/answer exchange, driven by the io_context that Send runs.
class Exchange {
 public:
  Exchange(asio::io_context& io, const HookRequest& request, const HookTimeouts& timeouts)
      : timeouts_(timeouts), host_(request.url.host), port_(request.url.port),
        resolver_(io), stream_(io), deadline_(io) {
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
      stream_.expires_after(timeouts_.connect);
      stream_.async_connect(found, [this](const beast::error_code& ec2, const tcp::endpoint&) { OnConnect(ec2); });
    });
  }

  absl::Status result() const { return result_; }

 private:
  void OnConnect(const beast::error_code& ec) {
    if (ec) return Fail(ec);
    stream_.expires_after(timeouts_.io);
    http::async_write(stream_, request_, [this](const beast::error_code& ec2, size_t) {
      if (ec2) return Fail(ec2);
      stream_.expires_after(timeouts_.io);
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
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  const HookTimeouts timeouts_;
  const std::string host_, port_;
  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  asio::steady_timer deadline_;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  bool done_ = false;
  absl::Status result_ = absl::UnavailableError("no answer");
};

class HttpHookSender final : public HookSender {
 public:
  explicit HttpHookSender(HookTimeouts timeouts) : timeouts_(timeouts) {}

  absl::Status Send(const HookRequest& request) override {
    if (request.url.scheme != "http") {
      return absl::UnavailableError(StrCat(request.url.scheme, " endpoints are not supported yet"));
    }
    asio::io_context io;
    {
      std::lock_guard lock(mu_);
      if (cancelled_) return absl::CancelledError("stopping");
      running_ = &io;
    }
    absl::Status result;
    {
      Exchange exchange(io, request, timeouts_);
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
  const HookTimeouts timeouts_;
  std::mutex mu_;
  asio::io_context* running_ = nullptr;  // guarded by mu_: the Send in progress
  bool cancelled_ = false;               // guarded by mu_
};

}  // namespace

std::shared_ptr<HookSender> NewHttpHookSender(HookTimeouts timeouts) {
  return std::make_shared<HttpHookSender>(timeouts);
}

}  // namespace vigil::subscriptions
