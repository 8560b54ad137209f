// A byte stream that is either plain TCP or TLS over TCP, decided per
// connection at run time, so that one connection class serves both: the HTTP
// connection (NextLayer = beast::tcp_stream), the MLLP session
// (NextLayer = tcp::socket) and the rest-hook client. It is Asio's
// AsyncReadStream and AsyncWriteStream for callback handlers, so Beast's HTTP
// reads and writes and asio::async_write run on it unchanged.
//
//   MaybeTlsStream<tcp::socket> stream(std::move(socket), tls.get());  // tls may be null
//   stream.async_handshake(ssl::stream_base::server, on_handshake);     // plain: at once
//   asio::async_write(stream, buffer, on_write);
//
// TLS runs through beast::ssl_stream, which gathers Beast's many small
// buffers into few TLS records. Timeouts and closing belong to the TCP layer
// (next_layer()); the TLS session is not shut down with close_notify, the
// peers rely on HTTP's framing (Content-Length) and MLLP's.
//
// Thread-safety: that of NextLayer; use it from one strand. The TlsContext
// must outlive the stream.
#pragma once

#include <utility>  // before asio: Boost 1.74 asio needs std::exchange under C++20

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>
#include <string>

#include "server/net/tls.h"

namespace vigil::net {

template <class NextLayer>
class MaybeTlsStream {
 public:
  using executor_type = typename NextLayer::executor_type;
  using HandshakeType = boost::asio::ssl::stream_base::handshake_type;

  // tls null: a plain stream over next.
  MaybeTlsStream(NextLayer&& next, const TlsContext* tls) {
    if (tls != nullptr) {
      tls_.emplace(std::move(next), tls->asio());
    } else {
      plain_.emplace(std::move(next));
    }
  }

  bool is_tls() const { return tls_.has_value(); }
  NextLayer& next_layer() { return tls_ ? tls_->next_layer() : *plain_; }
  executor_type get_executor() { return next_layer().get_executor(); }

  // Client side, before the handshake: see net::ExpectPeerName. Plain: true.
  bool ExpectPeerName(const std::string& host) {
    return !tls_ || net::ExpectPeerName(tls_->native_handle(), host);
  }
  // After a failed client handshake: see net::PeerVerifyFailure. Plain: "".
  std::string PeerVerifyFailure() {
    return tls_ ? net::PeerVerifyFailure(tls_->native_handle()) : std::string();
  }

  // handler(error_code). Plain: completes without error, posted.
  template <class Handler>
  void async_handshake(HandshakeType type, Handler&& handler) {
    if (tls_) return tls_->async_handshake(type, std::forward<Handler>(handler));
    boost::asio::post(get_executor(), [h = std::forward<Handler>(handler)]() mutable {
      h(boost::system::error_code());
    });
  }

  template <class Buffers, class Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) return tls_->async_read_some(buffers, std::forward<Handler>(handler));
    plain_->async_read_some(buffers, std::forward<Handler>(handler));
  }

  template <class Buffers, class Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) return tls_->async_write_some(buffers, std::forward<Handler>(handler));
    plain_->async_write_some(buffers, std::forward<Handler>(handler));
  }

 private:
  std::optional<NextLayer> plain_;                           // exactly one of the two is set
  std::optional<boost::beast::ssl_stream<NextLayer>> tls_;
};

}  // namespace vigil::net
