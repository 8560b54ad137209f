#include "app/ingest_observers.h"

#include "base/time.h"

namespace vigil::app {

void IngestObservers::Audit(audit::IngestFacts facts) const {
  if (trail == nullptr) return;
  facts.time_ms = NowMs();
  facts.site = site;
  trail->Record(audit::IngestAuditJson(facts));
}

}  // namespace vigil::app
