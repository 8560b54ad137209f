#include "subscriptions/hook_url.h"

#include <charconv>

#include "base/str.h"

namespace vigil::subscriptions {
namespace {

absl::Status Bad(std::string_view url, std::string_view why) {
  return absl::InvalidArgumentError(StrCat("channel.endpoint '", url, "' ", why));
}

bool HasSpaceOrControl(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return true;
  }
  return false;
}

// Splits the authority into host and port; false when malformed.
bool SplitAuthority(std::string_view authority, std::string_view default_port, HookUrl& out) {
  std::string_view port;
  if (authority.starts_with('[')) {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return false;
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return false;
  if (port.empty()) {
    out.port = std::string(default_port);
    return true;
  }
  int value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) return false;
  out.port = std::to_string(value);
  return true;
}

}  // namespace

absl::StatusOr<HookUrl> ParseHookUrl(std::string_view url) {
  HookUrl out;
  out.text = std::string(url.substr(0, url.find('#')));
  std::string_view rest = out.text;
  std::string_view default_port;
  if (rest.starts_with("http://")) {
    out.scheme = "http";
    default_port = "80";
  } else if (rest.starts_with("https://")) {
    out.scheme = "https";
    default_port = "443";
  } else {
    return Bad(url, "is not an http:// or https:// URL");
  }
  if (HasSpaceOrControl(out.text)) return Bad(url, "contains spaces or control characters");
  rest.remove_prefix(out.scheme.size() + 3);
  const size_t end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end);
  if (authority.find('@') != std::string_view::npos) {
    return Bad(url, "has user credentials: put them in channel.header instead");
  }
  if (!SplitAuthority(authority, default_port, out)) return Bad(url, "has no valid host and port");
  out.target = end == std::string_view::npos ? "/" : std::string(rest.substr(end));
  if (out.target.starts_with('?')) out.target.insert(0, "/");
  return out;
}

HookUrl AppendPath(const HookUrl& url, std::string_view segments) {
  auto append = [&](std::string& s) {
    const size_t q = s.find('?');
    std::string path = s.substr(0, q);
    const std::string query = q == std::string::npos ? "" : s.substr(q);
    if (!path.ends_with('/')) path += '/';
    s = StrCat(path, segments, query);
  };
  HookUrl out = url;
  append(out.target);
  append(out.text);
  return out;
}

}  // namespace vigil::subscriptions
