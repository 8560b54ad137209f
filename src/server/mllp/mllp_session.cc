#include "server/mllp/mllp_session.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>

#include "base/str.h"
#include "base/time.h"
#include "server/mllp/fallback_ack.h"

namespace vigil::mllp::internal {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

bool Shared::Register(Session* s, std::weak_ptr<Session> weak) {
  std::lock_guard lock(mu_);
  if (stopping_) return false;
  sessions_.emplace(s, std::move(weak));
  return true;
}

void Shared::Unregister(Session* s) {
  std::lock_guard lock(mu_);
  sessions_.erase(s);
}

size_t Shared::live() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

std::vector<std::shared_ptr<Session>> Shared::BeginStop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  std::vector<std::shared_ptr<Session>> out;
  for (auto& [raw, weak] : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

Session::Session(tcp::socket socket, std::shared_ptr<Shared> shared)
    : stream_(std::move(socket), shared->options.tls.get()),
      timer_(stream_.get_executor()),
      shared_(std::move(shared)),
      framer_(shared_->options.max_message_bytes) {
  boost::system::error_code ec;
  tcp::endpoint remote = stream_.next_layer().remote_endpoint(ec);
  if (!ec) {
    peer_.address = remote.address().to_string();
    peer_.port = remote.port();
  }
}

Session::~Session() { shared_->Unregister(this); }

void Session::Start() {
  if (!shared_->Register(this, weak_from_this())) return Shutdown();
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->stream_.is_tls()) return self->Handshake();
    self->Read();
  });
}

// One log line per failed handshake: from here, or from the timer when it
// times out (the handler then finds the session closed).
void Session::Handshake() {
  if (closed_) return;
  handshaking_ = true;
  ArmTimer(shared_->options.handshake_timeout);
  stream_.async_handshake(asio::ssl::stream_base::server,
                          [self = shared_from_this()](const boost::system::error_code& ec) {
                            self->handshaking_ = false;
                            self->timer_.cancel();
                            if (self->closed_) return;
                            if (ec) {
                              std::fprintf(stderr,
                                           "vigil serve: MLLP: TLS handshake with %s failed: %s\n",
                                           self->peer_.ToString().c_str(),
                                           net::DescribeTlsError(ec).c_str());
                              return self->Shutdown();
                            }
                            self->Read();
                          });
}

void Session::Close() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Shutdown(); });
}

void Session::Shutdown() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  timer_.cancel();
  stream_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.next_layer().close(ignored);
}

void Session::ArmTimer(std::chrono::milliseconds timeout) {
  timer_.expires_after(timeout);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed or cancelled
    if (self->handshaking_) {
      std::fprintf(stderr, "vigil serve: MLLP: TLS handshake with %s failed: timed out\n",
                   self->peer_.ToString().c_str());
    } else {
      std::fprintf(stderr, "vigil serve: MLLP: closing idle connection from %s\n",
                   self->peer_.ToString().c_str());
    }
    self->Shutdown();
  });
}

void Session::Read() {
  if (closed_) return;
  ArmTimer(shared_->options.idle_timeout);
  stream_.async_read_some(asio::buffer(buffer_),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t n) { self->OnRead(ec, n); });
}

void Session::OnRead(const boost::system::error_code& ec, size_t n) {
  timer_.cancel();
  if (ec || closed_) return Shutdown();
  size_t oversized = framer_.stats().oversized_frames;
  framer_.Feed(std::string_view(buffer_.data(), n));
  while (std::optional<std::string> m = framer_.Next()) pending_.push_back(*std::move(m));
  if (framer_.stats().oversized_frames != oversized) {
    std::string reason = StrCat("MLLP frame over ", shared_->options.max_message_bytes,
                                " bytes; dropped, connection closed");
    std::fprintf(stderr, "vigil serve: MLLP: %s from %s: %s\n", "frame too large",
                 peer_.ToString().c_str(), reason.c_str());
    pending_.clear();
    return Write(FallbackAck("", hl7v2::AckCode::kReject, hl7v2::ErrorCode::kInternalError,
                             reason, NowMs()),
                 /*close_after=*/true);
  }
  HandleNext();
}

std::string Session::Handle(const std::string& message) {
  try {
    return shared_->handler(message, peer_);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vigil serve: MLLP: handler failed for a message from %s: %s\n",
                 peer_.ToString().c_str(), e.what());
  } catch (...) {
    std::fprintf(stderr, "vigil serve: MLLP: handler failed for a message from %s\n",
                 peer_.ToString().c_str());
  }
  return FallbackAck(message, hl7v2::AckCode::kError, hl7v2::ErrorCode::kInternalError,
                     "internal error; the message was not stored", NowMs());
}

void Session::HandleNext() {
  if (closed_) return;
  if (pending_.empty()) return Read();
  std::string message = std::move(pending_.front());
  pending_.pop_front();
  Write(Handle(message), /*close_after=*/false);
}

void Session::Write(std::string ack, bool close_after) {
  if (closed_) return;
  out_ = hl7v2::MllpFramer::Frame(ack);
  ArmTimer(shared_->options.idle_timeout);
  asio::async_write(stream_, asio::buffer(out_),
                    [self = shared_from_this(), close_after](const boost::system::error_code& ec,
                                                            size_t) {
                      self->timer_.cancel();
                      if (ec || close_after) return self->Shutdown();
                      self->HandleNext();
                    });
}

}  // namespace vigil::mllp::internal
