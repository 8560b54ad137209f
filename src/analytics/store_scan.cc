#include "analytics/store_scan.h"

#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "search/compartments.h"

namespace vigil::analytics {
namespace {

absl::Status ScanAll(store::Store& store, std::string_view type, const ResourceFilter& filter,
                     const StoredResourceFn& fn) {
  store::ScanQuery query;
  query.type = std::string(type);
  query.since = filter.since;
  query.count = kScanPage;
  while (true) {
    VIGIL_ASSIGN_OR_RETURN(std::vector<store::StoredResource> page, store.Scan(query));
    for (const store::StoredResource& resource : page) {
      VIGIL_ASSIGN_OR_RETURN(bool more, fn(resource));
      if (!more) return absl::OkStatus();
    }
    if (page.size() < query.count) return absl::OkStatus();
    query.after_id = page.back().id;
  }
}

absl::Status SearchPatients(store::Store& store, std::string_view type,
                            const ResourceFilter& filter, const StoredResourceFn& fn) {
  if (filter.patients->empty()) return absl::OkStatus();
  store::Query query;
  query.type = std::string(type);
  VIGIL_ASSIGN_OR_RETURN(store::Clause clause, PatientCompartmentClause(type, *filter.patients));
  query.all_of.push_back(std::move(clause));
  store::SortKey by_id;
  by_id.param = "_id";
  by_id.kind = store::RowKind::kId;
  query.sort.push_back(by_id);
  query.count = kScanPage;
  query.total = store::TotalMode::kNone;
  while (true) {
    VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, store.Search(query));
    for (const store::StoredResource& resource : page.resources) {
      if (filter.since && resource.last_updated < *filter.since) continue;
      VIGIL_ASSIGN_OR_RETURN(bool more, fn(resource));
      if (!more) return absl::OkStatus();
    }
    if (page.resources.size() < query.count) return absl::OkStatus();
    query.offset += query.count;
  }
}

}  // namespace

absl::StatusOr<store::Clause> PatientCompartmentClause(std::string_view type,
                                                       const std::vector<std::string>& patients) {
  store::Clause clause;
  if (type == "Patient") {
    clause.param = "_id";
    clause.kind = store::RowKind::kId;
    for (const std::string& id : patients) clause.any_of.push_back(store::IdMatch{id});
    return clause;
  }
  std::vector<std::string> params = search::CompartmentParamList("Patient", type);
  if (params.empty()) {
    return HttpError(400, "not-supported",
                     StrCat(type,
                            " is not in the Patient compartment: the patient and group "
                            "filters do not apply to it"));
  }
  clause.param = "_compartment";
  clause.kind = store::RowKind::kReference;
  for (const std::string& id : patients) {
    clause.any_of.push_back(store::CompartmentMatch{params, "Patient", id});
  }
  return clause;
}

absl::Status ForEachStoredResource(store::Store& store, std::string_view type,
                                   const ResourceFilter& filter, const StoredResourceFn& fn) {
  if (filter.patients) return SearchPatients(store, type, filter, fn);
  return ScanAll(store, type, filter, fn);
}

}  // namespace vigil::analytics
