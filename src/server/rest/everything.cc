// Patient/[id]/$everything: the Patient, every resource in its compartment
// (all resource types of the Patient CompartmentDefinition, search/
// compartments.h), and the resources those refer to (one level: Practitioner,
// Organization, Location, Medication...), as a paged searchset Bundle.
//
// The matches are one sequence, paged with _count/_offset: the Patient, then
// each compartment type in name order, each in store order. A page's
// referenced resources follow its matches as "include" entries; ones that are
// themselves in the compartment are left out (they are matches on some page).
// _since (meta.lastUpdated >= instant) and _type (comma list) filter both.
// Authorization: only what the token may read (AccessFilter::Sees(kRead));
// types it may not read are left out, the others confined like a search, and
// referenced resources it may not see are dropped. FhirApi::DispatchRead lets
// a patient-context token ask only for its own patient.
#include <charconv>
#include <map>
#include <set>

#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "search/compartments.h"
#include "search/values.h"
#include "server/http/url.h"
#include "server/rest/bundle_writer.h"
#include "server/rest/fhir_api.h"
#include "server/rest/request.h"

namespace vigil::server {
namespace {

struct EverythingParams {
  size_t count = 0;
  size_t offset = 0;
  std::optional<int64_t> since;
  std::string since_text;
  std::set<std::string> types;  // empty = all
  std::string type_text;
};

absl::StatusOr<size_t> Count(std::string_view text, std::string_view what) {
  size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return HttpError(400, "invalid", StrCat(what, " must be a non-negative integer, not '", text, "'"));
  }
  return value;
}

absl::StatusOr<EverythingParams> ParseParams(const FhirRequest& request,
                                             const SearchSettings& settings) {
  EverythingParams p;
  p.count = settings.default_count;
  for (const auto& [name, value] : request.params) {
    if (name == "_count") {
      VIGIL_ASSIGN_OR_RETURN(size_t count, Count(value, "_count"));
      p.count = std::min(count, settings.max_count);
    } else if (name == "_offset") {
      VIGIL_ASSIGN_OR_RETURN(p.offset, Count(value, "_offset"));
    } else if (name == "_since") {
      std::optional<search::TimeRange> since = search::ParseDateRange(value);
      if (!since) return HttpError(400, "invalid", StrCat("_since must be a FHIR instant, not '", value, "'"));
      p.since = since->low;
      p.since_text = value;
    } else if (name == "_type") {
      VIGIL_ASSIGN_OR_RETURN(std::vector<std::string> types, ParseTypeList(value));
      p.types.insert(types.begin(), types.end());
      p.type_text += p.type_text.empty() ? value : "," + value;
    } else if (request.prefer_strict) {
      return HttpError(400, "not-supported", StrCat("unknown $everything parameter '", name, "'"));
    }
  }
  return p;
}

store::Clause InCompartment(std::string_view type, const std::string& patient_id) {
  store::Clause clause;
  clause.param = "_compartment";
  clause.kind = store::RowKind::kReference;
  clause.any_of.push_back(
      store::CompartmentMatch{search::CompartmentParamList("Patient", type), "Patient", patient_id});
  return clause;
}

store::Query CompartmentQuery(std::string_view type, const std::string& patient_id,
                              const EverythingParams& p) {
  store::Query query;
  query.type = std::string(type);
  query.all_of.push_back(InCompartment(type, patient_id));
  if (p.since) {
    store::Clause since;
    since.param = "_lastUpdated";
    since.kind = store::RowKind::kDate;
    since.any_of.push_back(store::DateMatch{store::Prefix::kGe, *p.since, *p.since});
    query.all_of.push_back(std::move(since));
  }
  return query;
}

// The resources `matches` refer to that are not matches of $everything
// themselves (not on this page, not the patient, not in its compartment).
absl::StatusOr<std::vector<store::StoredResource>> Referenced(
    store::Reader& reader, const std::vector<store::StoredResource>& matches,
    const std::string& patient_id, const EverythingParams& p, const AccessFilter& access,
    size_t limit) {
  std::vector<store::ResourceKey> sources;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& r : matches) {
    sources.push_back({r.type, r.id});
    seen.insert({r.type, r.id});
  }
  seen.insert({"Patient", patient_id});
  VIGIL_ASSIGN_OR_RETURN(std::vector<store::ResourceKey> targets, reader.References(sources, ""));
  std::map<std::string, std::vector<std::string>> by_type;
  for (store::ResourceKey& t : targets) {
    if (!p.types.empty() && !p.types.contains(t.type)) continue;
    if (!seen.insert({t.type, t.id}).second) continue;
    by_type[t.type].push_back(std::move(t.id));
  }
  std::vector<store::StoredResource> out;
  for (auto& [type, ids] : by_type) {
    std::set<std::string> members;
    if (!search::CompartmentParams("Patient", type).empty()) {
      store::Query query = CompartmentQuery(type, patient_id, EverythingParams{});
      store::Clause id_clause;
      id_clause.param = "_id";
      id_clause.kind = store::RowKind::kId;
      for (const std::string& id : ids) id_clause.any_of.push_back(store::IdMatch{id});
      query.all_of.push_back(std::move(id_clause));
      query.count = ids.size();
      query.total = store::TotalMode::kNone;
      VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(query));
      for (const auto& r : page.resources) members.insert(r.id);
    }
    for (const std::string& id : ids) {
      if (out.size() >= limit) return out;
      if (members.contains(id)) continue;
      VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> r, reader.Read(type, id));
      if (!r || r->deleted || (p.since && r->last_updated < *p.since)) continue;
      if (!access.Sees(auth::Interaction::kRead, *r)) continue;
      out.push_back(*std::move(r));
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<InteractionResult> FhirApi::Everything(store::Reader& reader,
                                                      const FhirRequest& request,
                                                      const std::string& id,
                                                      const AccessFilter& access) const {
  VIGIL_ASSIGN_OR_RETURN(EverythingParams p, ParseParams(request, options_.search));
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> patient, reader.Read("Patient", id));
  if (!patient) return HttpError(404, "not-found", StrCat("Patient/", id, " is not known"));
  if (patient->deleted) {
    return HttpError(410, "deleted", StrCat("Patient/", id, " was deleted (version ", patient->version, ")"));
  }
  auto want = [&](std::string_view type) { return p.types.empty() || p.types.contains(std::string(type)); };

  // The sequence of matches: the patient, then each compartment type's.
  // Only what the token may read: types it may not are left out, the others
  // confined (access_filter.h).
  struct Segment {
    std::string type;  // "" = the patient itself
    int64_t size = 0;
    Clauses confine;
  };
  std::vector<Segment> segments;
  if (want("Patient") && (!p.since || patient->last_updated >= *p.since) &&
      access.Sees(auth::Interaction::kRead, *patient)) {
    segments.push_back({"", 1, {}});
  }
  for (std::string_view type : search::CompartmentResourceTypes("Patient")) {
    if (!want(type)) continue;
    absl::StatusOr<TypeFilter> filter = access.For(auth::Interaction::kRead, type);
    absl::StatusOr<Clauses> confine = filter.ok() ? filter->SearchClauses() : filter.status();
    if (!confine.ok()) continue;
    store::Query query = CompartmentQuery(type, id, p);
    query.all_of.insert(query.all_of.end(), confine->begin(), confine->end());
    query.count = 0;
    VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(query));
    if (page.total.value_or(0) > 0) {
      segments.push_back({std::string(type), *page.total, *std::move(confine)});
    }
  }
  int64_t total = 0;
  for (const Segment& s : segments) total += s.size;

  std::vector<store::StoredResource> matches;
  size_t skip = p.offset;
  for (const Segment& s : segments) {
    if (matches.size() >= p.count) break;
    if (skip >= static_cast<size_t>(s.size)) {
      skip -= s.size;
      continue;
    }
    if (s.type.empty()) {
      matches.push_back(*patient);
    } else {
      store::Query query = CompartmentQuery(s.type, id, p);
      query.all_of.insert(query.all_of.end(), s.confine.begin(), s.confine.end());
      query.offset = skip;
      query.count = p.count - matches.size();
      query.total = store::TotalMode::kNone;
      VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(query));
      for (auto& r : page.resources) matches.push_back(std::move(r));
    }
    skip = 0;
  }
  VIGIL_ASSIGN_OR_RETURN(std::vector<store::StoredResource> included,
                         Referenced(reader, matches, id, p, access, options_.search.max_included));

  BundleWriter bundle("searchset");
  bundle.SetTotal(total);
  std::string base = StrCat(options_.base_url, "/Patient/", PercentEncode(id), "/$everything?");
  if (!p.since_text.empty()) base += StrCat("_since=", PercentEncode(p.since_text), "&");
  if (!p.type_text.empty()) base += StrCat("_type=", PercentEncode(p.type_text), "&");
  auto link = [&](size_t offset) {
    std::string url = StrCat(base, "_count=", p.count);
    if (offset > 0) url += StrCat("&_offset=", offset);
    return url;
  };
  bundle.AddLink("self", link(p.offset));
  if (p.count > 0 && p.offset + p.count < static_cast<size_t>(total)) {
    bundle.AddLink("next", link(p.offset + p.count));
  }
  if (p.offset > 0 && p.count > 0) bundle.AddLink("previous", link(p.offset > p.count ? p.offset - p.count : 0));
  for (const auto& r : matches) {
    bundle.AddEntry(ResourceUrl(r), r.json, SearchModeMember("match"));
  }
  for (const auto& r : included) {
    bundle.AddEntry(ResourceUrl(r), r.json, SearchModeMember("include"));
  }
  InteractionResult result;
  result.body = bundle.Finish(request.pretty);
  return result;
}

}  // namespace vigil::server
