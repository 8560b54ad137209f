#include "auth/authorizer.h"

#include <algorithm>
#include <array>

#include "base/str.h"

namespace vigil::auth {
namespace {

constexpr std::array<std::string_view, 11> kNames = {
    "read",           "vread",       "history-instance", "history-type",
    "history-system", "search-type", "create",           "update",
    "patch",          "delete",      "operation"};

uint8_t Needed(Interaction interaction) {
  switch (interaction) {
    case Interaction::kRead:
    case Interaction::kVRead:
    case Interaction::kHistoryInstance: return kRead;
    case Interaction::kSearch:
    case Interaction::kHistoryType:
    case Interaction::kHistorySystem: return kSearch;
    case Interaction::kCreate: return kCreate;
    case Interaction::kUpdate:
    case Interaction::kPatch: return kUpdate;
    case Interaction::kDelete: return kDelete;
    case Interaction::kOperation: return kRead | kSearch;
  }
  return 0xFF;  // unreachable; no scope has every bit
}

bool Grants(const ResourceScope& scope, uint8_t needed, std::string_view type) {
  if (scope.resource_type != "*" && scope.resource_type != type) return false;
  return (scope.permissions & needed) == needed;
}

// The grants of one kind of context: unrestricted, or the OR of restrictions.
struct GrantSet {
  bool any = false;
  bool unrestricted = false;
  std::vector<Restriction> restrictions;

  void Add(const Restriction& restriction) {
    any = true;
    if (restriction.empty()) {
      unrestricted = true;
    } else if (std::find(restrictions.begin(), restrictions.end(), restriction) ==
               restrictions.end()) {
      restrictions.push_back(restriction);
    }
  }
  Access ToAccess() const {
    Access access;
    if (!unrestricted) access.restrictions = restrictions;
    return access;
  }
};

}  // namespace

std::string_view InteractionName(Interaction interaction) {
  return kNames[static_cast<size_t>(interaction)];
}

absl::StatusOr<Access> Authorize(const AccessToken& token, Interaction interaction,
                                 std::string_view type, const RestrictionCheck& enforceable) {
  uint8_t needed = Needed(interaction);
  GrantSet user, patient;
  bool unenforceable = false;  // a restricted scope would have granted
  for (const ResourceScope& scope : token.scopes.resources) {
    if (!Grants(scope, needed, type)) continue;
    if (!scope.restriction.empty() &&
        (type == "*" || !enforceable || !enforceable(type, scope.restriction))) {
      unenforceable = true;
      continue;
    }
    (scope.context == ScopeContext::kPatient ? patient : user).Add(scope.restriction);
  }
  if (user.any) return user.ToAccess();
  std::string what = StrCat(InteractionName(interaction), " on ", type);
  if (!patient.any) {
    return absl::PermissionDeniedError(StrCat(
        "the access token's scopes do not allow ", what,
        unenforceable ? " (a granular scope's restriction cannot be evaluated on this type)"
                      : ""));
  }
  if (token.claims.patient.empty()) {
    return absl::PermissionDeniedError(
        StrCat("patient scopes allow ", what, " only with a patient launch context"));
  }
  Access access = patient.ToAccess();
  access.patient = token.claims.patient;
  return access;
}

}  // namespace vigil::auth
