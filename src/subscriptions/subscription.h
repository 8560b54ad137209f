// An R4 Subscription as this server runs it (https://hl7.org/fhir/R4/subscription.html):
// read and checked from its JSON, and the notification it sends for one
// matching resource.
//
// What is supported (docs/subscriptions.md):
//   - channel.type "rest-hook" only;
//   - channel.endpoint: an http:// or https:// URL (https: the certificate is
//     verified, see hook_sender.h; hook_url.h for the rest);
//   - channel.header: "Name: value" strings, each added to the request; the
//     names Host, Content-Length, Content-Type, Transfer-Encoding and
//     Connection are the server's own and refused;
//   - channel.payload: absent, or application/fhir+json (application/json is
//     read as the same); application/fhir+xml is refused;
//   - criteria: criteria.h; end: the Subscription is turned off once it passes.
//
// The notification, as R4 defines rest-hook:
//   - without payload: POST [endpoint] with an empty body;
//   - with payload: PUT [endpoint]/[type]/[id] with the resource as the body
//     (Content-Type: application/fhir+json), an update of that resource on
//     the receiver.
//
// Errors: ReadSubscription returns InvalidArgument whose message is the reason
// to put in Subscription.error ("channel.type 'websocket' is not supported:
// only rest-hook is supported", ...). Reasons name headers, never their
// values.
//
// Thread-safety: pure functions; Subscription is a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "search/registry.h"
#include "subscriptions/criteria.h"
#include "subscriptions/hook_sender.h"
#include "subscriptions/hook_url.h"

namespace vigil::subscriptions {

inline constexpr std::string_view kFhirJson = "application/fhir+json";

struct Subscription {
  std::string id;
  int64_t version = 0;
  std::string status;         // Subscription.status as stored
  std::string criteria_text;  // Subscription.criteria as stored
  Criteria criteria;
  HookUrl endpoint;
  std::vector<std::pair<std::string, std::string>> headers;  // channel.header, split
  bool payload = false;                                      // channel.payload is set
  std::optional<int64_t> end_ms;                             // Subscription.end
};

// Subscription.status; "" when absent.
std::string StatusOf(const fhir::Json& resource);

// Reads resource (a Subscription) and checks that this server can run it.
// id and version are taken from the arguments (the stored version).
absl::StatusOr<Subscription> ReadSubscription(const fhir::Json& resource, std::string_view id, int64_t version,
                                              const search::Registry& registry);

// The notification of the resource type/id whose JSON is resource_json.
HookRequest Notification(const Subscription& subscription, std::string_view type, std::string_view id,
                         std::string resource_json);

// resource with status set; error set to `error` (when not empty) or removed
// (when empty), as the server writes it back.
fhir::Json WithStatus(fhir::Json resource, std::string_view status, std::string_view error);

}  // namespace vigil::subscriptions
