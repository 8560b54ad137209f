#include "metrics/server_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <vector>

#include "server/http/url.h"
#include "server/rest/interaction.h"

namespace vigil::metrics {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

std::string S(std::string_view v) { return std::string(v); }

// Seconds: 0.5 ms .. 10 s.
const Histogram::BucketBoundaries& LatencyBuckets() {
  static const Histogram::BucketBoundaries b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return b;
}

std::string CodeClass(int status) { return std::to_string(status / 100) + "xx"; }

}  // namespace

struct ServerMetrics::Families {
  explicit Families(prometheus::Registry& r)
      : http_requests(prometheus::BuildCounter()
                          .Name("vigil_http_requests_total")
                          .Help("HTTP requests answered, by surface, interaction and status class")
                          .Register(r)),
        http_duration(prometheus::BuildHistogram()
                          .Name("vigil_http_request_duration_seconds")
                          .Help("Time to answer an HTTP request")
                          .Register(r)),
        committed(prometheus::BuildCounter()
                      .Name("vigil_resources_committed_total")
                      .Help("Resource versions committed (change events), by type")
                      .Register(r)),
        mllp(prometheus::BuildCounter()
                 .Name("vigil_mllp_messages_total")
                 .Help("HL7 v2 messages received over MLLP, by the ACK code answered")
                 .Register(r)),
        mqtt(prometheus::BuildCounter()
                 .Name("vigil_mqtt_messages_total")
                 .Help("MQTT device readings received, by outcome (stored, duplicate, rejected)")
                 .Register(r)),
        backlog(prometheus::BuildGauge()
                    .Name("vigil_event_backlog")
                    .Help("Change events published but not yet handled, by consumer")
                    .Register(r)),
        skipped(prometheus::BuildGauge()
                    .Name("vigil_events_skipped_total")
                    .Help("Change events dropped for a consumer that fell too far behind")
                    .Register(r)),
        event_failures(prometheus::BuildGauge()
                           .Name("vigil_event_failures_total")
                           .Help("Change events a consumer failed to handle")
                           .Register(r)),
        predictions(prometheus::BuildCounter()
                        .Name("vigil_predictions_total")
                        .Help("Scores computed, by scorer, version, mode (live|shadow) and decision")
                        .Register(r)),
        delay(prometheus::BuildHistogram()
                  .Name("vigil_scoring_delay_seconds")
                  .Help("From an Observation's commit to its score being stored (live) or computed (shadow)")
                  .Register(r)),
        scoring_failures(prometheus::BuildCounter()
                             .Name("vigil_scoring_failures_total")
                             .Help("Scorer failures (the triggering data is kept)")
                             .Register(r)),
        alerts(prometheus::BuildCounter()
                   .Name("vigil_alerts_total")
                   .Help("Alert Flags raised and cleared, by scorer and version")
                   .Register(r)),
        feedback(prometheus::BuildCounter()
                     .Name("vigil_feedback_total")
                     .Help("Clinician feedback, by source (cds|alert) and outcome")
                     .Register(r)) {}

  Family<Counter>& http_requests;
  Family<Histogram>& http_duration;
  Family<Counter>& committed;
  Family<Counter>& mllp;
  Family<Counter>& mqtt;
  Family<Gauge>& backlog;
  Family<Gauge>& skipped;
  Family<Gauge>& event_failures;
  Family<Counter>& predictions;
  Family<Histogram>& delay;
  Family<Counter>& scoring_failures;
  Family<Counter>& alerts;
  Family<Counter>& feedback;
};

ServerMetrics::ServerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()), f_(std::make_unique<Families>(*registry_)) {}
ServerMetrics::~ServerMetrics() = default;

void ServerMetrics::ObserveHttp(std::string_view surface, std::string_view interaction, int status,
                                double seconds) {
  f_->http_requests.Add({{"surface", S(surface)}, {"interaction", S(interaction)}, {"code", CodeClass(status)}})
      .Increment();
  f_->http_duration.Add({{"surface", S(surface)}, {"interaction", S(interaction)}}, LatencyBuckets())
      .Observe(seconds);
}

void ServerMetrics::CountCommitted(std::string_view type) { f_->committed.Add({{"type", S(type)}}).Increment(); }

void ServerMetrics::CountMllpMessage(std::string_view ack_code) {
  f_->mllp.Add({{"ack", S(ack_code)}}).Increment();
}

void ServerMetrics::CountMqttMessage(std::string_view outcome) {
  f_->mqtt.Add({{"outcome", S(outcome)}}).Increment();
}

void ServerMetrics::SetEventConsumer(std::string_view subscriber, double backlog, double skipped,
                                     double failed) {
  f_->backlog.Add({{"subscriber", S(subscriber)}}).Set(backlog);
  f_->skipped.Add({{"subscriber", S(subscriber)}}).Set(skipped);
  f_->event_failures.Add({{"subscriber", S(subscriber)}}).Set(failed);
}

void ServerMetrics::ObservePrediction(std::string_view scorer, std::string_view version, std::string_view mode,
                                      std::string_view decision, double delay_seconds) {
  f_->predictions
      .Add({{"scorer", S(scorer)}, {"version", S(version)}, {"mode", S(mode)}, {"decision", S(decision)}})
      .Increment();
  if (delay_seconds >= 0) {
    f_->delay.Add({{"scorer", S(scorer)}, {"mode", S(mode)}}, LatencyBuckets()).Observe(delay_seconds);
  }
}

void ServerMetrics::CountScoringFailure(std::string_view scorer, std::string_view version) {
  f_->scoring_failures.Add({{"scorer", S(scorer)}, {"version", S(version)}}).Increment();
}

void ServerMetrics::CountAlert(std::string_view scorer, std::string_view version, std::string_view change) {
  f_->alerts.Add({{"scorer", S(scorer)}, {"version", S(version)}, {"change", S(change)}}).Increment();
}

void ServerMetrics::CountFeedback(std::string_view source, std::string_view outcome) {
  f_->feedback.Add({{"source", S(source)}, {"outcome", S(outcome)}}).Increment();
}

void ServerMetrics::OnCollect(std::function<void(ServerMetrics&)> hook) {
  std::lock_guard lock(hooks_mu_);
  hooks_.push_back(std::move(hook));
}

std::string ServerMetrics::Text() {
  {
    std::lock_guard lock(hooks_mu_);
    for (auto& hook : hooks_) hook(*this);
  }
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

HttpLabels ClassifyRequest(std::string_view method, std::string_view path) {
  std::vector<std::string_view> s = server::PathSegments(path);
  if (s.empty()) return {"page", S(method)};
  if (s[0] == "fhir") return {"fhir", server::ClassifyInteraction(method, path, "/fhir").code};
  if (s[0] == "api" || s[0] == "cds-services" || s[0] == "metrics" || s[0] == ".well-known") {
    return {S(s[0]), S(method)};
  }
  return {"page", S(method)};
}

}  // namespace vigil::metrics
