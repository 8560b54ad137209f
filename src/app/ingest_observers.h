// Who hears of each message that arrives without an HTTP request (HL7 v2 over
// MLLP, device readings over MQTT): the metrics and the audit trail (one
// Import AuditEvent per message, audit/ingest_events.h). Either may be null.
#pragma once

#include <string>

#include "audit/ingest_events.h"
#include "audit/trail.h"
#include "metrics/server_metrics.h"

namespace vigil::app {

struct IngestObservers {
  metrics::ServerMetrics* metrics = nullptr;
  audit::AuditTrail* trail = nullptr;
  std::string site;  // the server's base URL, for the AuditEvents

  // Records facts (time and site filled in here) when there is a trail.
  void Audit(audit::IngestFacts facts) const;
};

}  // namespace vigil::app
