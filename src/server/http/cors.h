// Cross-origin resource sharing (the Fetch standard's CORS protocol) for
// browser-based clients: SMART apps and CDS Hooks clients served from another
// origin. A wrapper around the server's handler:
//
//   server::CorsOptions cors;
//   cors.allowed_origins = {"https://app.example.org"};
//   server::HttpHandler handler = server::WithCors(cors, inner, error_response);
//
// For a request with an Origin header that is allowed (listed exactly, or "*"
// is listed):
//   - a preflight (OPTIONS with Access-Control-Request-Method) is answered here,
//     204, without reaching `inner` (so without authentication: browsers send
//     no Authorization header on preflights): Allow-Origin, Allow-Methods,
//     Allow-Headers (the requested ones), Max-Age, Vary: Origin;
//   - any other request goes to `inner`, and its response gains
//     Access-Control-Allow-Origin (the origin itself, or "*" when "*" is
//     listed), Access-Control-Expose-Headers (Location, ETag, ...) and Vary:
//     Origin.
// Access-Control-Allow-Credentials is never sent: tokens travel in the
// Authorization header, which needs no credentials mode, and cookies are not
// used. A preflight from an origin that is not allowed is answered 403 (by
// `error`); other requests from it pass through without CORS headers, so the
// browser withholds the response from the page. Requests without Origin are
// untouched. With no allowed origins the wrapper changes nothing.
//
// Thread-safety: the returned handler is as thread-safe as `inner`.
#pragma once

#include <string>
#include <vector>

#include "server/http/http_server.h"

namespace vigil::server {

struct CorsOptions {
  // Exact origins ("https://app.example.org", scheme://host[:port], no path),
  // or "*" for any origin.
  std::vector<std::string> allowed_origins;
  int max_age_s = 600;  // how long a browser may cache a preflight answer
};

HttpHandler WithCors(CorsOptions options, HttpHandler inner, HttpErrorFactory error);

// Whether `origin` is a valid value for CorsOptions::allowed_origins: "*" or
// scheme://host[:port] with scheme http or https and nothing after the port.
bool IsValidCorsOrigin(const std::string& origin);

}  // namespace vigil::server
