// TLS settings for Vigil's listeners (HTTPS, MLLP/TLS) and for its outgoing
// connections (https:// rest-hook endpoints), over OpenSSL 3 through
// Boost.Asio's ssl::context. Loaded and checked once at start-up; every
// connection then creates its own SSL object from it.
//
//   VIGIL_ASSIGN_OR_RETURN(std::shared_ptr<TlsContext> tls,
//                          TlsContext::ForServer("cert.pem", "key.pem"));
//   http_options.tls = tls;  mllp_options.tls = tls;
//
// Server side (ForServer): TLS 1.2 minimum, no TLS compression, the Mozilla
// "intermediate" cipher list for TLS 1.2 (ECDHE/DHE with AES-GCM or
// ChaCha20-Poly1305; OpenSSL's TLS 1.3 suites as they are), no client
// certificates asked for. Client side (ForClient): TLS 1.2 minimum, the peer's
// chain verified against OpenSSL's default trust store (the system's) plus an
// optional extra CA file; the host name is checked per connection
// (MaybeTlsStream::ExpectPeerName, tls_stream.h).
//
// Errors: InvalidArgument with a message naming the file and the problem, fit
// for a CLI error ("TLS key file 'k.pem' does not match the certificate in
// 'c.pem'"). Never asks for a pass phrase: an encrypted key is refused.
//
// Thread-safety: a TlsContext is immutable once made; any number of
// connections on any threads may create streams from it at once. It must
// outlive them (hold the shared_ptr).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace boost::system {
class error_code;
}  // namespace boost::system

struct ssl_st;  // OpenSSL's SSL

namespace vigil::net {

class TlsContext {
 public:
  // cert_file: PEM, the server certificate first, then any intermediates.
  // key_file: PEM, the certificate's private key, unencrypted.
  static absl::StatusOr<std::shared_ptr<TlsContext>> ForServer(const std::string& cert_file,
                                                               const std::string& key_file);
  // extra_ca_file: PEM certificates trusted besides the system's; "" for none.
  static absl::StatusOr<std::shared_ptr<TlsContext>> ForClient(const std::string& extra_ca_file);

  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // For constructing streams only (Asio takes it by non-const reference).
  boost::asio::ssl::context& asio() const { return *context_; }

 private:
  explicit TlsContext(std::unique_ptr<boost::asio::ssl::context> context);
  std::unique_ptr<boost::asio::ssl::context> context_;
};

// Client side, before the handshake on `ssl`: sends `host` as SNI (a DNS
// name) and makes certificate verification fail unless the peer's certificate
// names `host` (DNS name, or IP address when host is one). False when OpenSSL
// refused (out of memory).
bool ExpectPeerName(ssl_st* ssl, const std::string& host);

// Why the peer's certificate was refused ("self-signed certificate",
// "hostname mismatch"); "" when it was not.
std::string PeerVerifyFailure(const ssl_st* ssl);

// A short reason for a failed TLS operation, without peer data: OpenSSL's
// reason ("wrong version number", "certificate verify failed", "http request")
// for TLS errors, Asio's message otherwise.
std::string DescribeTlsError(const boost::system::error_code& ec);

}  // namespace vigil::net
