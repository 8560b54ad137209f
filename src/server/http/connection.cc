#include "server/http/connection.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdio>
#include <exception>

namespace vigil::server::http_internal {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kFirstReadBytes = 8192;
constexpr size_t kMaxDrainBytes = 1u << 20;
constexpr std::chrono::milliseconds kMaxLinger{2000};
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

std::string PeerAddress(const tcp::socket& socket) {
  boost::system::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  return ec ? std::string() : peer.address().to_string();
}

bool IEquals(beast::string_view a, std::string_view b) {
  return beast::iequals(a, beast::string_view(b.data(), b.size()));
}

}  // namespace

Connection::Connection(tcp::socket socket, std::shared_ptr<ServerState> state)
    : state_(std::move(state)),
      stream_(beast::tcp_stream(std::move(socket)), state_->options().tls.get()),
      deadline_(stream_.get_executor()) {}

Connection::~Connection() { state_->Unregister(this); }

void Connection::Start() {
  remote_address_ = PeerAddress(stream_.next_layer().socket());
  if (!state_->Register(this, weak_from_this())) {
    Close();
    return;
  }
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->stream_.is_tls()) {
      self->Handshake();
    } else {
      self->WaitForRequest();
    }
  });
}

void Connection::Close() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Shutdown(); });
}

// Under the read deadline, so a client that connects and never finishes the
// handshake holds nothing for long (and the failure is logged before the
// socket closes).
void Connection::Handshake() {
  ArmReadDeadline();
  stream_.async_handshake(asio::ssl::stream_base::server,
                          [self = shared_from_this()](ErrorCode ec) { self->OnHandshake(ec); });
}

// One line per failed connection; the reason is OpenSSL's ("http request" for
// plain HTTP on the TLS port) or "timed out", never data from the peer.
void Connection::OnHandshake(ErrorCode ec) {
  DisarmReadDeadline();
  if (closed_) return;
  if (ec) {
    const std::string reason = deadline_fired_ ? "timed out" : net::DescribeTlsError(ec);
    std::fprintf(stderr, "vigil http: TLS handshake with %s failed: %s\n", remote_address_.c_str(),
                 reason.c_str());
    Shutdown();
    return;
  }
  WaitForRequest();
}

// Waits for the first byte of the next request under the idle timeout (the read
// timeout for a new connection), so an idle keep-alive connection is closed
// quietly while a request that stalls half-way gets a 408.
void Connection::WaitForRequest() {
  if (closed_) return;
  parser_.emplace();
  parser_->header_limit(
      static_cast<uint32_t>(std::min<size_t>(state_->options().max_header_bytes, UINT32_MAX)));
  parser_->body_limit(static_cast<uint64_t>(state_->options().max_body_bytes));
  if (buffer_.size() > 0) {  // a pipelined request is already here
    ReadHeader();
    return;
  }
  stream_.next_layer().expires_after(first_request_ ? state_->options().read_timeout
                                       : state_->options().idle_timeout);
  stream_.async_read_some(
      buffer_.prepare(kFirstReadBytes),
      [self = shared_from_this()](ErrorCode ec, size_t n) { self->OnFirstBytes(ec, n); });
}

void Connection::OnFirstBytes(ErrorCode ec, size_t n) {
  if (closed_) return;
  if (ec) {  // idle timeout (the stream closed itself), peer closed, or reset
    Shutdown();
    return;
  }
  buffer_.commit(n);
  ReadHeader();
}

void Connection::ReadHeader() {
  stream_.next_layer().expires_never();
  ArmReadDeadline();
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](ErrorCode ec, size_t) { self->OnHeader(ec); });
}

void Connection::OnHeader(ErrorCode ec) {
  DisarmReadDeadline();
  if (closed_) return;
  if (ec) {
    FailRead(ec);
    return;
  }
  if (parser_->is_done()) {
    Dispatch();
    return;
  }
  auto expect = parser_->get().find(bhttp::field::expect);
  if (expect != parser_->get().end() && IEquals(expect->value(), "100-continue")) {
    SendContinue();
    return;
  }
  ReadBody();
}

void Connection::SendContinue() {
  stream_.next_layer().expires_after(state_->options().read_timeout);
  asio::async_write(stream_, asio::buffer(kContinue, sizeof(kContinue) - 1),
                    [self = shared_from_this()](ErrorCode ec, size_t) {
                      if (self->closed_) return;
                      if (ec) {
                        self->Shutdown();
                        return;
                      }
                      self->ReadBody();
                    });
}

void Connection::ReadBody() {
  stream_.next_layer().expires_never();
  ArmReadDeadline();
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](ErrorCode ec, size_t) { self->OnBody(ec); });
}

void Connection::OnBody(ErrorCode ec) {
  DisarmReadDeadline();
  if (closed_) return;
  if (ec) {
    FailRead(ec);
    return;
  }
  Dispatch();
}

void Connection::Dispatch() {
  first_request_ = false;
  BeastRequest request = parser_->release();
  ResponseShape shape;
  shape.version = request.version() == 10 ? 10 : 11;
  shape.head = request.method() == bhttp::verb::head;
  shape.keep_alive = request.keep_alive() && !state_->stopping();
  HttpResponse response = CallHandler(ToHttpRequest(std::move(request), remote_address_));
  bool handler_asked_close = false;
  response_.emplace(ToBeastResponse(std::move(response), shape, &handler_asked_close));
  Write(shape.keep_alive && !handler_asked_close);
}

HttpResponse Connection::CallHandler(const HttpRequest& request) {
  // The exception text may quote patient data: it goes to stderr, never to the
  // client, and the request body is not logged.
  try {
    return state_->handler()(request);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vigil http: handler threw on %s %s: %s\n", request.method.c_str(),
                 request.path.c_str(), e.what());
  } catch (...) {
    std::fprintf(stderr, "vigil http: handler threw a non-exception on %s %s\n",
                 request.method.c_str(), request.path.c_str());
  }
  return state_->ErrorResponse(500, "internal server error");
}

void Connection::Write(bool keep_alive) {
  stream_.next_layer().expires_after(state_->options().read_timeout);
  bhttp::async_write(stream_, *response_,
                     [self = shared_from_this(), keep_alive](ErrorCode ec, size_t) {
                       self->OnWrite(keep_alive, ec);
                     });
}

void Connection::OnWrite(bool keep_alive, ErrorCode ec) {
  response_.reset();
  if (closed_) return;
  if (ec || !keep_alive) {
    Shutdown();
    return;
  }
  WaitForRequest();
}

void Connection::FailRead(ErrorCode ec) {
  if (deadline_fired_) {
    SendError(408, "request not received in time");
  } else if (ec == bhttp::error::header_limit) {
    SendError(431, "request header fields too large");
  } else if (ec == bhttp::error::body_limit) {
    SendError(413, "request body too large");
  } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
             ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    SendError(400, "malformed HTTP request");
  } else {
    Shutdown();  // the peer went away (EOF, reset) or the socket failed
  }
}

// Error responses are sent before the request was read in full, so the
// connection cannot be reused.
void Connection::SendError(int status, std::string_view message) {
  ResponseShape shape;
  shape.keep_alive = false;
  bool unused = false;
  response_.emplace(ToBeastResponse(state_->ErrorResponse(status, message), shape, &unused));
  stream_.next_layer().expires_after(
      std::min<std::chrono::milliseconds>(state_->options().read_timeout, kMaxLinger));
  bhttp::async_write(stream_, *response_, [self = shared_from_this()](ErrorCode ec, size_t) {
    self->response_.reset();
    if (self->closed_) return;
    if (ec) {
      self->Shutdown();
      return;
    }
    self->LingeringClose();
  });
}

// Closing a socket with unread input makes the kernel send RST, which can destroy
// the error response before the client reads it. So: half-close, then read and
// discard what the client still sends, for a short while.
void Connection::LingeringClose() {
  ErrorCode ignored;
  stream_.next_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.next_layer().expires_after(
      std::min<std::chrono::milliseconds>(state_->options().read_timeout, kMaxLinger));
  Drain(0);
}

void Connection::Drain(size_t drained) {
  stream_.async_read_some(asio::buffer(drain_buffer_),
                          [self = shared_from_this(), drained](ErrorCode ec, size_t n) {
                            if (self->closed_) return;
                            if (ec || drained + n > kMaxDrainBytes) {
                              self->Shutdown();
                              return;
                            }
                            self->Drain(drained + n);
                          });
}

void Connection::Shutdown() {
  if (closed_) return;
  closed_ = true;
  deadline_.cancel();
  ErrorCode ignored;
  stream_.next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.next_layer().close();
}

void Connection::ArmReadDeadline() {
  deadline_fired_ = false;
  uint64_t generation = ++deadline_generation_;
  deadline_.expires_after(state_->options().read_timeout);
  deadline_.async_wait([self = shared_from_this(), generation](ErrorCode ec) {
    if (ec || self->closed_ || generation != self->deadline_generation_) return;
    self->deadline_fired_ = true;
    ErrorCode ignored;
    self->stream_.next_layer().socket().cancel(ignored);
  });
}

void Connection::DisarmReadDeadline() {
  ++deadline_generation_;
  deadline_.cancel();
}

}  // namespace vigil::server::http_internal
