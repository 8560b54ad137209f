// read, vread, search (type and compartment), history.
#include <charconv>

#include "base/status.h"
#include "base/str.h"
#include "search/compartments.h"
#include "search/values.h"
#include "server/http/url.h"
#include "server/rest/bundle_writer.h"
#include "server/rest/fhir_api.h"
#include "server/rest/outcome.h"
#include "server/rest/response.h"

namespace vigil::server {
namespace {

absl::StatusOr<int64_t> PositiveNumber(std::string_view text, std::string_view what) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return HttpError(400, "invalid", StrCat(what, " must be a non-negative integer, not '", text, "'"));
  }
  return value;
}

absl::Status Gone(const store::StoredResource& r) {
  return HttpError(410, "deleted", StrCat(r.type, "/", r.id, " was deleted (version ", r.version, ")"));
}

// Versions read per store call, and at most per page, of a filtered history.
constexpr size_t kHistoryReadPage = 200;
constexpr size_t kHistoryScanBudget = 5000;

// The self/next/previous links of a history: its path, _since, _count, _offset.
class HistoryLinks {
 public:
  HistoryLinks(const std::string& base_url, const FhirRequest& request,
               const store::HistoryQuery& query)
      : count_(query.count) {
    std::string path = query.id.empty() ? query.type : StrCat(query.type, "/", query.id);
    base_ = StrCat(base_url, path.empty() ? "" : "/", path, "/_history?");
    for (const auto& [name, value] : request.params) {
      if (name == "_since") base_ += StrCat("_since=", PercentEncode(value), "&");
    }
  }
  std::string At(size_t offset) const { return StrCat(base_, "_count=", count_, "&_offset=", offset); }

 private:
  std::string base_;
  size_t count_;
};

void AddHistoryEntry(const std::string& full_url, const store::StoredResource& r,
                     BundleWriter* bundle) {
  fhir::Json extra = fhir::Json::Object();
  fhir::Json req = fhir::Json::Object();
  req.Set("method", fhir::Json::String(r.deleted ? "DELETE" : r.version == 1 ? "POST" : "PUT"));
  req.Set("url", fhir::Json::String(r.version == 1 && !r.deleted ? r.type
                                                                  : StrCat(r.type, "/", r.id)));
  extra.Set("request", std::move(req));
  fhir::Json resp = fhir::Json::Object();
  resp.Set("status", fhir::Json::String(r.deleted ? "204" : r.version == 1 ? "201" : "200"));
  resp.Set("etag", fhir::Json::String(StrCat("W/\"", r.version, "\"")));
  resp.Set("lastModified", fhir::Json::String(FormatInstant(r.last_updated)));
  extra.Set("response", std::move(resp));
  bundle->AddEntry(full_url, r.json, extra);
}

std::string ParamValue(const Params& params, std::string_view name) {
  for (const auto& [n, v] : params) {
    if (n == name) return v;
  }
  return "";
}

}  // namespace

absl::StatusOr<InteractionResult> FhirApi::Read(store::Reader& reader, const FhirRequest& request,
                                                const std::string& type,
                                                const std::string& id) const {
  VIGIL_ASSIGN_OR_RETURN(auto resource, reader.Read(type, id));
  if (!resource) return HttpError(404, "not-found", StrCat(type, "/", id, " is not known"));
  if (resource->deleted) return Gone(*resource);
  std::string summary = ParamValue(request.params, "_summary");
  std::string elements = ParamValue(request.params, "_elements");
  if (!summary.empty() || !elements.empty()) {
    std::vector<std::string> list;
    for (size_t start = 0; !elements.empty() && start <= elements.size();) {
      size_t comma = elements.find(',', start);
      if (comma == std::string::npos) comma = elements.size();
      list.push_back(elements.substr(start, comma - start));
      start = comma + 1;
    }
    resource->json = ApplySummary(resource->json, summary, list);
  }
  InteractionResult result;
  result.resource = std::move(resource);
  return result;
}

absl::StatusOr<InteractionResult> FhirApi::VRead(store::Reader& reader, const std::string& type,
                                                 const std::string& id,
                                                 const std::string& vid) const {
  VIGIL_ASSIGN_OR_RETURN(int64_t version, PositiveNumber(vid, "the version id"));
  VIGIL_ASSIGN_OR_RETURN(auto resource, reader.ReadVersion(type, id, version));
  if (!resource) {
    return HttpError(404, "not-found", StrCat(type, "/", id, " has no version ", vid));
  }
  if (resource->deleted) return Gone(*resource);
  InteractionResult result;
  result.resource = std::move(resource);
  return result;
}

absl::StatusOr<InteractionResult> FhirApi::Search(store::Reader& reader,
                                                  const FhirRequest& request,
                                                  const std::string& type,
                                                  const Params& params,
                                                  const TypeFilter& filter) const {
  SearchCall call;
  call.type = type;
  call.params = &params;
  call.strict = request.prefer_strict;
  call.pretty = request.pretty;
  call.now_ms = writes_.Now();
  call.link_path = type;
  VIGIL_RETURN_IF_ERROR(Confine(request, filter, &call));
  InteractionResult result;
  VIGIL_ASSIGN_OR_RETURN(result.body, RunSearch(reader, registry_, options_.search, call));
  return result;
}

// Compartment search (GET /fhir/Patient/123/Observation): resources of `type`
// that one of the compartment's parameters for that type (the spec's
// CompartmentDefinition, search/compartments.h) refers to owner_type/id through.
absl::StatusOr<InteractionResult> FhirApi::CompartmentSearch(store::Reader& reader,
                                                             const FhirRequest& request,
                                                             const std::string& owner_type,
                                                             const std::string& id,
                                                             const std::string& type,
                                                             const TypeFilter& filter) const {
  std::vector<std::string> params = search::CompartmentParamList(owner_type, type);
  if (params.empty()) {
    return HttpError(400, "not-supported",
                     StrCat(type, " is not part of the ", owner_type, " compartment"));
  }
  store::Clause clause;
  clause.param = "_compartment";
  clause.kind = store::RowKind::kReference;
  clause.any_of.push_back(store::CompartmentMatch{std::move(params), owner_type, id});
  SearchCall call;
  call.type = type;
  call.params = &request.params;
  call.strict = request.prefer_strict;
  call.pretty = request.pretty;
  call.now_ms = writes_.Now();
  call.extra_clauses.push_back(std::move(clause));
  call.link_path = StrCat(owner_type, "/", id, "/", type);
  VIGIL_RETURN_IF_ERROR(Confine(request, filter, &call));
  InteractionResult result;
  VIGIL_ASSIGN_OR_RETURN(result.body, RunSearch(reader, registry_, options_.search, call));
  return result;
}

absl::StatusOr<InteractionResult> FhirApi::History(const FhirRequest& request,
                                                   const std::string& type,
                                                   const std::string& id,
                                                   const VersionFilter& keep) const {
  store::HistoryQuery query;
  query.type = type;
  query.id = id;
  query.count = options_.search.default_count;
  for (const auto& [name, value] : request.params) {
    if (name == "_count") {
      VIGIL_ASSIGN_OR_RETURN(int64_t count, PositiveNumber(value, "_count"));
      query.count = std::min<size_t>(count, options_.search.max_count);
    } else if (name == "_offset") {
      VIGIL_ASSIGN_OR_RETURN(int64_t offset, PositiveNumber(value, "_offset"));
      query.offset = offset;
    } else if (name == "_since") {
      std::optional<search::TimeRange> since = search::ParseDateRange(value);
      if (!since) {
        return HttpError(400, "invalid", StrCat("_since must be a FHIR instant, not '", value, "'"));
      }
      query.since = since->low;
    } else if (request.prefer_strict) {
      return HttpError(400, "not-supported", StrCat("unknown history parameter '", name, "'"));
    }
  }
  if (keep) return FilteredHistory(request, query, keep);
  VIGIL_ASSIGN_OR_RETURN(store::HistoryPage page, store_.History(query));
  if (!id.empty() && page.total == 0) {
    return HttpError(404, "not-found", StrCat(type, "/", id, " is not known"));
  }
  BundleWriter bundle("history");
  bundle.SetTotal(page.total);
  HistoryLinks links(options_.base_url, request, query);
  bundle.AddLink("self", links.At(query.offset));
  if (query.offset + page.versions.size() < static_cast<size_t>(page.total) && query.count > 0) {
    bundle.AddLink("next", links.At(query.offset + query.count));
  }
  if (query.offset > 0) {
    size_t previous = query.offset > query.count ? query.offset - query.count : 0;
    bundle.AddLink("previous", links.At(previous));
  }
  for (const store::StoredResource& r : page.versions) AddHistoryEntry(ResourceUrl(r), r, &bundle);
  InteractionResult result;
  result.body = bundle.Finish(request.pretty);
  return result;
}

// Reads the history from query.offset on, keeping the versions keep admits,
// until the page has query.count of them, the history ends, or
// kHistoryScanBudget versions were read. _offset counts versions of the whole
// history, so the next link continues right after the last version read;
// there is no total (it would take a read of the whole history) and no
// previous link.
absl::StatusOr<InteractionResult> FhirApi::FilteredHistory(const FhirRequest& request,
                                                           const store::HistoryQuery& query,
                                                           const VersionFilter& keep) const {
  std::vector<store::StoredResource> kept;
  store::HistoryQuery raw = query;
  raw.count = std::max<size_t>(query.count, kHistoryReadPage);
  size_t position = query.offset;  // in the whole history: the next version to look at
  size_t scanned = 0;
  bool more = query.count > 0;
  while (more && kept.size() < query.count && scanned < kHistoryScanBudget) {
    raw.offset = position;
    VIGIL_ASSIGN_OR_RETURN(store::HistoryPage page, store_.History(raw));
    for (store::StoredResource& version : page.versions) {
      if (kept.size() == query.count) break;
      ++position;
      ++scanned;
      VIGIL_ASSIGN_OR_RETURN(bool visible, keep(version));
      if (visible) kept.push_back(std::move(version));
    }
    more = !page.versions.empty() && position < static_cast<size_t>(page.total);
  }
  BundleWriter bundle("history");
  HistoryLinks links(options_.base_url, request, query);
  bundle.AddLink("self", links.At(query.offset));
  if (more) bundle.AddLink("next", links.At(position));
  for (const store::StoredResource& r : kept) AddHistoryEntry(ResourceUrl(r), r, &bundle);
  InteractionResult result;
  result.body = bundle.Finish(request.pretty);
  return result;
}

}  // namespace vigil::server
