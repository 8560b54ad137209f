#include "server/http/cors.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"

namespace vigil::server {
namespace {

constexpr const char* kAllowMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
constexpr const char* kExposeHeaders =
    "Location, Content-Location, ETag, Last-Modified, WWW-Authenticate, Retry-After, X-Progress";

bool Allowed(const CorsOptions& options, std::string_view origin) {
  return std::any_of(options.allowed_origins.begin(), options.allowed_origins.end(),
                     [&](const std::string& o) { return o == "*" || o == origin; });
}

bool AnyOrigin(const CorsOptions& options) {
  return std::find(options.allowed_origins.begin(), options.allowed_origins.end(), "*") !=
         options.allowed_origins.end();
}

// Adds (or extends) the Vary header with Origin: caches must keep answers for
// different origins apart.
void VaryOnOrigin(HttpResponse& response) {
  for (auto& [name, value] : response.headers) {
    if (absl::EqualsIgnoreCase(name, "Vary")) {
      if (value.find("Origin") == std::string::npos) value += ", Origin";
      return;
    }
  }
  response.headers.emplace_back("Vary", "Origin");
}

std::string AllowOriginValue(const CorsOptions& options, std::string_view origin) {
  return AnyOrigin(options) ? "*" : std::string(origin);
}

HttpResponse Preflight(const CorsOptions& options, const HttpRequest& request,
                       std::string_view origin) {
  HttpResponse response;
  response.status = 204;
  response.headers.emplace_back("Access-Control-Allow-Origin", AllowOriginValue(options, origin));
  response.headers.emplace_back("Access-Control-Allow-Methods", kAllowMethods);
  if (std::string_view asked = request.Header("access-control-request-headers"); !asked.empty()) {
    response.headers.emplace_back("Access-Control-Allow-Headers", std::string(asked));
  }
  response.headers.emplace_back("Access-Control-Max-Age", std::to_string(options.max_age_s));
  VaryOnOrigin(response);
  return response;
}

}  // namespace

bool IsValidCorsOrigin(const std::string& origin) {
  if (origin == "*") return true;
  std::string_view rest = origin;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return false;
  }
  if (rest.empty()) return false;
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == ':' || c == '[' || c == ']';
  });
}

HttpHandler WithCors(CorsOptions options, HttpHandler inner, HttpErrorFactory error) {
  if (options.allowed_origins.empty()) return inner;
  return [options = std::move(options), inner = std::move(inner),
          error = std::move(error)](const HttpRequest& request) {
    const std::string_view origin = request.Header("origin");
    if (origin.empty()) return inner(request);
    const bool preflight =
        request.method == "OPTIONS" && !request.Header("access-control-request-method").empty();
    if (!Allowed(options, origin)) {
      if (preflight) return error(403, "cross-origin requests from this origin are not allowed");
      return inner(request);
    }
    if (preflight) return Preflight(options, request, origin);
    HttpResponse response = inner(request);
    response.headers.emplace_back("Access-Control-Allow-Origin", AllowOriginValue(options, origin));
    response.headers.emplace_back("Access-Control-Expose-Headers", kExposeHeaders);
    VaryOnOrigin(response);
    return response;
  };
}

}  // namespace vigil::server
