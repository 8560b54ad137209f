// Authorization: may this access token perform this FHIR interaction on this
// resource type, and if so, within what: one patient's compartment, granular
// (SMART v2) restrictions, or nothing at all?
//
//   absl::StatusOr<Access> access = Authorize(token, Interaction::kSearch, "Observation", check);
//   if (access.ok() && !access->unrestricted()) ...  // confine (server/rest/access_filter.h)
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
// permission. Then, among the scopes that grant:
//   - a user/ or system/ scope without a restriction grants unrestricted
//     access (it wins over every other scope of the token);
//   - otherwise, user/ and system/ scopes with a restriction grant access
//     restricted to resources matching one of their restrictions (OR);
//     patient/ scopes of the same token are then not used (this can only
//     narrow what the token sees, never widen it);
//   - otherwise patient/ scopes grant access confined to the token's
//     "patient" claim (Access::patient), restricted like above unless one of
//     them has no restriction; without that claim they grant nothing.
// Granular restrictions ("patient/Observation.rs?category=vital-signs"; its
// name=value pairs all have to match, AND) count only where the caller's
// `enforceable` check says the server can evaluate them on the type; without
// a check, and always for type "*", a restricted scope grants nothing. A
// patient/ scope therefore always needs the patient claim, and a restricted
// scope never grants a whole-server interaction.
// Role scopes (vigil/...) never grant FHIR access.
//
// What the grant means on each REST path (reads, searches, includes, chains,
// history, Bundles, writes, $everything, $export) is decided in one place,
// server/rest/access_filter.h, and documented in docs/authorization.md.
//
// Errors: PermissionDenied (HTTP 403), with a reason fit for the client.
// Thread-safety: pure function (the check must be callable from the caller's
// thread).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// A granular scope's restriction: raw name=value pairs, all of which a
// resource has to match (ResourceScope::restriction).
using Restriction = std::vector<std::pair<std::string, std::string>>;

// Whether the server can evaluate restriction on resources of type.
using RestrictionCheck =
    std::function<bool(std::string_view type, const Restriction& restriction)>;

struct Access {
  // Set when the access is confined to Patient/<id>'s compartment.
  std::optional<std::string> patient;
  // A resource must match one of these (OR); empty: no granular restriction.
  std::vector<Restriction> restrictions;

  bool unrestricted() const { return !patient && restrictions.empty(); }
};

// type: a resource type, or "*" for the whole server (system history,
// server-level operations), which only a "*" scope grants.
absl::StatusOr<Access> Authorize(const AccessToken& token, Interaction interaction,
                                 std::string_view type, const RestrictionCheck& enforceable = {});

}  // namespace vigil::auth
