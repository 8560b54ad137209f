// SMART on FHIR scopes (App Launch 2.x, "Scopes and Launch Context") parsed
// from a token's space-separated "scope" claim, plus Vigil's own role scopes.
//
//   Scopes scopes = ParseScopes("launch/patient patient/Observation.rs openid vigil/audit.read");
//   scopes.resources[0].context == ScopeContext::kPatient
//
// Resource scopes:
//   v2: (patient|user|system)/(Type|*).<cruds>[?param=value&...]
//       permissions are letters of "cruds" in that order, each at most once
//       (c create, r read, u update, d delete, s search); a granular
//       restriction ("?category=...") keeps its raw name=value pairs.
//   v1: (patient|user|system)/(Type|*).(read|write|*)
//       read = rs, write = cud, * = cruds (the mapping of App Launch 2 §
//       "Scopes for requesting FHIR Resources", SMART v1 compatibility).
// Vigil role scopes (not FHIR data access; they grant Vigil's own APIs as
// those appear, never resource access):
//   vigil/analytics.read   read analytics results (SQL-on-FHIR views, features)
//   vigil/models.write     register, activate and retire models
//   vigil/audit.read       read the audit log
//   vigil/admin            administrative operations (imports, configuration)
//
// Everything else (openid, fhirUser, launch, launch/patient, offline_access,
// other servers' scopes) is ignored, as SMART asks. A malformed scope (unknown
// resource type, permissions out of order, "patient/Observation.rw", a v1
// scope with a "?") is ignored too: it can only ever grant less.
//
// Thread-safety: pure functions; results are values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::auth {

enum class ScopeContext : uint8_t { kPatient, kUser, kSystem };

// Bits of ResourceScope::permissions.
enum Permission : uint8_t {
  kCreate = 1,
  kRead = 2,
  kUpdate = 4,
  kDelete = 8,
  kSearch = 16,
};

struct ResourceScope {
  ScopeContext context = ScopeContext::kPatient;
  std::string resource_type;  // "Observation", or "*" for every type
  uint8_t permissions = 0;    // Permission bits, never 0
  // Granular (v2) restriction: the search parameters after "?", raw.
  std::vector<std::pair<std::string, std::string>> restriction;
  friend bool operator==(const ResourceScope&, const ResourceScope&) = default;
};

enum Role : uint8_t {
  kAnalyticsRead = 1,  // vigil/analytics.read
  kModelsWrite = 2,    // vigil/models.write
  kAuditRead = 4,      // vigil/audit.read
  kAdmin = 8,          // vigil/admin
};

struct Scopes {
  std::vector<ResourceScope> resources;
  uint8_t roles = 0;  // Role bits
  bool HasRole(Role role) const { return (roles & role) != 0; }
};

// A scope claim's value. At most kMaxScopes scopes are read; the rest ignored.
inline constexpr size_t kMaxScopes = 256;
Scopes ParseScopes(std::string_view scope_claim);

// One resource scope; nullopt when it is not one (or is malformed).
std::optional<ResourceScope> ParseResourceScope(std::string_view scope);

}  // namespace vigil::auth
