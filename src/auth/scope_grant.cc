#include "auth/scope_grant.h"

#include <vector>

namespace vigil::auth {
namespace {

constexpr std::string_view kPermissionLetters = "cruds";

std::string_view ContextName(ScopeContext context) {
  if (context == ScopeContext::kPatient) return "patient";
  if (context == ScopeContext::kUser) return "user";
  return "system";
}

// The scope tokens of a space-separated list, at most kMaxScopes.
std::vector<std::string_view> Tokens(std::string_view list) {
  std::vector<std::string_view> out;
  for (size_t start = 0; start < list.size() && out.size() < kMaxScopes;) {
    size_t space = std::min(list.find(' ', start), list.size());
    if (space > start) out.push_back(list.substr(start, space - start));
    start = space + 1;
  }
  return out;
}

// What requested and registered both allow; nullopt when they do not meet.
std::optional<ResourceScope> Meet(const ResourceScope& requested, const ResourceScope& registered) {
  if (requested.context != registered.context) return std::nullopt;
  bool type_ok = requested.resource_type == registered.resource_type ||
                 requested.resource_type == "*" || registered.resource_type == "*";
  if (!type_ok) return std::nullopt;
  if (!requested.restriction.empty() && !registered.restriction.empty() &&
      requested.restriction != registered.restriction) {
    return std::nullopt;
  }
  ResourceScope out;
  out.context = requested.context;
  out.resource_type =
      requested.resource_type == "*" ? registered.resource_type : requested.resource_type;
  out.permissions = requested.permissions & registered.permissions;
  out.restriction = requested.restriction.empty() ? registered.restriction : requested.restriction;
  if (out.permissions == 0) return std::nullopt;
  return out;
}

// Adds scope to granted, merging its permissions into a grant of the same
// context, type and restriction.
void Merge(ResourceScope scope, std::vector<ResourceScope>* granted) {
  for (ResourceScope& g : *granted) {
    if (g.context == scope.context && g.resource_type == scope.resource_type &&
        g.restriction == scope.restriction) {
      g.permissions |= scope.permissions;
      return;
    }
  }
  granted->push_back(std::move(scope));
}

void Append(std::string_view scope, std::string* out) {
  for (std::string_view have : Tokens(*out)) {
    if (have == scope) return;
  }
  if (!out->empty()) out->push_back(' ');
  out->append(scope);
}

}  // namespace

std::string ScopeText(const ResourceScope& scope) {
  std::string out(ContextName(scope.context));
  out += "/" + scope.resource_type + ".";
  for (size_t i = 0; i < kPermissionLetters.size(); ++i) {
    if (scope.permissions & (1u << i)) out.push_back(kPermissionLetters[i]);
  }
  for (size_t i = 0; i < scope.restriction.size(); ++i) {
    out += (i == 0 ? "?" : "&") + scope.restriction[i].first + "=" + scope.restriction[i].second;
  }
  return out;
}

std::string GrantScopes(std::string_view requested, std::string_view registered) {
  Scopes allowed = ParseScopes(registered);
  std::vector<ResourceScope> granted;
  std::string roles;
  for (std::string_view token : Tokens(requested)) {
    if (uint8_t role = ParseScopes(token).roles; role != 0) {
      if ((allowed.roles & role) == role) Append(token, &roles);
      continue;
    }
    std::optional<ResourceScope> asked = ParseResourceScope(token);
    if (!asked) continue;
    for (const ResourceScope& reg : allowed.resources) {
      if (std::optional<ResourceScope> met = Meet(*asked, reg)) Merge(*std::move(met), &granted);
    }
  }
  std::string out;
  for (const ResourceScope& g : granted) Append(ScopeText(g), &out);
  for (std::string_view role : Tokens(roles)) Append(role, &out);
  return out;
}

}  // namespace vigil::auth
