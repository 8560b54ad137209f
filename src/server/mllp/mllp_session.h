// Internal to MllpServer: one connection, and what all connections share.
//
// A session alternates: read (until the framer has at least one message) ->
// handle one message -> write its ACK -> handle the next or read again. All of
// its handlers run on its strand; a timer closes it after idle_timeout without
// a completed read or write. With MllpOptions::tls the same session runs over
// TLS (net::MaybeTlsStream): a handshake first, under handshake_timeout; a
// failed one is logged once and the connection closed.
#pragma once

#include <utility>  // before asio: Boost 1.74 asio needs std::exchange under C++20

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "ingest/hl7v2/mllp_framer.h"
#include "server/mllp/mllp_server.h"
#include "server/net/tls_stream.h"

namespace vigil::mllp::internal {

class Session;

struct Shared {
  Shared(MllpOptions o, MllpHandler h) : options(std::move(o)), handler(std::move(h)) {}
  const MllpOptions options;
  const MllpHandler handler;

  // Live sessions, for Stop. False once stopping: the caller must close itself.
  bool Register(Session* s, std::weak_ptr<Session> weak);
  void Unregister(Session* s);
  size_t live() const;
  std::vector<std::shared_ptr<Session>> BeginStop();

 private:
  mutable std::mutex mu_;
  bool stopping_ = false;                                         // guarded by mu_
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // guarded by mu_
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<Shared> shared);
  ~Session();
  void Start();
  // Closes the connection from any thread (posted to the strand).
  void Close();

 private:
  void Handshake();
  void Read();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void HandleNext();
  void Write(std::string ack, bool close_after);
  void ArmTimer(std::chrono::milliseconds timeout);
  void Shutdown();
  std::string Handle(const std::string& message);

  net::MaybeTlsStream<boost::asio::ip::tcp::socket> stream_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<Shared> shared_;
  hl7v2::MllpFramer framer_;
  std::deque<std::string> pending_;  // complete messages not yet handled
  std::array<char, 64 * 1024> buffer_;
  std::string out_;  // the framed ACK being written
  MllpPeer peer_;
  bool handshaking_ = false;  // TLS handshake in progress
  bool closed_ = false;
};

}  // namespace vigil::mllp::internal
