#include "auth/authorizer.h"

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

bool PatientContextSupports(Interaction interaction) {
  return interaction == Interaction::kRead || interaction == Interaction::kVRead ||
         interaction == Interaction::kHistoryInstance || interaction == Interaction::kSearch;
}

bool Grants(const ResourceScope& scope, uint8_t needed, std::string_view type) {
  if (!scope.restriction.empty()) return false;  // granular: not enforced yet, grants nothing
  if (scope.resource_type != "*" && scope.resource_type != type) return false;
  return (scope.permissions & needed) == needed;
}

}  // namespace

std::string_view InteractionName(Interaction interaction) {
  return kNames[static_cast<size_t>(interaction)];
}

absl::Status AuthorizeBundle(const AccessToken& token) {
  for (const ResourceScope& scope : token.scopes.resources) {
    if (scope.context == ScopeContext::kPatient) {
      return absl::PermissionDeniedError(
          "transaction and batch Bundles are not supported yet for patient-context tokens");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Access> Authorize(const AccessToken& token, Interaction interaction,
                                 std::string_view type) {
  uint8_t needed = Needed(interaction);
  bool patient_grant = false;
  for (const ResourceScope& scope : token.scopes.resources) {
    if (!Grants(scope, needed, type)) continue;
    if (scope.context != ScopeContext::kPatient) return Access{};
    patient_grant = true;
  }
  std::string what = StrCat(InteractionName(interaction), " on ", type);
  if (!patient_grant) {
    return absl::PermissionDeniedError(StrCat("the access token's scopes do not allow ", what));
  }
  if (token.claims.patient.empty()) {
    return absl::PermissionDeniedError(
        StrCat("patient scopes allow ", what, " only with a patient launch context"));
  }
  if (!PatientContextSupports(interaction)) {
    return absl::PermissionDeniedError(
        StrCat(what, " is not supported yet for patient-context tokens"));
  }
  Access access;
  access.patient = token.claims.patient;
  return access;
}

}  // namespace vigil::auth
