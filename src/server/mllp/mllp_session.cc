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
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      shared_(std::move(shared)),
      framer_(shared_->options.max_message_bytes) {
  boost::system::error_code ec;
  tcp::endpoint remote = socket_.remote_endpoint(ec);
  if (!ec) {
    peer_.address = remote.address().to_string();
    peer_.port = remote.port();
  }
}

Session::~Session() { shared_->Unregister(this); }

void Session::Start() {
  if (!shared_->Register(this, weak_from_this())) return Shutdown();
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Read(); });
}

void Session::Close() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Shutdown(); });
}

void Session::Shutdown() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  timer_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Session::ArmTimer() {
  timer_.expires_after(shared_->options.idle_timeout);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed or cancelled
    std::fprintf(stderr, "vigil serve: MLLP: closing idle connection from %s\n",
                 self->peer_.ToString().c_str());
    self->Shutdown();
  });
}

void Session::Read() {
  if (closed_) return;
  ArmTimer();
  socket_.async_read_some(asio::buffer(buffer_),
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
  ArmTimer();
  asio::async_write(socket_, asio::buffer(out_),
                    [self = shared_from_this(), close_after](const boost::system::error_code& ec,
                                                            size_t) {
                      self->timer_.cancel();
                      if (ec || close_after) return self->Shutdown();
                      self->HandleNext();
                    });
}

}  // namespace vigil::mllp::internal
