#include "ingest/mqtt/mqtt_ingest.h"

#include <mosquitto.h>

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "base/str.h"
#include "ingest/mqtt/reading.h"

namespace vigil::mqtt {
namespace {

constexpr int kQos = 1;
constexpr int kLoopTimeoutMs = 200;  // how soon Stop is noticed
constexpr int kDisconnectLoops = 10;

void InitLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string Seconds(std::chrono::milliseconds d) {
  return fmt::format("{:g} s", static_cast<double>(d.count()) / 1000.0);
}

}  // namespace

std::string ClientIdFor(std::string_view seed) { return fmt::format("vigil-{:016x}", Fnv1a(seed)); }

absl::StatusOr<std::unique_ptr<MqttIngest>> MqttIngest::Start(MqttOptions options, Handler handler) {
  if (options.topics.empty()) return absl::InvalidArgumentError("no MQTT topic filter to subscribe to");
  for (const std::string& topic : options.topics) {
    if (mosquitto_sub_topic_check(topic.c_str()) != MOSQ_ERR_SUCCESS) {
      return absl::InvalidArgumentError(StrCat("--mqtt-topic '", topic, "' is not a valid MQTT topic filter"));
    }
  }
  if (options.client_id.empty()) return absl::InvalidArgumentError("an MQTT client id is required");
  InitLibrary();
  // clean_session = false: the broker keeps our subscriptions and QoS 1
  // messages while we are away.
  struct mosquitto* client = mosquitto_new(options.client_id.c_str(), false, nullptr);
  if (client == nullptr) return absl::InternalError("cannot create the MQTT client (libmosquitto)");
  std::unique_ptr<MqttIngest> ingest(new MqttIngest(std::move(options), std::move(handler), client));
  mosquitto_user_data_set(client, ingest.get());
  mosquitto_connect_with_flags_callback_set(client, &MqttIngest::OnConnect);
  mosquitto_disconnect_callback_set(client, &MqttIngest::OnDisconnect);
  mosquitto_subscribe_callback_set(client, &MqttIngest::OnSubscribe);
  mosquitto_message_callback_set(client, &MqttIngest::OnMessage);
  const BrokerUrl& broker = ingest->options_.broker;
  if (!broker.username.empty()) {
    int rc = mosquitto_username_pw_set(client, broker.username.c_str(),
                                       broker.password.empty() ? nullptr : broker.password.c_str());
    if (rc != MOSQ_ERR_SUCCESS) {
      return absl::InvalidArgumentError(StrCat("MQTT user name: ", mosquitto_strerror(rc)));
    }
  }
  std::fprintf(stderr, "%s: connecting to %s as client id %s\n", ingest->options_.log_prefix.c_str(),
               broker.Redacted().c_str(), ingest->options_.client_id.c_str());
  ingest->thread_ = std::thread([raw = ingest.get()] { raw->Run(); });
  return ingest;
}

MqttIngest::MqttIngest(MqttOptions options, Handler handler, struct mosquitto* client)
    : options_(std::move(options)), handler_(std::move(handler)), client_(client) {}

MqttIngest::~MqttIngest() {
  Stop();
  mosquitto_destroy(client_);
}

void MqttIngest::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void MqttIngest::Run() {
  std::chrono::milliseconds delay = options_.reconnect_min;
  while (!stopping_) {
    bool got_session = RunConnection();
    if (stopping_) break;
    if (got_session) delay = options_.reconnect_min;
    std::fprintf(stderr, "%s: reconnecting to %s in %s\n", options_.log_prefix.c_str(),
                 options_.broker.Redacted().c_str(), Seconds(delay).c_str());
    WaitBeforeRetry(delay);
    delay = std::min(delay * 2, options_.reconnect_max);
  }
}

bool MqttIngest::RunConnection() {
  const BrokerUrl& broker = options_.broker;
  bool got_session = false;
  int rc = mosquitto_connect_async(client_, broker.host.c_str(), broker.port, options_.keepalive_s);
  while (rc == MOSQ_ERR_SUCCESS && !stopping_) {
    rc = mosquitto_loop(client_, kLoopTimeoutMs, 1);
    got_session = got_session || connected_;
  }
  if (stopping_) {
    if (connected_) {
      mosquitto_disconnect(client_);
      for (int i = 0; i < kDisconnectLoops && connected_; ++i) mosquitto_loop(client_, 100, 1);
      connected_ = false;
    }
    return got_session;
  }
  if (!got_session) {
    std::fprintf(stderr, "%s: cannot connect to %s: %s\n", options_.log_prefix.c_str(),
                 broker.Redacted().c_str(), mosquitto_strerror(rc));
  }
  return got_session;
}

void MqttIngest::WaitBeforeRetry(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

void MqttIngest::OnConnect(struct mosquitto* m, void* self, int rc, int flags) {
  auto* ingest = static_cast<MqttIngest*>(self);
  const std::string& prefix = ingest->options_.log_prefix;
  std::string url = ingest->options_.broker.Redacted();
  if (rc != 0) {
    std::fprintf(stderr, "%s: %s refused the connection: %s\n", prefix.c_str(), url.c_str(),
                 mosquitto_connack_string(rc));
    return;
  }
  ingest->connected_ = true;
  // flags bit 0: the broker still had our session (and any messages it kept).
  std::fprintf(stderr, "%s: connected to %s (%s session)\n", prefix.c_str(), url.c_str(),
               (flags & 1) != 0 ? "resumed" : "new");
  for (const std::string& topic : ingest->options_.topics) {
    int sub = mosquitto_subscribe(m, nullptr, topic.c_str(), kQos);
    if (sub != MOSQ_ERR_SUCCESS) {
      std::fprintf(stderr, "%s: cannot subscribe to '%s': %s\n", prefix.c_str(), topic.c_str(),
                   mosquitto_strerror(sub));
    }
  }
}

void MqttIngest::OnDisconnect(struct mosquitto*, void* self, int rc) {
  auto* ingest = static_cast<MqttIngest*>(self);
  if (!ingest->connected_.exchange(false)) return;  // never connected: RunConnection logs
  std::fprintf(stderr, "%s: disconnected from %s%s%s\n", ingest->options_.log_prefix.c_str(),
               ingest->options_.broker.Redacted().c_str(), rc == 0 ? "" : ": ",
               rc == 0 ? "" : mosquitto_strerror(rc));
}

void MqttIngest::OnSubscribe(struct mosquitto*, void* self, int, int count, const int* granted) {
  auto* ingest = static_cast<MqttIngest*>(self);
  for (int i = 0; i < count; ++i) {
    if (granted[i] == kQos) continue;
    std::fprintf(stderr, "%s: the broker %s\n", ingest->options_.log_prefix.c_str(),
                 granted[i] >= 0x80 ? "refused a subscription"
                                    : "granted QoS 0 only: messages are not kept while vigil is away");
  }
}

void MqttIngest::OnMessage(struct mosquitto*, void* self, const struct mosquitto_message* message) {
  auto* ingest = static_cast<MqttIngest*>(self);
  std::string_view topic = message->topic != nullptr ? message->topic : "";
  std::string device;
  for (const std::string& filter : ingest->options_.topics) {
    if (!TopicMatches(filter, topic)) continue;
    device = TopicDevice(filter, topic);
    break;
  }
  ReceivedMessage received;
  received.topic = topic;
  received.topic_device = device;
  received.payload = std::string_view(static_cast<const char*>(message->payload),
                                      static_cast<size_t>(std::max(message->payloadlen, 0)));
  ingest->handler_(received);
}

}  // namespace vigil::mqtt
