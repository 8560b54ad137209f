#include "server/http/http_server.h"

// clang-format off
#include <utility>  // before asio: Boost 1.74 asio needs std::exchange under C++20
// clang-format on

#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdio>
#include <sstream>
#include <thread>

#include "base/str.h"
#include "server/http/beast_message.h"
#include "server/http/connection.h"
#include "server/http/server_state.h"
#include "server/net/listener.h"

namespace vigil::server {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using http_internal::Connection;
using http_internal::ServerState;

std::string_view HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

namespace {

// Thousands of connections need thousands of descriptors; the soft limit is
// often 1024 while the hard limit allows far more.
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

bool IsResourceExhaustion(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
         ec == asio::error::no_memory || ec == boost::system::errc::too_many_files_open_in_system;
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpOptions options, HttpHandler handler, HttpErrorFactory error_factory)
      : state_(std::make_shared<ServerState>(std::move(options), std::move(handler),
                                             std::move(error_factory))),
        acceptor_(asio::make_strand(ioc_)),
        retry_timer_(acceptor_.get_executor()) {}

  absl::Status Start();
  void Stop();
  uint16_t port() const { return port_; }

 private:
  void Accept();
  void OnAccept(boost::system::error_code ec, tcp::socket socket);
  void Reject(tcp::socket socket);

  std::shared_ptr<ServerState> state_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  std::string rejection_;  // the serialized 503, built once at Start
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

absl::Status HttpServer::Impl::Start() {
  if (started_) return absl::FailedPreconditionError("HttpServer::Start called twice");
  const HttpOptions& options = state_->options();
  if (!state_->handler()) return absl::InvalidArgumentError("HttpServer needs a handler");
  RaiseFileLimit();
  if (absl::Status s = net::Listen(acceptor_, options.address, options.port, "vigil http");
      !s.ok()) {
    return s;
  }
  port_ = acceptor_.local_endpoint().port();

  bool unused = false;
  std::ostringstream rejection;
  rejection << http_internal::ToBeastResponse(
      state_->ErrorResponse(503, "server is at its connection limit"), {.keep_alive = false},
      &unused);
  rejection_ = rejection.str();

  started_ = true;
  Accept();
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(threads, 1);
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { net::RunIoContext(ioc_, "vigil http"); });
  }
  std::fprintf(stderr, "vigil http: listening on %s:%u with %d threads%s\n",
               options.address.c_str(), static_cast<unsigned>(port_), threads,
               options.tls ? " (HTTPS only)" : "");
  return absl::OkStatus();
}

void HttpServer::Impl::Accept() {
  acceptor_.async_accept(asio::make_strand(ioc_),
                         [this](boost::system::error_code ec, tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void HttpServer::Impl::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (IsResourceExhaustion(ec)) {
    // Out of descriptors: retrying at once would spin; connections that finish
    // free some up.
    std::fprintf(stderr, "vigil http: accept failed: %s; retrying in 50 ms\n",
                 ec.message().c_str());
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && acceptor_.is_open()) Accept();
    });
    return;
  }
  if (!ec) {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (state_->live_connections() >= state_->options().max_connections) {
      Reject(std::move(socket));
    } else {
      std::make_shared<Connection>(std::move(socket), state_)->Start();
    }
  }
  Accept();
}

// Over the limit: one non-blocking write of the prepared 503, then close. The
// response is best effort (the request is not read), but the slot is freed now.
// Over TLS the plain-text 503 would be garbage to the client: just close.
void HttpServer::Impl::Reject(tcp::socket socket) {
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  if (!state_->options().tls) socket.write_some(asio::buffer(rejection_), ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

void HttpServer::Impl::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  std::vector<std::shared_ptr<Connection>> live = state_->BeginStop();
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
  });
  for (const auto& connection : live) connection->Close();
  live.clear();
  // Every pending operation now completes with an error and starts nothing new,
  // so run() returns once running handlers finish.
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  std::fprintf(stderr, "vigil http: stopped listening on port %u\n", static_cast<unsigned>(port_));
}

HttpServer::HttpServer(HttpOptions options, HttpHandler handler, HttpErrorFactory error_factory)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler),
                                   std::move(error_factory))) {}

HttpServer::~HttpServer() { Stop(); }

absl::Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Stop() { impl_->Stop(); }

}  // namespace vigil::server
