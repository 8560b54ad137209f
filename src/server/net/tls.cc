#include "server/net/tls.h"

#include <utility>  // before asio: Boost 1.74 asio needs std::exchange under C++20

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string_view>

#include "base/str.h"

namespace vigil::net {
namespace {

namespace ssl = boost::asio::ssl;
using boost::system::error_code;

// Mozilla's "intermediate" configuration (ssl-config.mozilla.org, guidelines
// 5.7): the TLS 1.2 suites, all forward secret with AEAD ciphers. TLS 1.3 keeps
// OpenSSL's default suites, which are the same three Mozilla lists.
constexpr char kIntermediateCiphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

absl::Status Invalid(std::string_view what, const std::string& file, std::string_view problem) {
  return absl::InvalidArgumentError(StrCat(what, " '", file, "' ", problem));
}

// Opened by us first, so "missing" and "not PEM" read differently.
absl::Status CheckReadable(std::string_view what, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Invalid(what, file, StrCat("cannot be read: ", std::strerror(errno)));
  return absl::OkStatus();
}

// What both sides share: TLS 1.2 and later, no compression (CRIME).
absl::Status Harden(ssl::context& context) {
  context.set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                      ssl::context::single_dh_use);
  if (SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION) != 1) {
    return absl::InternalError("OpenSSL refused TLS 1.2 as the minimum version");
  }
  return absl::OkStatus();
}

absl::Status LoadServerFiles(ssl::context& context, const std::string& cert_file,
                             const std::string& key_file) {
  if (absl::Status s = CheckReadable("TLS certificate file", cert_file); !s.ok()) return s;
  if (absl::Status s = CheckReadable("TLS key file", key_file); !s.ok()) return s;
  // Never prompt on the terminal: an encrypted key fails to load instead.
  context.set_password_callback(
      [](std::size_t, ssl::context::password_purpose) { return std::string(); });
  error_code ec;
  // The key before the chain: OpenSSL then checks each certificate against it.
  context.use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return Invalid("TLS key file", key_file,
                   StrCat("holds no unencrypted PEM private key (", DescribeTlsError(ec), ")"));
  }
  context.use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return Invalid("TLS certificate file", cert_file,
                   StrCat("holds no PEM certificate (", DescribeTlsError(ec), ")"));
  }
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    return Invalid("TLS key file", key_file,
                   StrCat("does not match the certificate in '", cert_file, "'"));
  }
  return absl::OkStatus();
}

}  // namespace

TlsContext::TlsContext(std::unique_ptr<ssl::context> context) : context_(std::move(context)) {}
TlsContext::~TlsContext() = default;

absl::StatusOr<std::shared_ptr<TlsContext>> TlsContext::ForServer(const std::string& cert_file,
                                                                 const std::string& key_file) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  absl::Status status = Harden(*context);
  if (status.ok() &&
      SSL_CTX_set_cipher_list(context->native_handle(), kIntermediateCiphers) != 1) {
    status = absl::InternalError("OpenSSL refused the cipher list");
  }
  if (status.ok()) {
    SSL_CTX_set_dh_auto(context->native_handle(), 1);  // DHE suites: RFC 7919 groups
    status = LoadServerFiles(*context, cert_file, key_file);
  }
  ERR_clear_error();  // what failed is in `status`; keep the thread's queue clean
  if (!status.ok()) return status;
  return std::shared_ptr<TlsContext>(new TlsContext(std::move(context)));
}

absl::StatusOr<std::shared_ptr<TlsContext>> TlsContext::ForClient(
    const std::string& extra_ca_file) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  absl::Status status = Harden(*context);
  error_code ec;
  if (status.ok()) context->set_default_verify_paths(ec);
  if (status.ok() && ec) {
    status = absl::InternalError(
        StrCat("cannot use the system's trusted certificates: ", DescribeTlsError(ec)));
  }
  if (status.ok() && !extra_ca_file.empty()) {
    status = CheckReadable("TLS CA file", extra_ca_file);
    if (status.ok()) context->load_verify_file(extra_ca_file, ec);
    if (status.ok() && ec) {
      status = Invalid("TLS CA file", extra_ca_file,
                       StrCat("holds no PEM certificate (", DescribeTlsError(ec), ")"));
    }
  }
  if (status.ok()) context->set_verify_mode(ssl::verify_peer);
  ERR_clear_error();
  if (!status.ok()) return status;
  return std::shared_ptr<TlsContext>(new TlsContext(std::move(context)));
}

bool ExpectPeerName(ssl_st* ssl, const std::string& host) {
  error_code not_ip;
  boost::asio::ip::make_address(host, not_ip);
  if (!not_ip) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  return SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
}

std::string PeerVerifyFailure(const ssl_st* ssl) {
  const long result = SSL_get_verify_result(ssl);
  return result == X509_V_OK ? std::string() : std::string(X509_verify_cert_error_string(result));
}

std::string DescribeTlsError(const error_code& ec) {
  if (ec == boost::beast::error::timeout || ec == boost::asio::error::timed_out) return "timed out";
  if (ec == ssl::error::stream_truncated) return "connection closed during the TLS exchange";
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    if (reason != nullptr) return reason;
  }
  return ec.message();
}

}  // namespace vigil::net
