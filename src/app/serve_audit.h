// `vigil serve`'s audit trail: DATA/audit/ opened (key created on first start,
// an existing log verified), and the FhirApi hook that records every request.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "audit/audit_event.h"
#include "audit/trail.h"

namespace vigil::app {

// DATA/audit
std::string AuditDir(const std::string& data_dir);

// Opens the trail in AuditDir(data_dir). Errors: a log that does not verify
// (FailedPrecondition), key or I/O problems.
absl::StatusOr<std::unique_ptr<audit::AuditTrail>> OpenAuditTrail(const std::string& data_dir);

// The FhirApiOptions::audit hook: serializes the facts (source.site = base_url)
// and records them on trail, which must outlive every request.
std::function<void(const audit::AuditFacts&)> AuditHook(audit::AuditTrail* trail,
                                                        std::string base_url);

}  // namespace vigil::app
