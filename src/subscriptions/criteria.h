// Subscription.criteria: an R4 search URL relative to the base
// ("Observation?code=http://loinc.org|8867-4&subject=Patient/123") checked with
// the server's own search parser, and the match of one resource against it.
//
//   VIGIL_ASSIGN_OR_RETURN(Criteria c, ParseCriteria(registry, "Observation?code=1234-5"));
//   VIGIL_ASSIGN_OR_RETURN(bool hit, MatchesCriteria(store, registry, c, "obs-1", NowMs()));
//
// Matching runs the criteria search through the store, restricted to the one
// resource (an extra `_id=<id>` clause), so every search parameter, modifier
// and chain the server supports works in criteria, with the same meaning as
// in GET [base]/Observation?... . Result parameters (_count, _sort, _include,
// _summary, ...) are accepted and have no effect on matching.
//
// Errors: ParseCriteria returns InvalidArgument with a reason fit for
// Subscription.error (not a search URL, unknown resource type, unknown or
// malformed search parameter: the search is parsed strictly).
// MatchesCriteria returns the store's errors.
//
// Thread-safety: pure functions; a Criteria is a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "search/parse.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::subscriptions {

struct Criteria {
  std::string type;              // "Observation"
  search::SearchParams params;   // percent-decoded, in URL order
};

absl::StatusOr<Criteria> ParseCriteria(const search::Registry& registry, std::string_view text);

// Whether the current version of criteria.type/id matches criteria. now_ms is
// the time for the date `ap` prefix.
absl::StatusOr<bool> MatchesCriteria(store::Reader& reader, const search::Registry& registry,
                                     const Criteria& criteria, std::string_view id, int64_t now_ms);

}  // namespace vigil::subscriptions
