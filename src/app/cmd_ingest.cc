// `vigil ingest dead-letter list|show ID|replay ID [--data DIR] [--source S]`:
// the messages `vigil serve` did not store. --source hl7v2 (default): the HL7
// v2 messages the MLLP listener did not accept (DATA/dead-letter/hl7v2);
// --source mqtt: the device readings that could not be stored
// (DATA/dead-letter/mqtt, docs/device-streams.md).
//
//   list    one line per message, oldest first: ID, ACK code ("-" for mqtt),
//           message type ("mqtt"), control id (mqtt: the topic's device id),
//           received at, peer (mqtt: the topic), reason (tab-separated)
//   show    the sidecar JSON, then the message (HL7: one segment per line)
//   replay  runs the message through the same pipeline as `vigil serve`
//           (Hl7Ingest, or ReadingIngest for mqtt) against the store; once
//           stored (AA; for mqtt stored or already stored) the dead letter is
//           removed. Exit 1, and the dead letter kept, when it fails again.
#include <cstdio>
#include <memory>

#include "app/commands.h"
#include "app/data_dir.h"
#include "app/serve_mllp.h"
#include "app/serve_mqtt.h"
#include "base/str.h"
#include "search/registry.h"
#include "server/mllp/dead_letter.h"
#include "server/mllp/hl7_ingest.h"
#include "server/rest/fhir_api.h"

namespace vigil::app {
namespace {

struct DeadLetterArgs {
  std::string data;
  std::string id;
  std::string source = "hl7v2";  // or "mqtt"
};

std::string DataDir(const DeadLetterArgs& args) {
  return args.data.empty() ? DefaultDataDir() : args.data;
}

bool IsMqtt(const DeadLetterArgs& args) { return args.source == "mqtt"; }

mllp::DeadLetterStore Letters(const DeadLetterArgs& args) {
  if (IsMqtt(args)) return mllp::DeadLetterStore(MqttDeadLetterDir(DataDir(args)), kMqttPayloadExt);
  return mllp::DeadLetterStore(Hl7DeadLetterDir(DataDir(args)));
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "vigil ingest dead-letter: %s\n", std::string(Message(status)).c_str());
  return 1;
}

int List(const DeadLetterArgs& args) {
  mllp::DeadLetterStore letters = Letters(args);
  absl::StatusOr<std::vector<mllp::DeadLetter>> list = letters.List();
  if (!list.ok()) return Fail(list.status());
  for (const mllp::DeadLetter& l : *list) {
    std::printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.id.c_str(),
                l.ack_code.empty() ? "-" : l.ack_code.c_str(),
                l.message_type.empty() ? "-" : l.message_type.c_str(),
                l.control_id.empty() ? "-" : l.control_id.c_str(), l.received_at.c_str(),
                l.peer.c_str(), l.reason.c_str());
  }
  if (list->empty()) std::fprintf(stderr, "no dead letters in %s\n", letters.dir().c_str());
  return 0;
}

int Show(const DeadLetterArgs& args) {
  mllp::DeadLetterStore letters = Letters(args);
  absl::StatusOr<mllp::DeadLetter> letter = letters.Read(args.id);
  if (!letter.ok()) return Fail(letter.status());
  absl::StatusOr<std::string> message = letters.ReadMessage(args.id);
  if (!message.ok()) return Fail(message.status());
  std::string text = *message;
  for (char& c : text) {
    if (c == '\r' && !IsMqtt(args)) c = '\n';
  }
  std::printf("%s\n%s\n", mllp::DeadLetterStore::ToJson(*letter).c_str(), text.c_str());
  return 0;
}

// --source mqtt: the reading through ReadingIngest, as `vigil serve` runs it.
int ReplayMqtt(const DeadLetterArgs& args) {
  std::string dir = DataDir(args);
  mllp::DeadLetterStore letters = Letters(args);
  absl::StatusOr<mllp::DeadLetter> letter = letters.Read(args.id);
  if (!letter.ok()) return Fail(letter.status());
  absl::StatusOr<std::string> payload = letters.ReadMessage(args.id);
  if (!payload.ok()) return Fail(payload.status());
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenDataDir(dir);
  if (!store.ok()) return Fail(store.status());
  server::FhirApi api(**store, search::Registry::Default(), server::FhirApiOptions{});
  mqtt::ReadingIngestOptions options = MqttReadingOptions(api, /*authenticated=*/false, nullptr);
  options.log_prefix = "vigil ingest dead-letter replay";
  mqtt::ReadingIngest ingest(**store, search::Registry::Default(), options);
  mqtt::ReceivedMessage message;
  message.topic = letter->peer;
  message.topic_device = letter->control_id;
  message.payload = *payload;
  mqtt::IngestResult result = ingest.Process(message);
  if (result.outcome == mqtt::Outcome::kRejected) {
    std::fprintf(stderr, "vigil ingest dead-letter: %s failed again (kept): %s\n",
                 args.id.c_str(), result.reason.c_str());
    return 1;
  }
  if (absl::Status removed = letters.Remove(args.id); !removed.ok()) return Fail(removed);
  std::printf("%s: %s; removed from %s\n", args.id.c_str(),
              result.outcome == mqtt::Outcome::kDuplicate ? "already stored, not applied again"
                                                          : "stored",
              letters.dir().c_str());
  return 0;
}

int Replay(const DeadLetterArgs& args) {
  if (IsMqtt(args)) return ReplayMqtt(args);
  std::string dir = DataDir(args);
  mllp::DeadLetterStore letters(Hl7DeadLetterDir(dir));
  absl::StatusOr<std::string> message = letters.ReadMessage(args.id);
  if (!message.ok()) return Fail(message.status());
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenDataDir(dir);
  if (!store.ok()) return Fail(store.status());
  server::FhirApi api(**store, search::Registry::Default(), server::FhirApiOptions{});
  mllp::IngestOptions options = Hl7IngestOptions(/*authenticated=*/false, nullptr);
  options.log_prefix = "vigil ingest dead-letter replay";
  mllp::Hl7Ingest ingest(api, **store, options);
  mllp::IngestResult result = ingest.Process(*message, "replay");
  if (result.code != hl7v2::AckCode::kAccept) {
    std::fprintf(stderr, "vigil ingest dead-letter: %s failed again (kept): %s\n",
                 args.id.c_str(), result.reason.c_str());
    return 1;
  }
  if (absl::Status removed = letters.Remove(args.id); !removed.ok()) return Fail(removed);
  std::printf("%s: AA (%s); removed from %s\n", args.id.c_str(),
              result.duplicate ? "already stored, not applied again" : "applied",
              letters.dir().c_str());
  return 0;
}

}  // namespace

void RegisterIngest(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DeadLetterArgs>();
  CLI::App* ingest = app.add_subcommand("ingest", "Ingestion housekeeping");
  ingest->require_subcommand(1);
  CLI::App* dead = ingest->add_subcommand(
      "dead-letter",
      "messages vigil serve did not store: HL7 v2 over MLLP (DATA/dead-letter/hl7v2) or, with "
      "--source mqtt, device readings (DATA/dead-letter/mqtt)");
  dead->require_subcommand(1);
  dead->add_option("--data", args->data, "data folder (default: as for vigil serve)");
  CLI::App* list = dead->add_subcommand("list", "one line per kept message, oldest first");
  CLI::App* show = dead->add_subcommand("show", "a kept message and why it was not accepted");
  show->add_option("id", args->id, "dead letter id (from list)")->required();
  CLI::App* replay = dead->add_subcommand(
      "replay", "run a kept message into the store again; removed from the folder on AA");
  replay->add_option("id", args->id, "dead letter id (from list)")->required();
  for (CLI::App* sub : {dead, list, show, replay}) {
    if (sub != dead) sub->add_option("--data", args->data, "data folder (default: as for vigil serve)");
    sub->add_option("--source", args->source, "hl7v2 (MLLP, the default) or mqtt (device readings)")
        ->check(CLI::IsMember({"hl7v2", "mqtt"}));
  }
  list->callback([args, &exit_code] { exit_code = List(*args); });
  show->callback([args, &exit_code] { exit_code = Show(*args); });
  replay->callback([args, &exit_code] { exit_code = Replay(*args); });
}

}  // namespace vigil::app
