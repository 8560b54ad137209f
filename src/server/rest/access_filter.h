// What one request's access token may see and write: the one place where a
// SMART authorization (auth/authorizer.h: the patient compartment of the
// token's "patient" claim, granular scope restrictions) becomes search
// clauses and checks of single resources, for every REST path. The table of
// what each path does with it is in docs/authorization.md.
//
//   AccessFilter access(registry, request.token, /*enforced=*/true);
//   VIGIL_ASSIGN_OR_RETURN(TypeFilter obs, access.For(auth::Interaction::kSearch, "Observation"));
//   VIGIL_ASSIGN_OR_RETURN(Clauses extra, obs.SearchClauses());  // AND them into the search
//   if (!obs.Admits(version)) ...                                  // one resource version
//
// TypeFilter, one interaction's access to one resource type:
//   - unrestricted(): every resource of the type (a user/ or system/ scope
//     without restriction, or authentication off). Callers skip all checks.
//   - SearchClauses(): the AND clauses that confine a search of the type: the
//     patient compartment (patient_compartment.h), then the granular
//     restrictions OR-ed (scope_restriction.h). Restrictions OR into one
//     search when each is one clause on the same parameter with the same kind
//     (category=a, category=b); other combinations cannot be said as one
//     store query and are refused (403), as are types outside the Patient
//     compartment for a patient-context token.
//   - Admits(resource): the same test on one version's content, from its
//     index rows; a tombstone is never admitted.
//
// AccessFilter, the token's TypeFilters (cached) and the rules for paths that
// mix types:
//   - Sees(interaction, resource): For() allows the resource's type and the
//     TypeFilter admits it. _include/_revinclude results, system history
//     entries, $everything and $export content pass through it.
//   - ConfineHops(parsed search): the inner query of every chain and _has hop
//     gets the hop type's search clauses (For(kSearch, hop type)), at every
//     depth. A hop the token may not search is dropped from its clause (the OR
//     of a chain over several target types); a clause left with no hop is
//     refused with that hop's 403.
//
// Errors: HttpError 401 (login) when authentication is on and the request has
// no token; 403 (forbidden, with the reason) when the token does not allow it.
// Thread-safety: TypeFilter is an immutable value (it keeps a pointer to the
// registry, which must outlive it). AccessFilter caches TypeFilters: one
// thread at a time (one request, or one $export job).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "auth/authorizer.h"
#include "auth/token_verifier.h"
#include "fhir/json.h"
#include "search/parse.h"
#include "search/registry.h"
#include "server/rest/scope_restriction.h"
#include "store/store.h"

namespace vigil::server {

class TypeFilter {
 public:
  TypeFilter() = default;  // unrestricted
  // access's restrictions that cannot be compiled on type are dropped (the
  // authorizer's check keeps them out already).
  TypeFilter(const search::Registry& registry, std::string type, const auth::Access& access);

  bool unrestricted() const { return !patient_ && restrictions_.empty() && !nothing_; }
  const std::optional<std::string>& patient() const { return patient_; }

  absl::StatusOr<Clauses> SearchClauses() const;
  // REQUIRES: resource is of this filter's type.
  bool Admits(const store::StoredResource& resource) const;
  bool Admits(const fhir::Json& resource) const;

 private:
  const search::Registry* registry_ = nullptr;
  std::string type_;
  std::optional<std::string> patient_;
  std::vector<Clauses> restrictions_;  // OR; empty: none
  bool nothing_ = false;               // restricted, but no restriction compiled
};

class AccessFilter {
 public:
  // enforced: authentication is on (without it every filter is unrestricted).
  // token: the request's verified token; null means 401 when enforced.
  AccessFilter(const search::Registry& registry, std::shared_ptr<const auth::AccessToken> token,
               bool enforced);

  bool enforced() const { return enforced_; }
  const auth::AccessToken* token() const { return token_.get(); }

  absl::StatusOr<TypeFilter> For(auth::Interaction interaction, std::string_view type) const;
  bool Sees(auth::Interaction interaction, const store::StoredResource& resource) const;
  absl::Status ConfineHops(search::ParsedSearch& parsed) const;

 private:
  absl::Status ConfineClause(store::Clause& clause) const;
  absl::StatusOr<std::shared_ptr<const store::Query>> ConfineQuery(const store::Query& query) const;

  const search::Registry& registry_;
  std::shared_ptr<const auth::AccessToken> token_;
  bool enforced_;
  mutable std::map<std::pair<auth::Interaction, std::string>, absl::StatusOr<TypeFilter>> cache_;
};

// The content a pre-check looks at: the current version, or the last one
// before a delete; nullopt when type/id was never written.
absl::StatusOr<std::optional<store::StoredResource>> LastContent(store::Reader& reader,
                                                                 std::string_view type,
                                                                 std::string_view id);

// Whether one version of a history is visible: its content is admitted; a
// tombstone when the version before it is.
absl::StatusOr<bool> VersionVisible(store::Reader& reader, const TypeFilter& filter,
                                    const store::StoredResource& version);

// Reads: OK when type/id does not exist (the interaction answers its own 404)
// or its last content is admitted; 404 with not_found otherwise, so that a
// token cannot learn whether a resource it may not see exists.
absl::Status CheckVisible(store::Reader& reader, const TypeFilter& filter, std::string_view type,
                          std::string_view id, std::string_view not_found);

// Every entry resource of a Bundle (instance history) is admitted; 404 with
// not_found otherwise.
absl::Status CheckBundleVisible(const TypeFilter& filter, std::string_view bundle_json,
                                std::string_view not_found);

// Writes, before: OK when type/id does not exist or its last content is
// admitted; 403 otherwise.
absl::Status CheckWritable(store::Reader& reader, const TypeFilter& filter, std::string_view type,
                           std::string_view id);

// Writes, after: the version written (a tombstone passes) is admitted; 403
// otherwise (the caller's transaction then rolls back).
absl::Status CheckWritten(const TypeFilter& filter, const store::StoredResource& written);

}  // namespace vigil::server
