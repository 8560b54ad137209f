#include "ingest/mqtt/broker_url.h"

#include <gtest/gtest.h>

#include "base/str.h"

namespace vigil::mqtt {
namespace {

TEST(ParseBrokerUrl, HostAndPort) {
  absl::StatusOr<BrokerUrl> url = ParseBrokerUrl("mqtt://127.0.0.1:1884", nullptr);
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 1884);
  EXPECT_EQ(url->username, "");
  EXPECT_EQ(url->Redacted(), "mqtt://127.0.0.1:1884");
}

TEST(ParseBrokerUrl, DefaultPortIs1883) {
  absl::StatusOr<BrokerUrl> url = ParseBrokerUrl("mqtt://broker.ward.example/", nullptr);
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->host, "broker.ward.example");
  EXPECT_EQ(url->port, 1883);
}

TEST(ParseBrokerUrl, CredentialsAreParsedAndNeverShown) {
  absl::StatusOr<BrokerUrl> url = ParseBrokerUrl("mqtt://vigil:s%40cret@[::1]:1883", nullptr);
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->username, "vigil");
  EXPECT_EQ(url->password, "s@cret");
  EXPECT_EQ(url->Redacted(), "mqtt://vigil:***@[::1]:1883");
}

TEST(ParseBrokerUrl, PasswordFromTheEnvironmentWhenTheUrlHasNone) {
  absl::StatusOr<BrokerUrl> url = ParseBrokerUrl("mqtt://vigil@localhost", "envpw");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->password, "envpw");
  absl::StatusOr<BrokerUrl> anonymous = ParseBrokerUrl("mqtt://localhost", "envpw");
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->password, "");
}

TEST(ParseBrokerUrl, BadUrlsAreRefusedWithoutEchoingThem) {
  auto error = [](std::string_view url) {
    absl::StatusOr<BrokerUrl> r = ParseBrokerUrl(url, nullptr);
    EXPECT_FALSE(r.ok()) << url;
    return r.ok() ? std::string() : std::string(Message(r.status()));
  };
  const std::string kHint = " (expected mqtt://[USER[:PASSWORD]@]HOST[:PORT])";
  EXPECT_EQ(error("http://localhost:1883"), "--mqtt-url: the URL must start with mqtt://" + kHint);
  EXPECT_EQ(error("mqtts://localhost"), "--mqtt-url: mqtts:// (TLS) is not supported yet" + kHint);
  EXPECT_EQ(error("mqtt://:1883"), "--mqtt-url: no host" + kHint);
  EXPECT_EQ(error("mqtt://u:pw@host:99999"), "--mqtt-url: the port must be 1-65535" + kHint);
  EXPECT_EQ(error("mqtt://host:0"), "--mqtt-url: the port must be 1-65535" + kHint);
  EXPECT_EQ(error("mqtt://host:"), "--mqtt-url: empty port" + kHint);
  EXPECT_EQ(error("mqtt://host/topic"), "--mqtt-url: a path, query or fragment is not allowed" + kHint);
}

}  // namespace
}  // namespace vigil::mqtt
