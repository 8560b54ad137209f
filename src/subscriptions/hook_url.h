// The parts of a rest-hook endpoint URL that the HTTP client needs.
//
//   ParseHookUrl("http://127.0.0.1:9000/hook?x=1")
//     -> {scheme "http", host "127.0.0.1", port "9000", target "/hook?x=1"}
//
// Accepted: http:// and https:// URLs with a host, an optional port (1-65535;
// default 80 / 443), an optional path and query (target "/" when there is
// none); the fragment is dropped; an IPv6 host is written in brackets
// ("http://[::1]:8080/"), kept without them. Refused (InvalidArgument, the
// reason fit for Subscription.error): other schemes, relative URLs, user
// credentials in the URL ("user:pass@": they would end up in logs and in
// Subscription.error; channel.header is the place for credentials), spaces and
// control characters, a malformed port.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace vigil::subscriptions {

struct HookUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // IPv6 without brackets
  std::string port;    // decimal
  std::string target;  // path and query, starting with '/'
  std::string text;    // the URL as given, without the fragment
};

absl::StatusOr<HookUrl> ParseHookUrl(std::string_view url);

// url.text + "/" + segment, with a single '/' between them (the query, if any,
// stays at the end): the PUT target of a payload notification.
HookUrl AppendPath(const HookUrl& url, std::string_view segments);

}  // namespace vigil::subscriptions
