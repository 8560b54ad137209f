#include "subscriptions/criteria.h"

#include "base/status.h"
#include "base/str.h"
#include "server/http/url.h"

namespace vigil::subscriptions {
namespace {

absl::StatusOr<search::ParsedSearch> Parse(const search::Registry& registry, const Criteria& criteria,
                                           int64_t now_ms) {
  search::SearchOptions options;
  options.strict = true;  // an unknown parameter must not silently match everything
  options.now_ms = now_ms;
  return search::ParseSearch(registry, criteria.type, criteria.params, options);
}

}  // namespace

absl::StatusOr<Criteria> ParseCriteria(const search::Registry& registry, std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("criteria is empty");
  const size_t q = text.find('?');
  const std::string_view path = text.substr(0, q);
  if (path.starts_with('/') || path.find("://") != std::string_view::npos) {
    return absl::InvalidArgumentError(
        StrCat("criteria '", text, "' must be a search URL relative to the base, like Observation?code=..."));
  }
  Criteria criteria;
  criteria.type = std::string(path);
  if (q != std::string_view::npos) criteria.params = server::ParseQueryString(text.substr(q + 1));
  absl::StatusOr<search::ParsedSearch> parsed = Parse(registry, criteria, 0);
  if (!parsed.ok()) return absl::InvalidArgumentError(StrCat("criteria: ", Message(parsed.status())));
  return criteria;
}

absl::StatusOr<bool> MatchesCriteria(store::Reader& reader, const search::Registry& registry,
                                     const Criteria& criteria, std::string_view id, int64_t now_ms) {
  Criteria one = criteria;
  one.params.emplace_back("_id", std::string(id));
  VIGIL_ASSIGN_OR_RETURN(search::ParsedSearch parsed, Parse(registry, one, now_ms));
  parsed.query.offset = 0;
  parsed.query.count = 1;  // also undoes _count=0 and _summary=count
  parsed.query.total = store::TotalMode::kNone;
  VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(parsed.query));
  return !page.resources.empty();
}

}  // namespace vigil::subscriptions
