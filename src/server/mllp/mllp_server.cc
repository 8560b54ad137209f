#include "server/mllp/mllp_server.h"

#include <utility>  // before asio: Boost 1.74 asio needs std::exchange under C++20

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <cstdio>
#include <thread>
#include <vector>

#include "base/str.h"
#include "server/mllp/mllp_session.h"
#include "server/net/listener.h"

namespace vigil::mllp {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string MllpPeer::ToString() const { return StrCat(address, ":", port); }

class MllpServer::Impl {
 public:
  Impl(MllpOptions options, MllpHandler handler)
      : shared_(std::make_shared<internal::Shared>(std::move(options), std::move(handler))),
        acceptor_(asio::make_strand(ioc_)) {}

  absl::Status Start();
  void Stop();
  uint16_t port() const { return port_; }

 private:
  void Accept();

  std::shared_ptr<internal::Shared> shared_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

absl::Status MllpServer::Impl::Start() {
  if (started_) return absl::FailedPreconditionError("MllpServer::Start called twice");
  const MllpOptions& options = shared_->options;
  if (absl::Status s = net::Listen(acceptor_, options.address, options.port, "MLLP"); !s.ok()) {
    return s;
  }
  port_ = acceptor_.local_endpoint().port();
  started_ = true;
  Accept();
  int threads = std::max(options.threads, 1);
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { net::RunIoContext(ioc_, "vigil serve: MLLP"); });
  }
  return absl::OkStatus();
}

void MllpServer::Impl::Accept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](boost::system::error_code ec,
                                                         tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (shared_->live() >= shared_->options.max_connections) {
        std::fprintf(stderr, "vigil serve: MLLP: at the connection limit (%zu); refusing one\n",
                     shared_->options.max_connections);
        socket.close(ignored);
      } else {
        std::make_shared<internal::Session>(std::move(socket), shared_)->Start();
      }
    } else {
      // Out of descriptors and the like: keep accepting, without spinning hot.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Accept();
  });
}

void MllpServer::Impl::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  std::vector<std::shared_ptr<internal::Session>> live = shared_->BeginStop();
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  for (const auto& session : live) session->Close();
  live.clear();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

MllpServer::MllpServer(MllpOptions options, MllpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
MllpServer::~MllpServer() { Stop(); }
absl::Status MllpServer::Start() { return impl_->Start(); }
uint16_t MllpServer::port() const { return impl_->port(); }
void MllpServer::Stop() { impl_->Stop(); }

}  // namespace vigil::mllp
