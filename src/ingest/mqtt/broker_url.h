// `--mqtt-url mqtt://[USER[:PASSWORD]@]HOST[:PORT]`: where the broker is.
//
// The password never appears in Redacted() (the form every log line uses).
// A USER without a password in the URL takes it from $VIGIL_MQTT_PASSWORD
// when set (so it stays out of `ps` listings). mqtts:// (TLS) is refused for
// now. Percent-escapes in the user and password are decoded.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace vigil::mqtt {

struct BrokerUrl {
  std::string host;
  uint16_t port = 1883;
  std::string username;  // "" = anonymous
  std::string password;

  // "mqtt://host:port" or "mqtt://user:***@host:port".
  std::string Redacted() const;
};

// Errors: InvalidArgument naming what is wrong (scheme, host, port).
// env_password: $VIGIL_MQTT_PASSWORD's value (nullptr when unset).
absl::StatusOr<BrokerUrl> ParseBrokerUrl(std::string_view url, const char* env_password);

}  // namespace vigil::mqtt
