#include "app/serve_audit.h"

#include <filesystem>

#include "audit/log_writer.h"
#include "audit/signing_key.h"
#include "base/status.h"
#include "base/time.h"

namespace vigil::app {

std::string AuditDir(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "audit").string();
}

absl::StatusOr<std::unique_ptr<audit::AuditTrail>> OpenAuditTrail(const std::string& data_dir) {
  std::string dir = AuditDir(data_dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  VIGIL_ASSIGN_OR_RETURN(audit::SigningKey key, audit::SigningKey::LoadOrCreate(dir));
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<audit::LogWriter> writer,
                         audit::LogWriter::Open(dir, std::move(key), NowMs));
  return std::make_unique<audit::AuditTrail>(std::move(writer), audit::TrailOptions());
}

std::function<void(const audit::AuditFacts&)> AuditHook(audit::AuditTrail* trail,
                                                        std::string base_url) {
  return [trail, base_url = std::move(base_url)](const audit::AuditFacts& facts) {
    trail->Record(audit::AuditEventJson(facts, base_url));
  };
}

}  // namespace vigil::app
