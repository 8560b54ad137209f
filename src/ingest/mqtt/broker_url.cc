#include "ingest/mqtt/broker_url.h"

#include "base/str.h"

namespace vigil::mqtt {
namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && Hex(s[i + 1]) >= 0 && Hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The URL may hold a password: the message names only what is wrong.
absl::Status Invalid(std::string_view why) {
  return absl::InvalidArgumentError(
      StrCat("--mqtt-url: ", why, " (expected mqtt://[USER[:PASSWORD]@]HOST[:PORT])"));
}

}  // namespace

std::string BrokerUrl::Redacted() const {
  std::string user = username.empty() ? "" : StrCat(username, password.empty() ? "" : ":***", "@");
  bool ipv6 = host.find(':') != std::string::npos;
  return StrCat("mqtt://", user, ipv6 ? "[" : "", host, ipv6 ? "]" : "", ":", port);
}

absl::StatusOr<BrokerUrl> ParseBrokerUrl(std::string_view url, const char* env_password) {
  constexpr std::string_view kScheme = "mqtt://";
  if (url.starts_with("mqtts://")) return Invalid("mqtts:// (TLS) is not supported yet");
  if (!url.starts_with(kScheme)) return Invalid("the URL must start with mqtt://");
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?#") != std::string_view::npos) {
    return Invalid("a path, query or fragment is not allowed");
  }
  BrokerUrl out;
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    size_t colon = userinfo.find(':');
    out.username = Unescape(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) out.password = Unescape(userinfo.substr(colon + 1));
    if (out.username.empty()) return Invalid("empty user name");
    rest = rest.substr(at + 1);
  }
  if (!out.username.empty() && out.password.empty() && env_password != nullptr) {
    out.password = env_password;
  }
  std::string_view port;
  if (rest.starts_with("[")) {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return Invalid("unclosed [ in the host");
    out.host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(":")) return Invalid("junk after the host");
    if (!rest.empty()) port = rest.substr(1);
  } else {
    size_t colon = rest.rfind(':');
    out.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (out.host.empty()) return Invalid("no host");
  if (rest.find(':') != std::string_view::npos && port.empty()) return Invalid("empty port");
  if (!port.empty()) {
    int n = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || n > 65535) return Invalid("the port must be 1-65535");
      n = n * 10 + (c - '0');
    }
    if (n < 1 || n > 65535) return Invalid("the port must be 1-65535");
    out.port = static_cast<uint16_t>(n);
  }
  return out;
}

}  // namespace vigil::mqtt
