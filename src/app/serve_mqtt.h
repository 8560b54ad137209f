// `vigil serve --mqtt-url mqtt://HOST:PORT [--mqtt-topic FILTER]...`: device
// and wearable streams (docs/device-streams.md). The libmosquitto subscriber
// (ingest/mqtt/mqtt_ingest.h) hands each message to ReadingIngest, which maps
// it to a transaction Bundle and applies it through FhirApi::ApplyTransaction
// (the code path of POST /fhir and of the MLLP listener); messages that cannot
// be stored go to the dead-letter folder DATA/dead-letter/mqtt, kept by the
// MLLP listener's mllp::DeadLetterStore (files ID.payload + ID.json; in the
// sidecar, peer is the topic, control_id the topic's device id and
// message_type "mqtt").
//
// With authentication on, readings are applied under a fixed system/*.cruds
// authority, as MLLP messages are: who may publish is the broker's business.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ingest/mqtt/mqtt_ingest.h"
#include "ingest/mqtt/reading_ingest.h"
#include "app/ingest_observers.h"
#include "metrics/server_metrics.h"
#include "server/mllp/dead_letter.h"
#include "server/rest/fhir_api.h"
#include "store/store.h"

namespace vigil::app {

// DATA/dead-letter/mqtt, and the extension of its message files.
std::string MqttDeadLetterDir(const std::string& data_dir);
inline constexpr char kMqttPayloadExt[] = ".payload";

// The ingest options `vigil serve` and `vigil ingest dead-letter replay
// --source mqtt` share: apply through api (under a system/*.cruds token when
// authenticated); rejected messages kept in dead_letters (null: not kept).
mqtt::ReadingIngestOptions MqttReadingOptions(const server::FhirApi& api, bool authenticated,
                                              mllp::DeadLetterStore* dead_letters);

class MqttService {
 public:
  // Parses url, then starts the subscriber (which connects in the background)
  // to topics (empty: devices/+/vitals).
  // api and store must outlive the service. Errors: a bad URL or topic filter.
  static absl::StatusOr<std::unique_ptr<MqttService>> Start(
      const server::FhirApi& api, store::Store& store, const std::string& data_dir,
      bool authenticated, const std::string& url, std::vector<std::string> topics,
      IngestObservers observers);
  const std::string& broker() const { return broker_; }  // without the password
  const std::string& dead_letter_dir() const { return dead_letters_.dir(); }
  // Finishes the message in hand and disconnects (idempotent).
  void Stop() {
    if (client_) client_->Stop();
  }

 private:
  MqttService(const server::FhirApi& api, store::Store& store, const std::string& data_dir,
              bool authenticated);

  mllp::DeadLetterStore dead_letters_;
  mqtt::ReadingIngest ingest_;
  std::string broker_;
  std::unique_ptr<mqtt::MqttIngest> client_;
};

}  // namespace vigil::app
