#include "dashboard/store_reads.h"

#include <algorithm>
#include <string>

#include "base/status.h"
#include "base/str.h"

namespace vigil::dashboard {
namespace {

constexpr size_t kPage = 1000;

absl::StatusOr<fhir::Json> Parse(const store::StoredResource& r) {
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(r.json);
  if (!json.ok()) {
    return absl::DataLossError(StrCat("stored ", r.type, "/", r.id, " is not JSON: ", Message(json.status())));
  }
  return json;
}

absl::StatusOr<store::Query> Plan(const search::Registry& registry, std::string_view type,
                                  search::SearchParams params) {
  search::SearchOptions options;
  options.strict = true;  // a typo in our own parameters must fail, not match everything
  options.max_count = kPage;
  VIGIL_ASSIGN_OR_RETURN(search::ParsedSearch parsed, search::ParseSearch(registry, type, params, options));
  return std::move(parsed.query);
}

}  // namespace

absl::StatusOr<size_t> ForEachMatch(store::Reader& reader, const search::Registry& registry, std::string_view type,
                                    search::SearchParams params, size_t limit,
                                    const std::function<absl::Status(const fhir::Json&)>& fn) {
  VIGIL_ASSIGN_OR_RETURN(store::Query query, Plan(registry, type, std::move(params)));
  query.total = store::TotalMode::kNone;
  size_t seen = 0;
  while (seen <= limit) {
    query.count = std::min(kPage, limit + 1 - seen);  // one more than the limit: were there more?
    VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(query));
    for (const store::StoredResource& r : page.resources) {
      if (++seen > limit) return seen;
      VIGIL_ASSIGN_OR_RETURN(fhir::Json json, Parse(r));
      VIGIL_RETURN_IF_ERROR(fn(json));
    }
    if (page.resources.size() < query.count) break;
    query.offset += page.resources.size();
  }
  return seen;
}

absl::StatusOr<std::vector<fhir::Json>> SearchAll(store::Reader& reader, const search::Registry& registry,
                                                  std::string_view type, search::SearchParams params,
                                                  size_t limit) {
  std::vector<fhir::Json> out;
  VIGIL_RETURN_IF_ERROR(ForEachMatch(reader, registry, type, std::move(params), limit, [&out](const fhir::Json& r) {
                          out.push_back(r);
                          return absl::OkStatus();
                        }).status());
  return out;
}

absl::StatusOr<std::optional<fhir::Json>> SearchFirst(store::Reader& reader, const search::Registry& registry,
                                                      std::string_view type, search::SearchParams params) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<fhir::Json> found, SearchAll(reader, registry, type, std::move(params), 1));
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

absl::StatusOr<int64_t> CountMatches(store::Reader& reader, const search::Registry& registry,
                                     std::string_view type, search::SearchParams params) {
  VIGIL_ASSIGN_OR_RETURN(store::Query query, Plan(registry, type, std::move(params)));
  query.count = 0;
  query.total = store::TotalMode::kAccurate;
  VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(query));
  return page.total.value_or(0);
}

absl::StatusOr<std::optional<fhir::Json>> ReadCurrent(store::Reader& reader, std::string_view type,
                                                      std::string_view id) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> stored, reader.Read(type, id));
  if (!stored || stored->deleted) return std::nullopt;
  VIGIL_ASSIGN_OR_RETURN(fhir::Json json, Parse(*stored));
  return json;
}

}  // namespace vigil::dashboard
