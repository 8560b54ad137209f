#include "app/serve_mllp.h"

#include <filesystem>

#include "auth/scopes.h"
#include "auth/token_verifier.h"

namespace vigil::app {

std::string Hl7DeadLetterDir(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "dead-letter" / "hl7v2").string();
}

mllp::IngestOptions Hl7IngestOptions(bool authenticated, mllp::DeadLetterStore* dead_letters) {
  mllp::IngestOptions options;
  options.dead_letters = dead_letters;
  if (authenticated) {
    auto token = std::make_shared<auth::AccessToken>();
    token->scopes = auth::ParseScopes("system/*.cruds");
    options.token = std::move(token);
  }
  return options;
}

MllpService::MllpService(const server::FhirApi& api, store::Store& store,
                         const std::string& data_dir, bool authenticated,
                         mllp::MllpOptions options)
    : dead_letters_(Hl7DeadLetterDir(data_dir)),
      ingest_(api, store, Hl7IngestOptions(authenticated, &dead_letters_)),
      server_(std::make_unique<mllp::MllpServer>(
          std::move(options), [this](std::string_view message, const mllp::MllpPeer& peer) {
            return ingest_.Process(message, peer.ToString()).ack;
          })) {}

absl::StatusOr<std::unique_ptr<MllpService>> MllpService::Start(const server::FhirApi& api,
                                                                store::Store& store,
                                                                const std::string& data_dir,
                                                                bool authenticated,
                                                                mllp::MllpOptions options) {
  std::unique_ptr<MllpService> service(
      new MllpService(api, store, data_dir, authenticated, std::move(options)));
  if (absl::Status started = service->server_->Start(); !started.ok()) return started;
  return service;
}

}  // namespace vigil::app
