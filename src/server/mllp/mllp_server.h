// The HL7 v2 MLLP listener: a TCP server (Boost.Asio) that unframes messages
// (hl7v2::MllpFramer), hands each one to a single MllpHandler and writes back
// the ACK it returns, framed. It knows nothing about stores or FHIR; `vigil
// serve` plugs in Hl7Ingest (hl7_ingest.h).
//
//   MllpServer server(MllpOptions{}, [&](std::string_view m, const MllpPeer& p) {
//     return ingest.Process(m, p.ToString()).ack;
//   });
//   VIGIL_RETURN_IF_ERROR(server.Start());
//   ...
//   server.Stop();
//
// Behaviour:
//   - Many messages per connection, handled strictly one after another (the
//     ACK of message n is written before message n+1 is handled); many
//     connections concurrently, on `threads` io threads. The handler blocks its
//     io thread (a store commit), so it must be thread-safe.
//   - Frames may arrive split over reads or several per read; bytes outside
//     frames are dropped (counted by the framer).
//   - A frame over max_message_bytes is dropped without being held; the peer
//     gets an AR and the connection is closed (logged).
//   - A connection with no complete read or write for idle_timeout is closed.
//   - Above max_connections, new connections are closed at once (logged).
//   - A handler exception is answered with an AE ACK and logged; the server
//     keeps running.
//   - With MllpOptions::tls set the port speaks MLLP over TLS only ("MLLP/TLS":
//     the same framing inside a TLS 1.2+ session, server/net/tls.h). The
//     handshake must finish within handshake_timeout; a failed one is logged
//     once (peer address and OpenSSL's reason) and the connection closed.
//
// Thread-safety: Start and Stop must not run concurrently with each other nor
// from inside the handler (Stop joins the io threads).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "server/net/tls.h"

namespace vigil::mllp {

struct MllpPeer {
  std::string address;  // "127.0.0.1"
  uint16_t port = 0;
  std::string ToString() const;  // "127.0.0.1:50312"
};

// Returns the ACK (without framing) for one message (without framing).
using MllpHandler = std::function<std::string(std::string_view message, const MllpPeer& peer)>;

struct MllpOptions {
  std::string address = "127.0.0.1";  // loopback by default: MLLP has no authentication
  uint16_t port = 2575;               // 0 = pick a free port (see port())
  int threads = 4;
  size_t max_message_bytes = size_t{16} << 20;
  std::chrono::milliseconds idle_timeout{600000};
  size_t max_connections = 1000;
  // Set: MLLP over TLS with this certificate (TlsContext::ForServer). Null: plain TCP.
  std::shared_ptr<net::TlsContext> tls = nullptr;
  std::chrono::milliseconds handshake_timeout{30000};  // TLS only
};

class MllpServer {
 public:
  // The handler must outlive Stop().
  MllpServer(MllpOptions options, MllpHandler handler);
  ~MllpServer();  // calls Stop()
  MllpServer(const MllpServer&) = delete;
  MllpServer& operator=(const MllpServer&) = delete;

  // Binds, listens and starts the io threads. Errors: InvalidArgument (bad
  // address), Unavailable (port taken), FailedPrecondition (called twice).
  absl::Status Start();
  // The bound port; 0 before a successful Start.
  uint16_t port() const;
  // Stops accepting, closes every connection (a message being handled finishes
  // first; its ACK is not sent, so the sender resends and gets a duplicate AA),
  // joins the io threads. Idempotent.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::mllp
