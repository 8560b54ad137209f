// CDS Hooks 2.0 over HTTP (docs/cds-hooks.md):
//   GET  /cds-services                               discovery
//   POST /cds-services/vigil-sepsis-risk             patient-view: one card
//   POST /cds-services/vigil-sepsis-risk/feedback    accepted / overridden
// The patient's stay comes from prefetch when the client sends it, else from
// this server's store; a client that names another fhirServer and sends no
// prefetch is answered 412 (this service does not fetch from other servers).
#pragma once

#include "absl/status/statusor.h"
#include "app/clinical_ai_service.h"
#include "server/http/http_server.h"

namespace vigil::app {

absl::StatusOr<server::HttpResponse> CdsHooks(ClinicalAiService& ai, const server::HttpRequest& request,
                                              const auth::AccessToken* token);

}  // namespace vigil::app
