#include "app/serve_mqtt.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "auth/scopes.h"
#include "auth/token_verifier.h"
#include "search/registry.h"

namespace vigil::app {

std::string MqttDeadLetterDir(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "dead-letter" / "mqtt").string();
}

mqtt::ReadingIngestOptions MqttReadingOptions(const server::FhirApi& api, bool authenticated,
                                              mllp::DeadLetterStore* dead_letters) {
  std::shared_ptr<const auth::AccessToken> token;
  if (authenticated) {
    auto system = std::make_shared<auth::AccessToken>();
    system->scopes = auth::ParseScopes("system/*.cruds");
    token = std::move(system);
  }
  mqtt::ReadingIngestOptions options;
  options.apply = [&api, token](fhir::Json bundle) {
    return api.ApplyTransaction(std::move(bundle), token, nullptr);
  };
  if (dead_letters != nullptr) {
    options.keep = [dead_letters](const mqtt::ReceivedMessage& m, std::string_view reason) {
      mllp::DeadLetter letter;
      letter.reason = std::string(reason);
      letter.peer = std::string(m.topic);
      letter.control_id = std::string(m.topic_device);
      letter.message_type = "mqtt";
      return dead_letters->Add(m.payload, std::move(letter));
    };
  }
  return options;
}

MqttService::MqttService(const server::FhirApi& api, store::Store& store,
                         const std::string& data_dir, bool authenticated)
    : dead_letters_(MqttDeadLetterDir(data_dir), kMqttPayloadExt),
      ingest_(store, search::Registry::Default(),
              MqttReadingOptions(api, authenticated, &dead_letters_)) {}

absl::StatusOr<std::unique_ptr<MqttService>> MqttService::Start(
    const server::FhirApi& api, store::Store& store, const std::string& data_dir,
    bool authenticated, const std::string& url, std::vector<std::string> topics,
    IngestObservers observers) {
  absl::StatusOr<mqtt::BrokerUrl> broker = mqtt::ParseBrokerUrl(url, std::getenv("VIGIL_MQTT_PASSWORD"));
  if (!broker.ok()) return broker.status();
  std::unique_ptr<MqttService> service(new MqttService(api, store, data_dir, authenticated));
  service->broker_ = broker->Redacted();
  mqtt::MqttOptions options;
  options.broker = *std::move(broker);
  options.topics = topics.empty() ? std::vector<std::string>{"devices/+/vitals"} : std::move(topics);
  options.client_id = mqtt::ClientIdFor(std::filesystem::absolute(data_dir).lexically_normal().string());
  MqttService* self = service.get();
  absl::StatusOr<std::unique_ptr<mqtt::MqttIngest>> client = mqtt::MqttIngest::Start(
      std::move(options), [self, observers = std::move(observers)](const mqtt::ReceivedMessage& message) {
        mqtt::IngestResult result = self->ingest_.Process(message);
        if (observers.metrics != nullptr) observers.metrics->CountMqttMessage(mqtt::OutcomeName(result.outcome));
        audit::IngestFacts facts;
        facts.channel = "mqtt";
        facts.sender = std::string(message.topic);
        facts.outcome = result.outcome == mqtt::Outcome::kRejected ? 4 : 0;
        facts.duplicate = result.outcome == mqtt::Outcome::kDuplicate;
        facts.dead_letter_id = result.dead_letter_id;
        facts.written = std::move(result.written);
        observers.Audit(std::move(facts));
      });
  if (!client.ok()) return client.status();
  service->client_ = *std::move(client);
  std::fprintf(stderr, "vigil serve: device readings from MQTT %s (dead letters: %s)\n",
               service->broker_.c_str(), service->dead_letter_dir().c_str());
  return service;
}

}  // namespace vigil::app
