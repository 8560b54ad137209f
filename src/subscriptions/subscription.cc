#include "subscriptions/subscription.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "base/status.h"
#include "base/str.h"
#include "base/time.h"

namespace vigil::subscriptions {
namespace {

constexpr std::array<std::string_view, 5> kReservedHeaders = {"host", "content-length", "content-type",
                                                               "transfer-encoding", "connection"};

std::string Text(const fhir::Json* value) { return value != nullptr && value->is_string() ? value->text() : ""; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 token characters.
bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// One channel.header entry (index i, from 1) as (name, value).
absl::StatusOr<std::pair<std::string, std::string>> ReadHeader(const fhir::Json& entry, size_t i) {
  const std::string text = Text(&entry);
  const size_t colon = text.find(':');
  const std::string_view name = Trim(std::string_view(text).substr(0, colon));
  if (colon == std::string::npos || !IsToken(name)) {
    return absl::InvalidArgumentError(StrCat("channel.header ", i, " is not of the form 'Name: value'"));
  }
  const std::string_view value = Trim(std::string_view(text).substr(colon + 1));
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    return absl::InvalidArgumentError(StrCat("channel.header '", name, "' has a line break in its value"));
  }
  if (std::find(kReservedHeaders.begin(), kReservedHeaders.end(), Lower(name)) != kReservedHeaders.end()) {
    return absl::InvalidArgumentError(StrCat("channel.header '", name, "' is set by the server"));
  }
  return std::make_pair(std::string(name), std::string(value));
}

absl::Status ReadChannel(const fhir::Json& channel, Subscription& out) {
  const std::string type = Text(channel.Find("type"));
  if (type != "rest-hook") {
    return absl::InvalidArgumentError(
        StrCat("channel.type '", type, "' is not supported: only rest-hook is supported"));
  }
  VIGIL_ASSIGN_OR_RETURN(out.endpoint, ParseHookUrl(Text(channel.Find("endpoint"))));
  const fhir::Json* payload = channel.Find("payload");
  if (payload != nullptr) {
    const std::string mime = Text(payload);
    if (mime != kFhirJson && mime != "application/json") {
      return absl::InvalidArgumentError(StrCat("channel.payload '", mime, "' is not supported: use ", kFhirJson,
                                               ", or leave it out for notifications without a body"));
    }
    out.payload = true;
  }
  if (const fhir::Json* headers = channel.Find("header"); headers != nullptr) {
    for (size_t i = 0; i < headers->items().size(); ++i) {
      VIGIL_ASSIGN_OR_RETURN(auto header, ReadHeader(headers->items()[i], i + 1));
      out.headers.push_back(std::move(header));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string StatusOf(const fhir::Json& resource) { return Text(resource.Find("status")); }

absl::StatusOr<Subscription> ReadSubscription(const fhir::Json& resource, std::string_view id, int64_t version,
                                              const search::Registry& registry) {
  Subscription out;
  out.id = std::string(id);
  out.version = version;
  out.status = StatusOf(resource);
  const fhir::Json* channel = resource.Find("channel");
  if (channel == nullptr || !channel->is_object()) return absl::InvalidArgumentError("channel is missing");
  VIGIL_RETURN_IF_ERROR(ReadChannel(*channel, out));
  out.criteria_text = Text(resource.Find("criteria"));
  VIGIL_ASSIGN_OR_RETURN(out.criteria, ParseCriteria(registry, out.criteria_text));
  if (const fhir::Json* end = resource.Find("end"); end != nullptr) {
    out.end_ms = ParseFhirDateTimeMs(Text(end));
    if (!out.end_ms) return absl::InvalidArgumentError(StrCat("end '", Text(end), "' is not a valid instant"));
  }
  return out;
}

HookRequest Notification(const Subscription& subscription, std::string_view type, std::string_view id,
                         std::string resource_json) {
  HookRequest request;
  request.headers = subscription.headers;
  if (!subscription.payload) {
    request.method = "POST";
    request.url = subscription.endpoint;
    return request;
  }
  request.method = "PUT";
  request.url = AppendPath(subscription.endpoint, StrCat(type, "/", id));
  request.headers.emplace_back("Content-Type", std::string(kFhirJson));
  request.body = std::move(resource_json);
  return request;
}

fhir::Json WithStatus(fhir::Json resource, std::string_view status, std::string_view error) {
  resource.Set("status", fhir::Json::String(std::string(status)));
  if (error.empty()) {
    resource.Erase("error");
  } else {
    resource.Set("error", fhir::Json::String(std::string(error)));
  }
  return resource;
}

}  // namespace vigil::subscriptions
