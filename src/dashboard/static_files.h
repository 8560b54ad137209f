// Serving the dashboard's front end (web_assets.h) at /: which paths it claims,
// and the response for each.
//
//   GET /                 index.html
//   GET /index.html, /app.js, /app.css, ...   the embedded file of that name
//
// Responses carry Content-Type, an ETag and `Cache-Control: no-cache` (the
// browser keeps the file but asks each time; an If-None-Match that matches gets
// 304 without a body), so a rebuilt binary is picked up at the next load. With
// no embedded files, every claimed path gets a 503 HTML page that says how to
// build the front end. Methods other than GET and HEAD get 405.
//
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dashboard/web_assets.h"

namespace vigil::dashboard {

struct StaticReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Whether the front end answers path ("/", "/index.html", "/app.js",
// "/app.css" and every embedded file); other paths belong to other surfaces.
bool ClaimsPath(std::span<const WebAsset> assets, std::string_view path);

StaticReply ServeStatic(std::span<const WebAsset> assets, std::string_view method, std::string_view path,
                        std::string_view if_none_match);

}  // namespace vigil::dashboard
