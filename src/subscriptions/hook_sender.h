// Sends one rest-hook notification: an HTTP/1.1 request to the Subscription's
// endpoint, answered 2xx or not.
//
//   std::shared_ptr<HookSender> sender = NewHttpHookSender({});
//   absl::Status sent = sender->Send(request);  // OK: 2xx
//
// NewHttpHookSender is the Boost.Beast client: one connection per request
// ("Connection: close"), plain http:// only (https:// endpoints are refused
// when a Subscription is activated, see subscription.h). Every step has a
// time limit (HookTimeouts), so a dead endpoint costs at most
// HookTimeouts::total. The response body is read (up to 1 MiB) and ignored.
//
// Errors: Unavailable with a short reason, fit for Subscription.error and the
// log: "connection refused", "timed out", "host not found", "HTTP 503", ...
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

std::shared_ptr<HookSender> NewHttpHookSender(HookTimeouts timeouts);

}  // namespace vigil::subscriptions
