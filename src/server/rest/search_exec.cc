#include "server/rest/search_exec.h"

#include <set>

#include "base/status.h"
#include "base/str.h"
#include "fhir/model.h"
#include "server/http/url.h"
#include "server/rest/bundle_writer.h"
#include "server/rest/outcome.h"

namespace vigil::server {
namespace {

using Key = std::pair<std::string, std::string>;

std::string LinkUrl(const SearchSettings& settings, const SearchCall& call,
                    const search::ParsedSearch& parsed, size_t offset) {
  std::string url = StrCat(settings.base_url, "/", call.link_path, "?");
  for (const auto& [name, value] : parsed.self_params) {
    if (name == "_count" || name == "_offset") continue;
    url += PercentEncode(name) + "=" + PercentEncode(value) + "&";
  }
  url += StrCat("_count=", parsed.query.count);
  if (offset > 0) url += StrCat("&_offset=", offset);
  return url;
}

// Adds the resources that _include / _revinclude name, skipping ones already in
// the page. :iterate includes run again over what was included, up to 4 rounds.
absl::Status AddIncludes(store::Reader& reader, const search::ParsedSearch& parsed,
                         const SearchSettings& settings, const SearchCall& call,
                         const std::vector<store::StoredResource>& matches,
                         std::vector<store::StoredResource>* included) {
  auto admit = [&](const store::StoredResource& r) {
    return !call.admit_included || call.admit_included(r);
  };
  std::set<Key> seen;
  for (const auto& r : matches) seen.insert({r.type, r.id});
  std::vector<const store::StoredResource*> frontier;
  for (const auto& r : matches) frontier.push_back(&r);
  for (int round = 0; round < 4 && !frontier.empty(); ++round) {
    std::vector<store::StoredResource> found;
    for (const search::Include& include : parsed.includes) {
      if (round > 0 && !include.iterate) continue;
      std::vector<store::ResourceKey> sources;
      for (const auto* r : frontier) {
        if (r->type == include.source_type) sources.push_back({r->type, r->id});
      }
      if (sources.empty()) continue;
      VIGIL_ASSIGN_OR_RETURN(auto targets, reader.References(sources, include.param));
      for (const store::ResourceKey& target : targets) {
        if (!include.target_type.empty() && target.type != include.target_type) continue;
        if (!seen.insert({target.type, target.id}).second) continue;
        VIGIL_ASSIGN_OR_RETURN(auto resource, reader.Read(target.type, target.id));
        if (resource && !resource->deleted && admit(*resource)) found.push_back(std::move(*resource));
      }
    }
    for (const search::Include& include : parsed.revincludes) {
      if (round > 0 && !include.iterate) continue;
      store::Clause clause;
      clause.param = include.param;
      clause.kind = store::RowKind::kReference;
      for (const auto* r : frontier) {
        // Type:param:Target revincludes only what refers to a Target.
        if (!include.target_type.empty() && r->type != include.target_type) continue;
        clause.any_of.push_back(store::ReferenceMatch{r->type, r->id, ""});
      }
      if (clause.any_of.empty()) continue;
      store::Query query;
      query.type = include.source_type;
      query.all_of.push_back(std::move(clause));
      query.count = settings.max_included;
      query.total = store::TotalMode::kNone;
      VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(query));
      for (auto& r : page.resources) {
        if (seen.insert({r.type, r.id}).second && admit(r)) found.push_back(std::move(r));
      }
    }
    size_t start = included->size();
    for (auto& r : found) {
      if (included->size() >= settings.max_included) break;
      included->push_back(std::move(r));
    }
    frontier.clear();
    for (size_t i = start; i < included->size(); ++i) frontier.push_back(&(*included)[i]);
  }
  return absl::OkStatus();
}

std::string EntryJson(const store::StoredResource& r, const search::ParsedSearch& parsed) {
  if (parsed.summary.empty() && parsed.elements.empty()) return r.json;
  return ApplySummary(r.json, parsed.summary, parsed.elements);
}

}  // namespace

absl::StatusOr<std::string> RunSearch(store::Reader& reader, const search::Registry& registry,
                                      const SearchSettings& settings, const SearchCall& call) {
  search::SearchOptions options;
  options.strict = call.strict;
  options.default_count = settings.default_count;
  options.max_count = settings.max_count;
  options.now_ms = call.now_ms;
  absl::StatusOr<search::ParsedSearch> parsed_or =
      search::ParseSearch(registry, call.type, *call.params, options);
  if (!parsed_or.ok()) return HttpError(400, "invalid", Message(parsed_or.status()));
  search::ParsedSearch& parsed = *parsed_or;
  if (call.confine) VIGIL_RETURN_IF_ERROR(call.confine(parsed));
  if (parsed.summary == "count") parsed.query.count = 0;
  for (const store::Clause& clause : call.extra_clauses) parsed.query.all_of.push_back(clause);

  VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(parsed.query));
  std::vector<store::StoredResource> included;
  VIGIL_RETURN_IF_ERROR(AddIncludes(reader, parsed, settings, call, page.resources, &included));

  BundleWriter bundle("searchset");
  if (page.total) bundle.SetTotal(*page.total);
  size_t offset = parsed.query.offset, count = parsed.query.count;
  bundle.AddLink("self", LinkUrl(settings, call, parsed, offset));
  bool more = page.total ? offset + page.resources.size() < static_cast<size_t>(*page.total)
                         : count > 0 && page.resources.size() == count;
  if (more) bundle.AddLink("next", LinkUrl(settings, call, parsed, offset + count));
  if (offset > 0 && count > 0) {
    bundle.AddLink("previous", LinkUrl(settings, call, parsed, offset > count ? offset - count : 0));
  }
  for (const auto& r : page.resources) {
    bundle.AddEntry(StrCat(settings.base_url, "/", r.type, "/", r.id), EntryJson(r, parsed),
                    SearchModeMember("match"));
  }
  for (const auto& r : included) {
    bundle.AddEntry(StrCat(settings.base_url, "/", r.type, "/", r.id), EntryJson(r, parsed),
                    SearchModeMember("include"));
  }
  if (!parsed.warnings.empty()) {
    std::vector<OutcomeIssue> issues;
    for (const std::string& warning : parsed.warnings) {
      issues.push_back({"warning", "not-supported", warning, ""});
    }
    bundle.AddEntry("", fhir::WriteJson(OperationOutcome(issues)), SearchModeMember("outcome"));
  }
  return bundle.Finish(call.pretty);
}

absl::StatusOr<std::vector<store::StoredResource>> FindConditional(
    store::Reader& reader, const search::Registry& registry, std::string_view type,
    const Params& params, int64_t now_ms, const SearchConfinement& confine, size_t limit) {
  if (params.empty()) {
    return HttpError(400, "invalid", "a conditional interaction needs search parameters");
  }
  search::SearchOptions options;
  options.strict = true;
  options.now_ms = now_ms;
  absl::StatusOr<search::ParsedSearch> parsed = search::ParseSearch(registry, type, params, options);
  if (!parsed.ok()) {
    return HttpError(400, "invalid", StrCat("conditional: ", Message(parsed.status())));
  }
  if (confine.hops) VIGIL_RETURN_IF_ERROR(confine.hops(*parsed));
  parsed->query.all_of.insert(parsed->query.all_of.end(), confine.clauses.begin(),
                              confine.clauses.end());
  parsed->query.count = limit;
  parsed->query.offset = 0;
  parsed->query.total = store::TotalMode::kNone;
  VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(parsed->query));
  return std::move(page.resources);
}

}  // namespace vigil::server
