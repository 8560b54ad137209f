// The HTTP/1.1 edge of Vigil: accepts connections, parses requests, hands each
// one to a single HttpHandler and writes its response. It knows nothing about
// FHIR; the REST layer plugs its router in as the handler.
//
//   HttpServer server(HttpOptions{.port = 8080}, router, MakeOperationOutcomeError);
//   VIGIL_RETURN_IF_ERROR(server.Start());
//   ...
//   server.Stop();
//
// Behaviour (the contract the tests in http_server_test.cc check):
//   - Keep-alive and pipelining: requests on one connection are handled strictly
//     one after another, responses in request order.
//   - The handler runs on an io thread; several requests (on different
//     connections) run concurrently, so the handler must be thread-safe. It may
//     block briefly (SQLite), but every blocked call holds one of `threads`.
//   - The server sets Content-Length (never chunked; none on 204/304),
//     Connection, and Date (unless the handler did); for HEAD it drops the body
//     but keeps its length. Content-Length, Transfer-Encoding and Connection set
//     by the handler are ignored, except "Connection: close", which closes the
//     connection after the response. Header names or values
//     containing CR or LF are dropped (response splitting).
//   - Errors the server detects itself are answered with the response built by
//     the HttpErrorFactory (its status is forced to the one asked for) and the
//     connection is closed: 400 malformed request, 408 request too slow, 413 body
//     over max_body_bytes (decided from Content-Length before any body is read,
//     or while reading a chunked body), 431 header over max_header_bytes, 503
//     over max_connections. A handler exception gives 500 with a generic message;
//     the exception text goes to stderr only (it may contain patient data).
//   - With HttpOptions::tls set the port speaks HTTPS only (TLS 1.2+,
//     server/net/tls.h). The handshake must finish within read_timeout; a
//     failed one (plain HTTP, a client that refuses the certificate, a silent
//     client) is logged once, without peer data, and the connection closed
//     without an HTTP response. Over max_connections a TLS connection is closed
//     without the 503.
//   - `Expect: 100-continue` is answered with "100 Continue" before the body is
//     read, or with the final 413 when the declared body is too large.
//
// Thread-safety: Start and Stop must not be called concurrently with each other,
// nor from inside the handler (Stop joins the io threads).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "server/net/tls.h"

namespace vigil::server {

struct HttpRequest {
  std::string method;  // "GET", as sent (methods are case-sensitive)
  std::string target;  // raw request target, "/fhir/Patient?name=x"
  std::string path;    // percent-decoded path without the query, "/fhir/Patient"
  std::string query;   // raw query string after '?', not decoded ("" if none)
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::string body;                                          // de-chunked
  std::string remote_address;                                // peer IP, "127.0.0.1"

  // Value of the first header named lower_name (which must be lower-case); "" if absent.
  std::string_view Header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;  // 200..599; anything else is sent as 500
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Called once per request, on an io thread. Exceptions are caught (500).
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Builds the response for errors the server itself detects (400, 408, 413, 431,
// 500, 503), so the FHIR layer can answer with an OperationOutcome. `message` is
// short, fixed English text without request data. May be empty (plain text is
// used then); exceptions are caught (plain text too).
using HttpErrorFactory = std::function<HttpResponse(int status, std::string_view message)>;

struct HttpOptions {
  std::string address = "127.0.0.1";    // loopback by default: patient data
  uint16_t port = 8080;                 // 0 = pick a free port (see HttpServer::port())
  int threads = 0;                      // io threads; 0 = hardware_concurrency
  size_t max_body_bytes = 32u << 20;    // larger bodies: 413 without reading them
  size_t max_header_bytes = 64u << 10;  // request line + headers; larger: 431
  // Deadline for receiving a request's headers once its first byte arrived (and
  // for a new connection's first byte), and again for its body, and for writing a
  // response. A client that misses it gets 408 (when reading) and is closed.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};  // keep-alive connection idle: closed
  size_t max_connections = 10000;                 // above: 503 (best effort) and closed immediately
  // Set: HTTPS only, with this certificate (TlsContext::ForServer). Null: plain HTTP.
  std::shared_ptr<net::TlsContext> tls = nullptr;
};

class HttpServer {
 public:
  // error_factory may be empty. The handler must outlive Stop().
  HttpServer(HttpOptions options, HttpHandler handler, HttpErrorFactory error_factory);
  ~HttpServer();  // calls Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts `threads` io threads. Raises the RLIMIT_NOFILE soft
  // limit to the hard limit. Errors: InvalidArgument (bad address or options),
  // Unavailable (port taken or bind refused), FailedPrecondition (called twice).
  absl::Status Start();

  // The bound port (useful with port 0); 0 before a successful Start.
  uint16_t port() const;

  // Stops accepting, closes every connection (a request whose handler is running
  // finishes first, its response is not sent), joins the io threads. Idempotent.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::server
