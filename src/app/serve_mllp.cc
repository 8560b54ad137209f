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

namespace {

std::string_view AckName(hl7v2::AckCode code) {
  switch (code) {
    case hl7v2::AckCode::kAccept:
      return "AA";
    case hl7v2::AckCode::kError:
      return "AE";
    case hl7v2::AckCode::kReject:
      return "AR";
  }
  return "AE";
}

}  // namespace

MllpService::MllpService(const server::FhirApi& api, store::Store& store,
                         const std::string& data_dir, bool authenticated,
                         mllp::MllpOptions options, IngestObservers observers)
    : observers_(std::move(observers)),
      dead_letters_(Hl7DeadLetterDir(data_dir)),
      ingest_(api, store, Hl7IngestOptions(authenticated, &dead_letters_)),
      server_(std::make_unique<mllp::MllpServer>(
          std::move(options), [this](std::string_view message, const mllp::MllpPeer& peer) {
            return Handle(message, peer);
          })) {}

std::string MllpService::Handle(std::string_view message, const mllp::MllpPeer& peer) {
  mllp::IngestResult result = ingest_.Process(message, peer.ToString());
  if (observers_.metrics != nullptr) observers_.metrics->CountMllpMessage(AckName(result.code));
  audit::IngestFacts facts;
  facts.channel = "hl7v2";
  facts.sender = std::move(result.sender);
  facts.address = peer.address;
  facts.message_id = result.control_id;
  facts.message_type = std::move(result.message_type);
  facts.ack = std::string(AckName(result.code));
  facts.outcome = result.code == hl7v2::AckCode::kAccept ? 0 : result.server_failed ? 8 : 4;
  facts.duplicate = result.duplicate;
  facts.dead_letter_id = result.dead_letter_id;
  facts.written = std::move(result.written);
  observers_.Audit(std::move(facts));
  return std::move(result.ack);
}

absl::StatusOr<std::unique_ptr<MllpService>> MllpService::Start(const server::FhirApi& api,
                                                                store::Store& store,
                                                                const std::string& data_dir,
                                                                bool authenticated,
                                                                mllp::MllpOptions options,
                                                                IngestObservers observers) {
  std::unique_ptr<MllpService> service(new MllpService(api, store, data_dir, authenticated,
                                                       std::move(options), std::move(observers)));
  if (absl::Status started = service->server_->Start(); !started.ok()) return started;
  return service;
}

}  // namespace vigil::app
