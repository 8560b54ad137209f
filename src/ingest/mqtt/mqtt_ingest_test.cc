// MqttIngest without a broker: option checks, the client id, and that a broker
// that is not there is retried in the background without blocking Start/Stop.
// (tests/ingest/mqtt_test.py runs it against a real mosquitto.)
#include "ingest/mqtt/mqtt_ingest.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "base/str.h"

namespace vigil::mqtt {
namespace {

// A loopback port with nothing listening (bound, then closed).
uint16_t ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(fd);
  return ntohs(addr.sin_port);
}

MqttOptions Options(std::vector<std::string> topics) {
  MqttOptions options;
  options.broker.host = "127.0.0.1";
  options.broker.port = ClosedPort();
  options.topics = std::move(topics);
  options.client_id = ClientIdFor("/data");
  options.reconnect_min = std::chrono::milliseconds(50);
  options.reconnect_max = std::chrono::milliseconds(200);
  options.log_prefix = "test: mqtt";
  return options;
}

TEST(ClientIdFor, StablePerDataFolder) {
  EXPECT_EQ(ClientIdFor("/var/lib/vigil"), ClientIdFor("/var/lib/vigil"));
  EXPECT_NE(ClientIdFor("/var/lib/vigil"), ClientIdFor("/var/lib/vigil2"));
  std::string id = ClientIdFor("/var/lib/vigil");
  EXPECT_EQ(id.size(), 22u);  // within MQTT 3.1.1's guaranteed 23 characters
  EXPECT_TRUE(id.starts_with("vigil-")) << id;
}

TEST(MqttIngest, RefusesAnInvalidTopicFilter) {
  auto started = MqttIngest::Start(Options({"devices/#/vitals"}), [](const ReceivedMessage&) {});
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(started.status()), "--mqtt-topic 'devices/#/vitals' is not a valid MQTT topic filter");
}

TEST(MqttIngest, RefusesNoTopics) {
  auto started = MqttIngest::Start(Options({}), [](const ReceivedMessage&) {});
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(Message(started.status()), "no MQTT topic filter to subscribe to");
}

TEST(MqttIngest, AbsentBrokerIsRetriedAndStopIsPrompt) {
  auto started = MqttIngest::Start(Options({"devices/+/vitals"}), [](const ReceivedMessage&) {});
  ASSERT_TRUE(started.ok()) << started.status();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // a few attempts
  EXPECT_FALSE((*started)->connected());
  auto begin = std::chrono::steady_clock::now();
  (*started)->Stop();
  (*started)->Stop();  // idempotent
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(2));
}

}  // namespace
}  // namespace vigil::mqtt
