// The MQTT subscriber of `vigil serve --mqtt-url`: one libmosquitto client on
// its own network thread that subscribes to the topic filters with QoS 1 and
// hands every message to a handler (ReadingIngest in `vigil serve`).
//
// Delivery (docs/device-streams.md, "Guarantees"):
//   - The session is persistent (clean_session = false) under a stable client
//     id, so the broker keeps QoS 1 messages for us while we are disconnected
//     or stopped, and delivers them when we come back.
//   - libmosquitto 2.0 (Debian 12 ships 2.0.11) sends PUBACK for a QoS 1
//     message BEFORE it calls the message callback (upstream issue #2884; the
//     order is reversed only after 2.0). The handler commits durably before it
//     returns, so a message can be lost only if the process dies in that window
//     (between PUBACK and commit); a graceful stop (SIGTERM) finishes the
//     message in hand first. Redeliveries (the broker resends what it has not
//     seen acknowledged) are made harmless by the handler's idempotent writes.
//   - Messages are handled one at a time, in the order the broker sends them.
//   - When the broker goes away the client reconnects with exponential backoff
//     (reconnect_min .. reconnect_max, reset after a successful connection),
//     forever, and logs "<log_prefix>: connected ..." / "disconnected ..." lines
//     (the broker URL always without its password).
//
// Thread-safety: Start/Stop from one thread; the handler runs on the network
// thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "ingest/mqtt/broker_url.h"
#include "ingest/mqtt/reading_ingest.h"

struct mosquitto;
struct mosquitto_message;

namespace vigil::mqtt {

struct MqttOptions {
  BrokerUrl broker;
  std::vector<std::string> topics;  // subscription filters ('+', '#' allowed)
  std::string client_id;            // stable across restarts (ClientIdFor)
  int keepalive_s = 30;
  std::chrono::milliseconds reconnect_min{1000};
  std::chrono::milliseconds reconnect_max{30000};
  std::string log_prefix = "vigil serve: mqtt";
};

// "vigil-" + 16 hex digits of a hash of seed (the absolute data folder): the
// same data folder always resumes the same broker session.
std::string ClientIdFor(std::string_view seed);

class MqttIngest {
 public:
  using Handler = std::function<void(const ReceivedMessage&)>;

  // Validates the options and starts the network thread, which connects in
  // the background (a broker that is down at start is retried like a lost
  // one). Errors: InvalidArgument for a bad topic filter or client id.
  static absl::StatusOr<std::unique_ptr<MqttIngest>> Start(MqttOptions options, Handler handler);
  ~MqttIngest();  // Stop()
  MqttIngest(const MqttIngest&) = delete;
  MqttIngest& operator=(const MqttIngest&) = delete;

  // Finishes the message in hand, disconnects cleanly (the broker keeps the
  // session) and joins the thread. Idempotent.
  void Stop();
  bool connected() const { return connected_.load(); }

 private:
  MqttIngest(MqttOptions options, Handler handler, struct mosquitto* client);

  void Run();  // the network thread
  // One connection: connect, loop until it fails or Stop. Whether it connected.
  bool RunConnection();
  void WaitBeforeRetry(std::chrono::milliseconds delay);

  static void OnConnect(struct mosquitto* m, void* self, int rc, int flags);
  static void OnDisconnect(struct mosquitto* m, void* self, int rc);
  static void OnSubscribe(struct mosquitto* m, void* self, int mid, int count, const int* granted);
  static void OnMessage(struct mosquitto* m, void* self, const struct mosquitto_message* message);

  MqttOptions options_;
  Handler handler_;
  struct mosquitto* client_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace vigil::mqtt
