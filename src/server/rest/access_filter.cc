#include "server/rest/access_filter.h"

#include <algorithm>
#include <variant>

#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "search/indexer.h"
#include "server/rest/patient_compartment.h"

namespace vigil::server {
namespace {

// Restrictions OR-ed into one clause: each one clause, same param, kind and
// no negation (NOT a OR NOT b is not NOT (a OR b)); nullopt otherwise.
std::optional<store::Clause> OrIntoOneClause(const std::vector<Clauses>& restrictions) {
  store::Clause merged;
  for (size_t i = 0; i < restrictions.size(); ++i) {
    if (restrictions[i].size() != 1) return std::nullopt;
    const store::Clause& c = restrictions[i][0];
    if (c.negate) return std::nullopt;
    if (i == 0) {
      merged = c;  // with the rows that stand for its param (row_params)
      continue;
    }
    if (c.param != merged.param || c.kind != merged.kind) return std::nullopt;
    merged.any_of.insert(merged.any_of.end(), c.any_of.begin(), c.any_of.end());
  }
  return merged;
}

// The query of a chain or _has hop; null for other predicates.
const std::shared_ptr<const store::Query>* HopQuery(const store::Predicate& p) {
  if (const auto* chain = std::get_if<store::ChainMatch>(&p)) return &chain->target;
  if (const auto* has = std::get_if<store::ReverseChainMatch>(&p)) return &has->source;
  return nullptr;
}

void SetHopQuery(store::Predicate& p, std::shared_ptr<const store::Query> query) {
  if (auto* chain = std::get_if<store::ChainMatch>(&p)) chain->target = std::move(query);
  if (auto* has = std::get_if<store::ReverseChainMatch>(&p)) has->source = std::move(query);
}

absl::Status Forbidden(std::string_view why) { return HttpError(403, "forbidden", why); }

}  // namespace

TypeFilter::TypeFilter(const search::Registry& registry, std::string type,
                       const auth::Access& access)
    : registry_(&registry), type_(std::move(type)), patient_(access.patient) {
  for (const auth::Restriction& restriction : access.restrictions) {
    if (std::optional<Clauses> clauses = CompileRestriction(registry, type_, restriction)) {
      restrictions_.push_back(*std::move(clauses));
    }
  }
  // Nothing could be compiled: admit nothing rather than everything.
  nothing_ = !access.restrictions.empty() && restrictions_.empty();
}

absl::StatusOr<Clauses> TypeFilter::SearchClauses() const {
  if (nothing_) return Forbidden(StrCat("the access token's scopes grant no ", type_));
  Clauses out;
  if (patient_) {
    VIGIL_ASSIGN_OR_RETURN(store::Clause compartment, PatientClause(type_, *patient_));
    out.push_back(std::move(compartment));
  }
  if (restrictions_.size() == 1) {
    out.insert(out.end(), restrictions_[0].begin(), restrictions_[0].end());
  } else if (restrictions_.size() > 1) {
    std::optional<store::Clause> merged = OrIntoOneClause(restrictions_);
    if (!merged) {
      return Forbidden(StrCat("the access token's granular scopes for ", type_,
                              " restrict different search parameters; they cannot be combined "
                              "in one search (read single resources instead, or use scopes that "
                              "restrict the same parameter)"));
    }
    out.push_back(*std::move(merged));
  }
  return out;
}

bool TypeFilter::Admits(const store::StoredResource& resource) const {
  if (unrestricted()) return true;
  if (resource.deleted || resource.type != type_) return false;
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(resource.json);
  return json.ok() && Admits(*json);
}

bool TypeFilter::Admits(const fhir::Json& resource) const {
  if (unrestricted()) return true;
  if (nothing_) return false;
  const fhir::Json* type = resource.Find("resourceType");
  const fhir::Json* id = resource.Find("id");
  if (type == nullptr || !type->is_string() || type->text() != type_) return false;
  std::string_view id_text;
  if (id != nullptr && id->is_string()) id_text = id->text();
  absl::StatusOr<store::IndexEntries> rows = search::IndexResource(*registry_, resource);
  if (!rows.ok()) return false;
  if (patient_ && !RowsInPatientCompartment(type_, id_text, *rows, *patient_)) return false;
  if (restrictions_.empty()) return true;
  return std::any_of(restrictions_.begin(), restrictions_.end(),
                     [&](const Clauses& r) { return MatchesClauses(r, id_text, *rows); });
}

AccessFilter::AccessFilter(const search::Registry& registry,
                           std::shared_ptr<const auth::AccessToken> token, bool enforced)
    : registry_(registry), token_(std::move(token)), enforced_(enforced) {}

absl::StatusOr<TypeFilter> AccessFilter::For(auth::Interaction interaction,
                                             std::string_view type) const {
  if (!enforced_) return TypeFilter();
  if (!token_) return HttpError(401, "login", "a Bearer access token is required");
  auto key = std::make_pair(interaction, std::string(type));
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  auto enforceable = [this](std::string_view t, const auth::Restriction& restriction) {
    return CompileRestriction(registry_, t, restriction).has_value();
  };
  absl::StatusOr<auth::Access> access = auth::Authorize(*token_, interaction, type, enforceable);
  absl::StatusOr<TypeFilter> filter =
      access.ok() ? absl::StatusOr<TypeFilter>(TypeFilter(registry_, key.second, *access))
                  : Forbidden(Message(access.status()));
  return cache_.emplace(std::move(key), std::move(filter)).first->second;
}

bool AccessFilter::Sees(auth::Interaction interaction,
                        const store::StoredResource& resource) const {
  absl::StatusOr<TypeFilter> filter = For(interaction, resource.type);
  return filter.ok() && !resource.deleted && filter->Admits(resource);
}

absl::Status AccessFilter::ConfineHops(search::ParsedSearch& parsed) const {
  if (!enforced_) return absl::OkStatus();
  for (store::Clause& clause : parsed.query.all_of) VIGIL_RETURN_IF_ERROR(ConfineClause(clause));
  return absl::OkStatus();
}

absl::Status AccessFilter::ConfineClause(store::Clause& clause) const {
  std::vector<store::Predicate> kept;
  bool had_hop = false;
  absl::Status refused;
  for (store::Predicate& p : clause.any_of) {
    const std::shared_ptr<const store::Query>* hop = HopQuery(p);
    if (hop == nullptr || *hop == nullptr) {
      kept.push_back(std::move(p));
      continue;
    }
    had_hop = true;
    absl::StatusOr<std::shared_ptr<const store::Query>> confined = ConfineQuery(**hop);
    if (!confined.ok()) {
      refused = confined.status();
      continue;
    }
    SetHopQuery(p, *std::move(confined));
    kept.push_back(std::move(p));
  }
  if (had_hop && kept.empty()) return refused;
  clause.any_of = std::move(kept);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const store::Query>> AccessFilter::ConfineQuery(
    const store::Query& query) const {
  VIGIL_ASSIGN_OR_RETURN(TypeFilter filter, For(auth::Interaction::kSearch, query.type));
  VIGIL_ASSIGN_OR_RETURN(Clauses extra, filter.SearchClauses());
  auto copy = std::make_shared<store::Query>(query);
  for (store::Clause& clause : copy->all_of) VIGIL_RETURN_IF_ERROR(ConfineClause(clause));
  copy->all_of.insert(copy->all_of.end(), extra.begin(), extra.end());
  return copy;
}

absl::StatusOr<std::optional<store::StoredResource>> LastContent(store::Reader& reader,
                                                                 std::string_view type,
                                                                 std::string_view id) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> current, reader.Read(type, id));
  if (current && current->deleted && current->version > 1) {
    VIGIL_ASSIGN_OR_RETURN(current, reader.ReadVersion(type, id, current->version - 1));
  }
  return current;
}

absl::StatusOr<bool> VersionVisible(store::Reader& reader, const TypeFilter& filter,
                                    const store::StoredResource& version) {
  if (filter.unrestricted()) return true;
  if (!version.deleted) return filter.Admits(version);
  if (version.version <= 1) return false;
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> before,
                         reader.ReadVersion(version.type, version.id, version.version - 1));
  return before && filter.Admits(*before);
}

absl::Status CheckVisible(store::Reader& reader, const TypeFilter& filter, std::string_view type,
                          std::string_view id, std::string_view not_found) {
  if (filter.unrestricted()) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> content,
                         LastContent(reader, type, id));
  if (!content || filter.Admits(*content)) return absl::OkStatus();
  return HttpError(404, "not-found", not_found);
}

absl::Status CheckBundleVisible(const TypeFilter& filter, std::string_view bundle_json,
                                std::string_view not_found) {
  if (filter.unrestricted()) return absl::OkStatus();
  absl::StatusOr<fhir::Json> bundle = fhir::ParseJson(bundle_json);
  if (!bundle.ok()) return absl::InternalError("a Bundle we wrote does not parse");
  const fhir::Json* entries = bundle->Find("entry");
  if (entries == nullptr) return absl::OkStatus();
  for (const fhir::Json& entry : entries->items()) {
    const fhir::Json* resource = entry.Find("resource");
    if (resource == nullptr) continue;  // a delete: no content
    if (!filter.Admits(*resource)) return HttpError(404, "not-found", not_found);
  }
  return absl::OkStatus();
}

absl::Status CheckWritable(store::Reader& reader, const TypeFilter& filter, std::string_view type,
                           std::string_view id) {
  if (filter.unrestricted()) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> content,
                         LastContent(reader, type, id));
  if (!content || filter.Admits(*content)) return absl::OkStatus();
  return Forbidden(StrCat(type, "/", id, " is outside what the access token may write"));
}

absl::Status CheckWritten(const TypeFilter& filter, const store::StoredResource& written) {
  if (filter.unrestricted() || written.deleted || filter.Admits(written)) return absl::OkStatus();
  return Forbidden(StrCat("the ", written.type, " as written would be outside what the access ",
                          "token may write (its patient compartment and granular scopes)"));
}

}  // namespace vigil::server
