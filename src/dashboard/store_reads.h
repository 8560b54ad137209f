// Reading the store the way a FHIR client would, for the dashboard's JSON:
// a search given as (name, value) pairs, planned by search::ParseSearch and run
// on a store::Reader, its matches parsed.
//
//   VIGIL_ASSIGN_OR_RETURN(std::vector<fhir::Json> flags,
//                          SearchAll(reader, registry, "Flag", {{"patient", "Patient/p1"}}, 100));
//
// Errors: InvalidArgument for a search the registry cannot plan (the message
// names the parameter), the store's own errors, and DataLoss for stored JSON that
// does not parse.
//
// Thread-safety: functions of their arguments; the reader is used from the
// calling thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "search/parse.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::dashboard {

// Calls fn with each match in the search's sort order, at most `limit` of them,
// reading a page at a time (memory stays bounded); the number of matches seen,
// which is limit + 1 when there were more. An error from fn stops the search.
absl::StatusOr<size_t> ForEachMatch(store::Reader& reader, const search::Registry& registry, std::string_view type,
                                    search::SearchParams params, size_t limit,
                                    const std::function<absl::Status(const fhir::Json&)>& fn);

// Every match in the search's sort order, at most `limit` of them (read in pages).
absl::StatusOr<std::vector<fhir::Json>> SearchAll(store::Reader& reader, const search::Registry& registry,
                                                  std::string_view type, search::SearchParams params,
                                                  size_t limit);

// The first match (add a _sort to say which), or nullopt.
absl::StatusOr<std::optional<fhir::Json>> SearchFirst(store::Reader& reader, const search::Registry& registry,
                                                      std::string_view type, search::SearchParams params);

// The number of matches, as GET [type]?[params]&_summary=count reports it.
absl::StatusOr<int64_t> CountMatches(store::Reader& reader, const search::Registry& registry,
                                     std::string_view type, search::SearchParams params);

// The current version of type/id, or nullopt when it was never written or is deleted.
absl::StatusOr<std::optional<fhir::Json>> ReadCurrent(store::Reader& reader, std::string_view type,
                                                      std::string_view id);

}  // namespace vigil::dashboard
