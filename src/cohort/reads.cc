#include "cohort/reads.h"

#include <algorithm>
#include <span>

#include "base/status.h"

namespace vigil::cohort {
namespace {

// Calls fn with consecutive slices of at most kChunkSize ids.
absl::Status ForEachChunk(const std::vector<std::string>& ids,
                          const std::function<absl::Status(std::span<const std::string>)>& fn) {
  for (size_t i = 0; i < ids.size(); i += kChunkSize) {
    VIGIL_RETURN_IF_ERROR(
        fn(std::span<const std::string>(ids).subspan(i, std::min(kChunkSize, ids.size() - i))));
  }
  return absl::OkStatus();
}

}  // namespace

store::Clause CodeClause(std::string_view param, const std::vector<Coding>& codes) {
  store::Clause clause{std::string(param), store::RowKind::kToken, false, {}};
  for (const Coding& c : codes) {
    store::TokenMatch match;
    if (!c.system.empty()) match.system = c.system;
    match.code = c.code;
    clause.any_of.push_back(match);
  }
  return clause;
}

absl::Status ForEachMatch(store::Reader& reader, store::Query query, const ResourceFn& fn) {
  query.count = kPageSize;
  query.total = store::TotalMode::kNone;
  for (query.offset = 0;; query.offset += kPageSize) {
    VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(query));
    for (const store::StoredResource& r : page.resources) {
      VIGIL_ASSIGN_OR_RETURN(fhir::Json json, fhir::ParseJson(r.json));
      VIGIL_RETURN_IF_ERROR(fn(r, json));
    }
    if (page.resources.size() < kPageSize) return absl::OkStatus();
  }
}

absl::Status ForEachOfPatients(store::Reader& reader, std::string_view type,
                               const std::vector<store::Clause>& clauses,
                               const std::vector<std::string>& patient_ids, const ResourceFn& fn) {
  return ForEachChunk(patient_ids, [&](std::span<const std::string> chunk) {
    store::Query query;
    query.type = std::string(type);
    query.all_of = clauses;
    store::Clause subject{"subject", store::RowKind::kReference, false, {}};
    for (const std::string& id : chunk)
      subject.any_of.push_back(store::ReferenceMatch{"Patient", id, ""});
    query.all_of.push_back(std::move(subject));
    return ForEachMatch(reader, std::move(query), fn);
  });
}

absl::StatusOr<std::vector<PatientFacts>> LoadPatients(store::Reader& reader,
                                                       const std::vector<std::string>& ids) {
  std::vector<PatientFacts> out;
  VIGIL_RETURN_IF_ERROR(ForEachChunk(ids, [&](std::span<const std::string> chunk) {
    store::Query query;
    query.type = "Patient";
    store::Clause by_id{"_id", store::RowKind::kId, false, {}};
    for (const std::string& id : chunk) by_id.any_of.push_back(store::IdMatch{id});
    query.all_of.push_back(std::move(by_id));
    return ForEachMatch(reader, std::move(query),
                        [&](const store::StoredResource&, const fhir::Json& json) {
                          out.push_back(ReadPatient(json));
                          return absl::OkStatus();
                        });
  }));
  std::sort(out.begin(), out.end(),
            [](const PatientFacts& a, const PatientFacts& b) { return a.id < b.id; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const PatientFacts& a, const PatientFacts& b) { return a.id == b.id; }),
            out.end());
  return out;
}

absl::StatusOr<std::vector<PatientFacts>> AllPatients(store::Reader& reader) {
  std::vector<PatientFacts> out;
  store::Query query;
  query.type = "Patient";
  VIGIL_RETURN_IF_ERROR(ForEachMatch(reader, std::move(query),
                                     [&](const store::StoredResource&, const fhir::Json& json) {
                                       out.push_back(ReadPatient(json));
                                       return absl::OkStatus();
                                     }));
  std::sort(out.begin(), out.end(),
            [](const PatientFacts& a, const PatientFacts& b) { return a.id < b.id; });
  return out;
}

}  // namespace vigil::cohort
