#include "auth/scopes.h"

#include "fhir/model.h"

namespace vigil::auth {
namespace {

constexpr std::string_view kPermissionLetters = "cruds";

std::optional<ScopeContext> ParseContext(std::string_view text) {
  if (text == "patient") return ScopeContext::kPatient;
  if (text == "user") return ScopeContext::kUser;
  if (text == "system") return ScopeContext::kSystem;
  return std::nullopt;
}

bool IsConcreteResourceType(std::string_view name) {
  const fhir::TypeInfo* type = fhir::FindType(name);
  return type != nullptr && type->kind == fhir::TypeKind::kResource && !type->is_abstract;
}

// "rs" -> kRead|kSearch; 0 when not letters of "cruds" in order, each once.
uint8_t ParseV2Permissions(std::string_view text) {
  uint8_t bits = 0;
  size_t next = 0;  // letters must come in kPermissionLetters order
  for (char c : text) {
    size_t at = kPermissionLetters.find(c, next);
    if (at == std::string_view::npos) return 0;
    bits |= static_cast<uint8_t>(1u << at);
    next = at + 1;
  }
  return bits;
}

uint8_t ParseV1Permissions(std::string_view text) {
  if (text == "read") return kRead | kSearch;
  if (text == "write") return kCreate | kUpdate | kDelete;
  if (text == "*") return kCreate | kRead | kUpdate | kDelete | kSearch;
  return 0;
}

// "category=x&code=y" -> pairs; false when a part has no name or no '='.
bool ParseRestriction(std::string_view text,
                      std::vector<std::pair<std::string, std::string>>* out) {
  if (text.empty()) return false;
  for (size_t start = 0; start <= text.size();) {
    size_t amp = std::min(text.find('&', start), text.size());
    std::string_view part = text.substr(start, amp - start);
    size_t eq = part.find('=');
    if (eq == 0 || eq == std::string_view::npos || eq + 1 == part.size()) return false;
    out->emplace_back(std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)));
    start = amp + 1;
  }
  return true;
}

std::optional<Role> ParseRole(std::string_view scope) {
  if (scope == "vigil/analytics.read") return kAnalyticsRead;
  if (scope == "vigil/models.write") return kModelsWrite;
  if (scope == "vigil/audit.read") return kAuditRead;
  if (scope == "vigil/admin") return kAdmin;
  return std::nullopt;
}

}  // namespace

std::optional<ResourceScope> ParseResourceScope(std::string_view scope) {
  size_t slash = scope.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::optional<ScopeContext> context = ParseContext(scope.substr(0, slash));
  if (!context) return std::nullopt;
  std::string_view rest = scope.substr(slash + 1);
  size_t query = std::min(rest.find('?'), rest.size());
  std::string_view head = rest.substr(0, query);
  size_t dot = head.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  ResourceScope out;
  out.context = *context;
  out.resource_type = std::string(head.substr(0, dot));
  if (out.resource_type != "*" && !IsConcreteResourceType(out.resource_type)) return std::nullopt;
  std::string_view permissions = head.substr(dot + 1);
  out.permissions = ParseV1Permissions(permissions);
  bool v1 = out.permissions != 0;
  if (!v1) out.permissions = ParseV2Permissions(permissions);
  if (out.permissions == 0) return std::nullopt;
  if (query < rest.size()) {
    if (v1 || !ParseRestriction(rest.substr(query + 1), &out.restriction)) return std::nullopt;
  }
  return out;
}

Scopes ParseScopes(std::string_view scope_claim) {
  Scopes out;
  size_t seen = 0;
  for (size_t start = 0; start < scope_claim.size() && seen < kMaxScopes;) {
    size_t space = std::min(scope_claim.find(' ', start), scope_claim.size());
    std::string_view scope = scope_claim.substr(start, space - start);
    start = space + 1;
    if (scope.empty()) continue;
    ++seen;
    if (std::optional<Role> role = ParseRole(scope)) {
      out.roles |= *role;
    } else if (std::optional<ResourceScope> resource = ParseResourceScope(scope)) {
      out.resources.push_back(*std::move(resource));
    }
  }
  return out;
}

}  // namespace vigil::auth
