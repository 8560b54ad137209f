#include "dashboard/static_files.h"

namespace vigil::dashboard {
namespace {

constexpr std::string_view kNotBuilt = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigil dashboard not built</title></head>
<body style="font-family: sans-serif; max-width: 44em; margin: 3em auto; line-height: 1.5">
<h1>The Vigil dashboard was not built into this binary</h1>
<p>This <code>vigil</code> was compiled while <code>web/dist</code> was missing, so it has no page to show.
The FHIR API (<code>/fhir</code>) and the dashboard's JSON (<code>/api</code>) work as usual.</p>
<p>To build the page (Node.js and npm needed once; no internet needed after <code>npm ci</code>):</p>
<pre>cd web &amp;&amp; npm ci &amp;&amp; npm run build &amp;&amp; cd ..
cmake --build build --target vigil</pre>
<p><code>bash scripts/setup.sh</code>, <code>scripts/test.sh</code> and <code>scripts/demo.sh</code> do this for you.
See docs/dashboard.md.</p>
</body></html>
)";

constexpr std::string_view kPagePolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'";

const WebAsset* Find(std::span<const WebAsset> assets, std::string_view path) {
  if (path == "/") path = "/index.html";
  for (const WebAsset& a : assets) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match == "*") return true;
  // A list of entity tags, weak ones ("W/...") compared weakly, as RFC 7232 §3.2 asks.
  size_t pos = 0;
  while (pos < if_none_match.size()) {
    size_t comma = if_none_match.find(',', pos);
    std::string_view tag = if_none_match.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

}  // namespace

bool ClaimsPath(std::span<const WebAsset> assets, std::string_view path) {
  return path == "/" || path == "/index.html" || path == "/app.js" || path == "/app.css" ||
         Find(assets, path) != nullptr;
}

StaticReply ServeStatic(std::span<const WebAsset> assets, std::string_view method, std::string_view path,
                        std::string_view if_none_match) {
  StaticReply reply;
  if (method != "GET" && method != "HEAD") {
    reply.status = 405;
    reply.headers = {{"Allow", "GET, HEAD"}, {"Content-Type", "text/plain; charset=utf-8"}};
    reply.body = "405: the dashboard's files can only be read (GET)\n";
    return reply;
  }
  if (assets.empty()) {
    reply.status = 503;
    reply.headers = {{"Content-Type", "text/html; charset=utf-8"}, {"Cache-Control", "no-store"}};
    reply.body = std::string(kNotBuilt);
    return reply;
  }
  const WebAsset* asset = Find(assets, path);
  if (asset == nullptr) {
    reply.status = 404;
    reply.headers = {{"Content-Type", "text/plain; charset=utf-8"}, {"Cache-Control", "no-store"}};
    reply.body = "404: the dashboard has no such file\n";
    return reply;
  }
  reply.headers = {{"ETag", std::string(asset->etag)},
                   {"Cache-Control", "no-cache"},
                   {"X-Content-Type-Options", "nosniff"}};
  if (EtagMatches(if_none_match, asset->etag)) {
    reply.status = 304;
    return reply;
  }
  reply.headers.emplace_back("Content-Type", std::string(asset->content_type));
  if (asset->content_type.starts_with("text/html")) {
    // The page shows patient data: scripts and styles only from here, no framing.
    reply.headers.emplace_back("Content-Security-Policy", std::string(kPagePolicy));
    reply.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  reply.body = std::string(asset->body);
  return reply;
}

}  // namespace vigil::dashboard
