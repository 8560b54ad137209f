// Runs FHIR searches against a store and writes the searchset Bundle: the plan
// comes from search::ParseSearch, matches from store::Reader::Search, then
// _include/_revinclude, paging links, _summary/_elements and the lenient-mode
// OperationOutcome entry.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "search/parse.h"
#include "search/registry.h"
#include "server/rest/request.h"
#include "store/store.h"

namespace vigil::server {

struct SearchSettings {
  std::string base_url;  // "http://127.0.0.1:8080/fhir": fullUrl and links
  size_t default_count = 50;
  size_t max_count = 1000;
  size_t max_included = 1000;  // _include/_revinclude results per page
};

struct SearchCall {
  std::string_view type;
  const Params* params = nullptr;
  bool strict = false;
  bool pretty = false;
  int64_t now_ms = 0;
  // Extra AND clauses (compartment searches).
  std::vector<store::Clause> extra_clauses;
  // Path under the base for links: "Observation" or "Patient/1/Observation".
  std::string link_path;
  // Authorization (access_filter.h), both empty when it is off:
  // runs on the parsed search before the store is asked and may rewrite it
  // (chain and _has hops confined); an error stops the search.
  std::function<absl::Status(search::ParsedSearch&)> confine;
  // Whether an _include/_revinclude result may be returned; the others are
  // dropped (and :iterate does not continue from them).
  std::function<bool(const store::StoredResource&)> admit_included;
};

// The searchset Bundle as JSON text. Errors: 400 for bad parameters (strict mode:
// unknown ones too), store failures.
absl::StatusOr<std::string> RunSearch(store::Reader& reader, const search::Registry& registry,
                                      const SearchSettings& settings, const SearchCall& call);

// What authorization adds to a conditional interaction's search
// (access_filter.h); empty when authentication is off.
struct SearchConfinement {
  std::vector<store::Clause> clauses;  // AND-ed into the search
  // Confines the inner searches of chain and _has hops; may be empty.
  std::function<absl::Status(search::ParsedSearch&)> hops;
};

// The current resources of type matching a conditional-interaction query string
// (decoded parameters, e.g. {"identifier", "http://x|123"}): parsed strictly, so that an unknown parameter is
// an error rather than a condition that matches everything. confine: only
// what the token may see can match. At most limit.
absl::StatusOr<std::vector<store::StoredResource>> FindConditional(
    store::Reader& reader, const search::Registry& registry, std::string_view type,
    const Params& params, int64_t now_ms, const SearchConfinement& confine = {},
    size_t limit = 2);

// Applies _summary (true, text, data) and _elements to one resource's JSON.
std::string ApplySummary(std::string_view resource_json, std::string_view summary,
                         const std::vector<std::string>& elements);

}  // namespace vigil::server
