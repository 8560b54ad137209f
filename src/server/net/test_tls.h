// Test-only: self-signed certificates made in the test with the OpenSSL API
// (EC P-256, PEM files in a fresh temporary folder), and a blocking TLS client
// over loopback, for the tests of the HTTPS, MLLP/TLS and rest-hook code.
//
//   TestCerts certs;
//   TestCert local = certs.Make("local", "IP:127.0.0.1,DNS:localhost");
//   TlsClient client(port, local.cert_file);  // trusts exactly that certificate
//   client.Write("...");
#pragma once

#include <utility>  // before asio: Boost 1.74 asio needs std::exchange under C++20

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

namespace vigil::net::testing {

struct TestCert {
  std::string cert_file;  // PEM certificate
  std::string key_file;   // PEM private key, unencrypted
};

class TestCerts {
 public:
  TestCerts() {
    std::string pattern = (std::filesystem::temp_directory_path() / "vigil-tls-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  ~TestCerts() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TestCerts(const TestCerts&) = delete;
  TestCerts& operator=(const TestCerts&) = delete;

  // A self-signed certificate (its own CA, so a client may trust it directly)
  // for subject_alt_names, e.g. "IP:127.0.0.1,DNS:localhost". With
  // key_password, the key file is encrypted (AES-256-CBC).
  TestCert Make(const std::string& name, const std::string& subject_alt_names,
                const std::string& key_password = "") {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    if (!key || !cert) throw std::runtime_error("OpenSSL: cannot make a key");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ++serial_);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* subject = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), subject);
    AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
    AddExtension(cert.get(), NID_subject_key_identifier, "hash");
    AddExtension(cert.get(), NID_subject_alt_name, subject_alt_names);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
      throw std::runtime_error("OpenSSL: cannot sign");
    }
    TestCert out{Path(name + ".crt"), Path(name + ".key")};
    WritePem(out.cert_file, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
    WritePem(out.key_file, [&](FILE* f) {
      if (key_password.empty()) {
        return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
      }
      return PEM_write_PrivateKey(f, key.get(), EVP_aes_256_cbc(),
                                  reinterpret_cast<const unsigned char*>(key_password.data()),
                                  static_cast<int>(key_password.size()), nullptr, nullptr);
    });
    return out;
  }

  // A file with arbitrary content in the folder.
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = Path(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  static void AddExtension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) throw std::runtime_error("OpenSSL: bad extension " + value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }

  template <class Writer>
  static void WritePem(const std::string& path, Writer write) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot write " + path);
    const int ok = write(f);
    std::fclose(f);
    if (ok == 0) throw std::runtime_error("OpenSSL: cannot write " + path);
  }

  std::string dir_;
  long serial_ = 0;
};

// A blocking TLS client connected to 127.0.0.1:port that trusts ca_file only
// and checks that the certificate names 127.0.0.1. Throws on connect or
// handshake failure (boost::system::system_error).
class TlsClient {
 public:
  TlsClient(uint16_t port, const std::string& ca_file)
      : context_(boost::asio::ssl::context::tls_client), stream_(io_, context_) {
    context_.load_verify_file(ca_file);
    stream_.set_verify_mode(boost::asio::ssl::verify_peer);
    stream_.set_verify_callback(boost::asio::ssl::host_name_verification("127.0.0.1"));
    stream_.next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), port});
    stream_.handshake(boost::asio::ssl::stream_base::client);
  }

  void Write(const std::string& bytes) { boost::asio::write(stream_, boost::asio::buffer(bytes)); }

  // Everything up to and including delimiter; "" when the server closed first.
  std::string ReadUntil(const std::string& delimiter) {
    boost::system::error_code ec;
    const size_t n = boost::asio::read_until(stream_, boost::asio::dynamic_buffer(buffer_),
                                             delimiter, ec);
    if (ec) return "";
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
  }

  // Bytes already read past the last ReadUntil.
  std::string& buffered() { return buffer_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ssl::context context_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  std::string buffer_;
};

}  // namespace vigil::net::testing
