// `vigil serve --mllp-port N`: the HL7 v2 MLLP listener wired to the FHIR API
// (server/mllp/: MllpServer -> Hl7Ingest -> FhirApi::ApplyTransaction), with
// its dead-letter folder DATA/dead-letter/hl7v2.
//
// With authentication on, messages are applied under a fixed system/*.cruds
// authority: MLLP itself has no authentication, so `vigil serve` only opens it
// on loopback unless --insecure-listen-anywhere is given.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "app/ingest_observers.h"
#include "metrics/server_metrics.h"
#include "server/mllp/dead_letter.h"
#include "server/mllp/hl7_ingest.h"
#include "server/mllp/mllp_server.h"
#include "server/rest/fhir_api.h"
#include "store/store.h"

namespace vigil::app {

// DATA/dead-letter/hl7v2.
std::string Hl7DeadLetterDir(const std::string& data_dir);

// The ingest options `vigil serve` and `vigil ingest dead-letter replay` share.
// authenticated: apply under a system/*.cruds token (auth is on).
mllp::IngestOptions Hl7IngestOptions(bool authenticated, mllp::DeadLetterStore* dead_letters);

class MllpService {
 public:
  // Starts listening. api and store must outlive the service.
  static absl::StatusOr<std::unique_ptr<MllpService>> Start(const server::FhirApi& api,
                                                            store::Store& store,
                                                            const std::string& data_dir,
                                                            bool authenticated,
                                                            mllp::MllpOptions options,
                                                            IngestObservers observers);
  uint16_t port() const { return server_->port(); }
  const std::string& dead_letter_dir() const { return dead_letters_.dir(); }
  // Stops the listener (idempotent; the destructor calls it).
  void Stop() { server_->Stop(); }

 private:
  MllpService(const server::FhirApi& api, store::Store& store, const std::string& data_dir,
              bool authenticated, mllp::MllpOptions options, IngestObservers observers);
  std::string Handle(std::string_view message, const mllp::MllpPeer& peer);

  IngestObservers observers_;
  mllp::DeadLetterStore dead_letters_;
  mllp::Hl7Ingest ingest_;
  std::unique_ptr<mllp::MllpServer> server_;
};

}  // namespace vigil::app
