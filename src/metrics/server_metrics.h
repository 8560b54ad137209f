// The operational metrics of `vigil serve`, served at /metrics in the
// Prometheus text format (prometheus-cpp's registry and serializer).
//
//   vigil_http_requests_total{surface,interaction,code}       requests answered
//   vigil_http_request_duration_seconds{surface,interaction}  histogram
//   vigil_resources_committed_total{type}                     committed writes (change events)
//   vigil_mllp_messages_total{ack}                            HL7 v2 messages by ACK code (AA, AE, AR)
//   vigil_mqtt_messages_total{outcome}                        MQTT device readings: stored | duplicate | rejected
//   vigil_event_backlog{subscriber}, vigil_events_skipped_total{subscriber},
//   vigil_event_failures_total{subscriber}                    change-event consumers (scoring: its backlog)
//   vigil_predictions_total{scorer,version,mode,decision}     mode: live | shadow | cds
//   vigil_scoring_delay_seconds{scorer,mode}                  Observation commit -> score stored, histogram
//   vigil_scoring_failures_total{scorer,version}
//   vigil_alerts_total{scorer,version,change}                 change: raised | cleared
//   vigil_feedback_total{source,outcome}                      source: cds | alert
//
// Gauges that mirror another component's state (the event bus) are refreshed
// by the hooks added with OnCollect, right before each scrape.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace prometheus {
class Registry;
}

namespace vigil::metrics {

class ServerMetrics {
 public:
  ServerMetrics();
  ~ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  void ObserveHttp(std::string_view surface, std::string_view interaction, int status, double seconds);
  void CountCommitted(std::string_view type);
  void CountMllpMessage(std::string_view ack_code);
  void CountMqttMessage(std::string_view outcome);
  void SetEventConsumer(std::string_view subscriber, double backlog, double skipped, double failed);
  // delay_seconds < 0: not recorded in the delay histogram (CDS answers).
  void ObservePrediction(std::string_view scorer, std::string_view version, std::string_view mode,
                         std::string_view decision, double delay_seconds);
  void CountScoringFailure(std::string_view scorer, std::string_view version);
  void CountAlert(std::string_view scorer, std::string_view version, std::string_view change);
  void CountFeedback(std::string_view source, std::string_view outcome);

  // hook runs before every scrape (Text()), e.g. to copy the event bus's stats.
  void OnCollect(std::function<void(ServerMetrics&)> hook);

  // Everything, in the Prometheus text exposition format 0.0.4.
  std::string Text();

 private:
  struct Families;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> f_;
  std::mutex hooks_mu_;
  std::vector<std::function<void(ServerMetrics&)>> hooks_;
};

// The metrics labels of an HTTP request: its surface ("fhir", "api",
// "cds-services", "metrics", "page") and, for FHIR, the interaction (read,
// vread, search-type, search-system, history-instance, history-type,
// history-system, create, update, patch, delete, transaction, capabilities,
// operation: server/rest/interaction.h, as the audit trail records it); other
// surfaces use the method. Bounded label values only: ids
// never become labels.
struct HttpLabels {
  std::string surface;
  std::string interaction;
};
HttpLabels ClassifyRequest(std::string_view method, std::string_view path);

}  // namespace vigil::metrics
