// Sends one rest-hook notification: an HTTP/1.1 request to the Subscription's
// endpoint, answered 2xx or not.
//
//   std::shared_ptr<HookSender> sender = NewHttpHookSender({});
//   absl::Status sent = sender->Send(request);  // OK: 2xx
//
// NewHttpHookSender is the Boost.Beast client: one connection per request
// ("Connection: close"), http:// or https://. For https:// the endpoint's
// certificate chain is verified against the client TlsContext given
// (server/net/tls.h: the system's trust store plus an optional extra CA;
// null: the system's trust store alone) and must name the URL's host (DNS
// name or IP address; SNI is sent for DNS names). Every step has a time limit
// (HookTimeouts; the TLS handshake counts as io), so a dead endpoint costs at
// most HookTimeouts::total. The response body is read (up to 1 MiB) and
// ignored.
//
// Errors: Unavailable with a short reason, fit for Subscription.error and the
// log: "connection refused", "timed out", "host not found", "HTTP 503", "TLS
// handshake failed: certificate verify failed (self-signed certificate)", ...
// (never the request's header values, which may carry secrets); Cancelled
// after Cancel().
//
// Thread-safety: Send is called from one thread at a time (the delivery
// worker); Cancel may be called from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "server/net/tls.h"
#include "subscriptions/hook_url.h"

namespace vigil::subscriptions {

struct HookRequest {
  std::string method;  // "POST" or "PUT"
  HookUrl url;
  std::vector<std::pair<std::string, std::string>> headers;  // channel.header, then Content-Type
  std::string body;
};

struct HookTimeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds io{5000};      // each of writing the request and reading the answer
  std::chrono::milliseconds total{15000};  // name resolution included
};

class HookSender {
 public:
  virtual ~HookSender() = default;
  virtual absl::Status Send(const HookRequest& request) = 0;
  // Aborts the Send in progress and makes every later one fail at once.
  virtual void Cancel() = 0;
};

// tls: a client context (TlsContext::ForClient) for https:// endpoints; null:
// one trusting the system's certificates only.
std::shared_ptr<HookSender> NewHttpHookSender(HookTimeouts timeouts,
                                              std::shared_ptr<net::TlsContext> tls = nullptr);

}  // namespace vigil::subscriptions
