// Authorization: may this access token perform this FHIR interaction on this
// resource type, and if so, is it confined to one patient's compartment?
//
//   absl::StatusOr<Access> access = Authorize(token, Interaction::kSearch, "Observation");
//   if (access.ok() && access->patient) ...  // add the compartment restriction
//
// The permission each interaction needs (SMART App Launch 2, "Scopes for
// requesting FHIR Resources"):
//   r  read, vread, instance history
//   s  search (type and compartment), type history, system history
//   c  create;  u  update, patch;  d  delete
//   operations ($everything, $export): r and s on the type ("*" for the server)
// Callers of conditional interactions (If-None-Exist create, conditional
// update/delete) also ask for s on the type.
//
// A scope grants when its type is the request's type or "*" and it has the
// permission. Then:
//   - a user/ or system/ scope grants unrestricted access;
//   - otherwise a patient/ scope grants access restricted to the token's
//     "patient" claim (Access::patient); without that claim it grants nothing;
//   - granular scopes ("patient/Observation.rs?category=...") grant nothing yet:
//     they are parsed but not enforced, so they can only narrow access;
//   - patient-restricted access supports read, vread, instance history and
//     search only in this version; writes, type and system history and
//     operations are refused for patient-context tokens (PermissionDenied)
//     rather than risk data of other patients.
// Role scopes (vigil/...) never grant FHIR access.
//
// Errors: PermissionDenied (HTTP 403), with a reason fit for the client.
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "auth/token_verifier.h"

namespace vigil::auth {

enum class Interaction : uint8_t {
  kRead,
  kVRead,
  kHistoryInstance,
  kHistoryType,
  kHistorySystem,
  kSearch,
  kCreate,
  kUpdate,
  kPatch,
  kDelete,
  kOperation,
};

std::string_view InteractionName(Interaction interaction);

struct Access {
  // Set when the access is confined to Patient/<id>'s compartment.
  std::optional<std::string> patient;
};

// Transaction and batch Bundles: refused (PermissionDenied) for tokens with
// any patient/ scope, whose entries (conditional references, ifNoneExist)
// cannot be confined yet; other tokens pass, and the server authorizes each
// entry as its own interaction.
absl::Status AuthorizeBundle(const AccessToken& token);

// type: a resource type, or "*" for the whole server (system history,
// server-level operations), which only a "*" scope grants.
absl::StatusOr<Access> Authorize(const AccessToken& token, Interaction interaction,
                                 std::string_view type);

}  // namespace vigil::auth
