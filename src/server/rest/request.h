// What the REST handlers need from an HTTP request, parsed once: the path under
// the FHIR base split into segments, decoded query parameters with the
// server-wide ones (_format, _pretty) taken out, and the FHIR-relevant headers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "auth/token_verifier.h"
#include "server/http/http_server.h"

namespace vigil::persist {
struct PreparedIndex;
}  // namespace vigil::persist

namespace vigil::server {

using Params = std::vector<std::pair<std::string, std::string>>;

enum class PreferReturn : uint8_t { kRepresentation, kMinimal, kOperationOutcome };

struct FhirRequest {
  std::string method;
  std::vector<std::string> segments;  // "/fhir/Patient/1" -> {"Patient", "1"}
  Params params;                      // without _format and _pretty
  bool pretty = false;
  PreferReturn prefer_return = PreferReturn::kRepresentation;
  bool prefer_strict = false;         // Prefer: handling=strict
  bool prefer_async = false;          // Prefer: respond-async
  std::optional<int64_t> if_match;    // If-Match: W/"3"
  std::string if_none_exist;          // If-None-Exist: identifier=x (a query string)
  std::string_view body;              // points into the HttpRequest
  std::string content_type;           // lower-cased media type without parameters
  // The caller's verified access token (FhirApi::Authenticate); null when the
  // server runs without authentication. Bundle entries carry their Bundle's.
  std::shared_ptr<const auth::AccessToken> token;
  // A transaction entry's update: index rows computed before the transaction
  // (persist::PreparedIndex; used only if the resource is what they were
  // computed for). Owned by the Bundle's processor.
  persist::PreparedIndex* prepared_index = nullptr;
};

// Parses request (path must start with base_path, e.g. "/fhir"). Errors: 406 for
// a _format or Accept that asks for something other than JSON, 400 for a
// malformed If-Match.
absl::StatusOr<FhirRequest> ParseFhirRequest(const HttpRequest& request, std::string_view base_path);

// The version number in an ETag-style value: W/"3", "3" or 3; nullopt if malformed.
std::optional<int64_t> ParseVersionTag(std::string_view tag);

// A `_type` value ($everything, $export): comma-separated resource type names, in
// order. Errors: 400 not-supported naming the first unknown type.
absl::StatusOr<std::vector<std::string>> ParseTypeList(std::string_view value);

}  // namespace vigil::server
