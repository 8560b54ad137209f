// `vigil audit verify|show [--data DIR]`: checks the tamper-evident audit log
// (docs/formats/audit_log.md) and prints its latest AuditEvents.
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>

#include "app/commands.h"
#include "app/data_dir.h"
#include "app/serve_audit.h"
#include "audit/head_file.h"
#include "audit/log_reader.h"
#include "audit/signing_key.h"
#include "audit/verify.h"
#include "base/str.h"

namespace vigil::app {
namespace {

struct AuditArgs {
  std::string data;
  std::string public_key;  // default: DATA/audit/audit_key.pub.pem
  size_t limit = 20;
};

std::string DirOf(const AuditArgs& args) {
  return AuditDir(args.data.empty() ? DefaultDataDir() : args.data);
}

int Verify(const AuditArgs& args) {
  std::string dir = DirOf(args);
  std::string key_path = args.public_key.empty()
                             ? (std::filesystem::path(dir) / audit::kPublicKeyFile).string()
                             : args.public_key;
  absl::StatusOr<audit::VerifyKey> key = audit::VerifyKey::Load(key_path);
  if (!key.ok()) {
    std::fprintf(stderr, "vigil audit verify: %s\n", std::string(Message(key.status())).c_str());
    return 1;
  }
  absl::StatusOr<audit::VerifyReport> r = audit::VerifyLog(dir, *key);
  if (!r.ok()) {
    std::fprintf(stderr, "vigil audit verify: %s\n", std::string(Message(r.status())).c_str());
    return 1;
  }
  if (!r->intact) {
    std::printf("BROKEN: record %llu at offset %llu: %s\n",
                static_cast<unsigned long long>(r->broken_index),
                static_cast<unsigned long long>(r->broken_offset), r->problem.c_str());
    std::printf("(%llu records before it verified)\n", static_cast<unsigned long long>(r->records));
    return 1;
  }
  std::printf("OK: %llu records (%llu events, %llu signed checkpoints); key %s\n",
              static_cast<unsigned long long>(r->records),
              static_cast<unsigned long long>(r->events),
              static_cast<unsigned long long>(r->checkpoints), key->Fingerprint().c_str());
  if (r->unsealed > 0) {
    std::printf(
        "note: the last %llu events follow the last checkpoint (the server did not stop "
        "cleanly, or is running): the chain covers them, no signature does yet\n",
        static_cast<unsigned long long>(r->unsealed));
  }
  return 0;
}

int Show(const AuditArgs& args) {
  std::string path = (std::filesystem::path(DirOf(args)) / audit::kLogFile).string();
  std::string problem;
  std::FILE* f = audit::OpenLog(path, &problem);
  if (f == nullptr) {
    std::fprintf(stderr, "vigil audit show: %s\n", problem.c_str());
    return 1;
  }
  audit::LogReader reader(f);
  audit::LogRecord rec;
  std::deque<std::string> last;
  while (reader.Next(&rec) == audit::ReadResult::kRecord) {
    if (rec.type != audit::RecordType::kEvent) continue;
    last.push_back(std::move(rec.payload));
    if (last.size() > args.limit) last.pop_front();
  }
  std::fclose(f);
  for (const std::string& event : last) std::printf("%s\n", event.c_str());
  return 0;
}

}  // namespace

void RegisterAudit(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AuditArgs>();
  CLI::App* cmd = app.add_subcommand("audit", "Check or print the tamper-evident audit log");
  cmd->require_subcommand(1);
  CLI::App* verify = cmd->add_subcommand(
      "verify", "Check the hash chain and checkpoint signatures; exit 0 only if intact");
  verify->add_option("--data", args->data,
                     "data folder (default: $VIGIL_DATA or ~/.local/share/vigil)");
  verify->add_option(
      "--public-key", args->public_key,
      "Ed25519 public key (PEM) to check against (default: DATA/audit/audit_key.pub.pem)");
  verify->callback([args, &exit_code] { exit_code = Verify(*args); });
  CLI::App* show =
      cmd->add_subcommand("show", "Print the last AuditEvents as NDJSON (not verified)");
  show->add_option("--data", args->data,
                   "data folder (default: $VIGIL_DATA or ~/.local/share/vigil)");
  show->add_option("--limit", args->limit, "how many events (default 20)");
  show->callback([args, &exit_code] { exit_code = Show(*args); });
}

}  // namespace vigil::app
