// Internal: one accepted TCP connection and its request/response loop, over
// plain TCP or TLS (net::MaybeTlsStream; HttpOptions::tls).
//
// State machine (all steps run on the connection's strand, one at a time):
//
//   [Handshake, TLS only, under the read deadline; failure: logged, closed]
//        |
//        v
//   WaitForRequest --first byte--> ReadHeader --> [100 Continue] --> ReadBody
//        ^                             |                               |
//        |                             +-------------> Dispatch <------+
//        +------- keep-alive --------- Write <--------/
//
//   Any read error ends in SendError (400/408/413/431) + LingeringClose, or in
//   Shutdown when the peer went away. Close() (from HttpServer::Stop) can
//   interrupt any state.
//
// Invariants:
//   1. At most one read or write is outstanding (pipelined requests wait in buffer_).
//   2. Once closed_ is set no new operation starts; pending completions return.
//   3. The read deadline timer and the stream's own expiry are never both armed:
//      reads of a request use deadline_ (so a late client can still get 408; the
//      stream's expiry would close the socket), idle waits and writes use the
//      stream's expiry (closing is the right outcome there).
#pragma once

// clang-format off
#include <utility>  // before asio: Boost 1.74 asio needs std::exchange under C++20
// clang-format on

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "server/http/beast_message.h"
#include "server/http/server_state.h"
#include "server/net/tls_stream.h"

namespace vigil::server::http_internal {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state);
  ~Connection();

  // Registers with the state and starts serving. Call once, right after make_shared.
  void Start();
  // Thread-safe: closes the socket from the connection's strand.
  void Close();

 private:
  using ErrorCode = boost::beast::error_code;

  void Handshake();
  void OnHandshake(ErrorCode ec);
  void WaitForRequest();
  void OnFirstBytes(ErrorCode ec, size_t n);
  void ReadHeader();
  void OnHeader(ErrorCode ec);
  void SendContinue();
  void ReadBody();
  void OnBody(ErrorCode ec);
  void Dispatch();
  HttpResponse CallHandler(const HttpRequest& request);
  void Write(bool keep_alive);
  void OnWrite(bool keep_alive, ErrorCode ec);

  // Maps a read failure to an error response, or to a quiet close.
  void FailRead(ErrorCode ec);
  void SendError(int status, std::string_view message);
  void LingeringClose();
  void Drain(size_t drained);
  void Shutdown();

  void ArmReadDeadline();
  void DisarmReadDeadline();

  std::shared_ptr<ServerState> state_;
  net::MaybeTlsStream<boost::beast::tcp_stream> stream_;
  boost::asio::steady_timer deadline_;
  uint64_t deadline_generation_ = 0;
  bool deadline_fired_ = false;
  boost::beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<BeastResponse> response_;
  std::array<char, 4096> drain_buffer_;
  std::string remote_address_;
  bool first_request_ = true;
  bool closed_ = false;
};

}  // namespace vigil::server::http_internal
