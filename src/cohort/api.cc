#include "cohort/api.h"

#include <algorithm>
#include <set>

#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "cohort/criteria.h"
#include "cohort/evaluator.h"
#include "cohort/reads.h"
#include "cohort/sql_cohort.h"
#include "cohort/stats.h"
#include "cohort/summary.h"

namespace vigil::cohort {
namespace {

using fhir::Json;

struct Measure {
  std::string text;  // as given: "http://loinc.org|2160-0"
  Coding coding;
};

struct Resolved {
  std::vector<PatientFacts> members;
  std::optional<Measure> measure;
};

absl::StatusOr<std::optional<Measure>> ParseMeasure(const Json* m) {
  if (m == nullptr || m->is_null()) return std::nullopt;
  const Json* code = m->is_object() ? m->Find("code") : nullptr;
  if (code == nullptr || !code->is_string() || code->text().empty()) {
    return HttpError(400, "invalid", "measure must be {\"code\": \"system|code\"}");
  }
  Measure out{code->text(), {}};
  size_t bar = out.text.find('|');
  out.coding = bar == std::string::npos ? Coding{"", out.text}
                                        : Coding{out.text.substr(0, bar), out.text.substr(bar + 1)};
  if (out.coding.code.empty()) return HttpError(400, "invalid", "measure code is empty");
  return out;
}

absl::StatusOr<Json> ReadGroup(store::Reader& reader, std::string_view id) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> stored, reader.Read("Group", id));
  if (!stored || stored->deleted)
    return HttpError(404, "not-found", StrCat("Group/", id, " not found"));
  return fhir::ParseJson(stored->json);
}

absl::StatusOr<std::vector<PatientFacts>> MembersOf(const CohortEnv& env, const Json& body) {
  const Json* group = body.Find("group");
  const Json* group_id = body.Find("groupId");
  const Json* sql = body.Find("sql");
  if ((group != nullptr) + (group_id != nullptr) + (sql != nullptr) != 1) {
    return HttpError(400, "invalid", "give exactly one of group, groupId, sql");
  }
  if (sql != nullptr) {
    if (!sql->is_string()) return HttpError(400, "invalid", "sql must be a string");
    VIGIL_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                           SqlCohortPatientIds(AnalyticsDbPath(env.data_dir), sql->text()));
    return LoadPatients(*env.reader, ids);
  }
  Json stored;
  if (group_id != nullptr) {
    if (!group_id->is_string()) return HttpError(400, "invalid", "groupId must be a string");
    VIGIL_ASSIGN_OR_RETURN(stored, ReadGroup(*env.reader, group_id->text()));
    group = &stored;
  }
  VIGIL_ASSIGN_OR_RETURN(Definition d, ParseGroup(*group));
  return EvaluateDefinition(*env.reader, d, env.now_ms);
}

absl::StatusOr<Resolved> Resolve(const CohortEnv& env, const Json& body) {
  if (!body.is_object()) return HttpError(400, "invalid", "the cohort must be a JSON object");
  Resolved out;
  VIGIL_ASSIGN_OR_RETURN(out.measure, ParseMeasure(body.Find("measure")));
  VIGIL_ASSIGN_OR_RETURN(out.members, MembersOf(env, body));
  return out;
}

// Prefixes the message of an input error with the side ("a: ...").
absl::Status OnSide(absl::Status s, std::string_view side) {
  if (s.ok() || !HasHttpStatus(s)) return s;
  return HttpError(HttpStatusOf(s), IssueCodeOf(s), StrCat(side, ": ", Message(s)));
}

struct Side {
  Json json;
  int64_t count = 0;
  int64_t events = 0;
  std::optional<MeasureValues> measure;
};

absl::StatusOr<Side> DescribeSide(const CohortEnv& env, const Resolved& r,
                                  const std::optional<std::set<std::string>>& outcome) {
  Side side;
  side.count = static_cast<int64_t>(r.members.size());
  VIGIL_ASSIGN_OR_RETURN(side.json, DescribeCohort(*env.reader, r.members, env.now_ms));
  if (r.measure) {
    std::vector<std::string> ids;
    for (const PatientFacts& p : r.members) ids.push_back(p.id);
    VIGIL_ASSIGN_OR_RETURN(side.measure, LatestValues(*env.reader, r.measure->coding, ids));
    side.json.Set("measure", MeasureJson(r.measure->text, *side.measure));
  }
  if (outcome) {
    for (const PatientFacts& p : r.members) side.events += outcome->count(p.id);
    Json o = Json::Object();
    o.Set("events", IntJson(side.events));
    o.Set("rate",
          side.count > 0 ? NumberJson(static_cast<double>(side.events) / side.count) : Json());
    o.Set("ci95", IntervalJson(WilsonInterval(side.events, side.count)));
    side.json.Set("outcome", std::move(o));
  }
  return side;
}

Json Difference(const Side& a, const Side& b, bool has_outcome) {
  Json out = Json::Object();
  bool rates = has_outcome && a.count > 0 && b.count > 0;
  out.Set("rate", rates ? NumberJson(static_cast<double>(a.events) / a.count -
                                     static_cast<double>(b.events) / b.count)
                        : Json());
  out.Set("ci95", IntervalJson(rates ? NewcombeDifference(a.events, a.count, b.events, b.count)
                                     : std::nullopt));
  std::optional<Sample> ma, mb;
  if (a.measure && b.measure && a.measure->unit == b.measure->unit) {
    ma = Summarize(a.measure->values);
    mb = Summarize(b.measure->values);
  }
  out.Set("mean", ma && mb ? NumberJson(ma->mean - mb->mean) : Json());
  out.Set("ci95Mean", IntervalJson(ma && mb ? WelchDifference(*ma, *mb) : std::nullopt));
  return out;
}

absl::StatusOr<Resolved> ResolveSide(const CohortEnv& env, const Json& body, std::string_view side,
                                     const std::optional<Measure>& shared) {
  const Json* part = body.Find(side);
  if (part == nullptr) return HttpError(400, "invalid", StrCat("compare needs \"", side, "\""));
  absl::StatusOr<Resolved> r = Resolve(env, *part);
  if (!r.ok()) return OnSide(r.status(), side);
  if (!r->measure) r->measure = shared;
  return r;
}

}  // namespace

absl::StatusOr<Json> Evaluate(const CohortEnv& env, const Json& body) {
  VIGIL_ASSIGN_OR_RETURN(Resolved r, Resolve(env, body));
  VIGIL_ASSIGN_OR_RETURN(Side side, DescribeSide(env, r, std::nullopt));
  return std::move(side.json);
}

absl::StatusOr<Json> Compare(const CohortEnv& env, const Json& body) {
  if (!body.is_object()) return HttpError(400, "invalid", "the body must be a JSON object");
  VIGIL_ASSIGN_OR_RETURN(std::optional<Measure> shared, ParseMeasure(body.Find("measure")));
  std::optional<std::set<std::string>> outcome;
  if (const Json* o = body.Find("outcome"); o != nullptr && !o->is_null()) {
    VIGIL_ASSIGN_OR_RETURN(Definition d, ParseCharacteristics(*o, "outcome."));
    VIGIL_ASSIGN_OR_RETURN(std::vector<PatientFacts> with,
                           EvaluateDefinition(*env.reader, d, env.now_ms));
    outcome.emplace();
    for (const PatientFacts& p : with) outcome->insert(p.id);
  }
  VIGIL_ASSIGN_OR_RETURN(Resolved ra, ResolveSide(env, body, "a", shared));
  VIGIL_ASSIGN_OR_RETURN(Resolved rb, ResolveSide(env, body, "b", shared));
  VIGIL_ASSIGN_OR_RETURN(Side a, DescribeSide(env, ra, outcome));
  VIGIL_ASSIGN_OR_RETURN(Side b, DescribeSide(env, rb, outcome));
  Json out = Json::Object();
  Json difference = Difference(a, b, outcome.has_value());
  out.Set("a", std::move(a.json));
  out.Set("b", std::move(b.json));
  out.Set("difference", std::move(difference));
  return out;
}

absl::StatusOr<Json> MembersBundle(const CohortEnv& env, std::string_view group_id, size_t offset,
                                   size_t count) {
  VIGIL_ASSIGN_OR_RETURN(Json group, ReadGroup(*env.reader, group_id));
  VIGIL_ASSIGN_OR_RETURN(Definition d, ParseGroup(group));
  VIGIL_ASSIGN_OR_RETURN(std::vector<PatientFacts> members,
                         EvaluateDefinition(*env.reader, d, env.now_ms));
  Json bundle = Json::Object();
  bundle.Set("resourceType", Json::String("Bundle"));
  bundle.Set("type", Json::String("searchset"));
  bundle.Set("total", IntJson(static_cast<int64_t>(members.size())));
  Json links = Json::Array();
  auto link = [&](const char* rel, size_t at) {
    Json l = Json::Object();
    l.Set("relation", Json::String(rel));
    l.Set("url", Json::String(StrCat("/api/cohorts/", group_id, "/members?_offset=", at,
                                     "&_count=", count)));
    links.Push(std::move(l));
  };
  link("self", offset);
  if (offset + count < members.size()) link("next", offset + count);
  bundle.Set("link", std::move(links));
  Json entries = Json::Array();
  for (size_t i = offset; i < members.size() && i < offset + count; ++i) {
    VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> p,
                           env.reader->Read("Patient", members[i].id));
    if (!p || p->deleted) continue;
    Json entry = Json::Object();
    entry.Set("fullUrl", Json::String(StrCat(env.base_url, "/Patient/", members[i].id)));
    VIGIL_ASSIGN_OR_RETURN(Json resource, fhir::ParseJson(p->json));
    entry.Set("resource", std::move(resource));
    Json search = Json::Object();
    search.Set("mode", Json::String("match"));
    entry.Set("search", std::move(search));
    entries.Push(std::move(entry));
  }
  bundle.Set("entry", std::move(entries));
  return bundle;
}

}  // namespace vigil::cohort
