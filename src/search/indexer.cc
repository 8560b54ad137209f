#include "search/indexer.h"

#include <map>

#include "base/status.h"
#include "base/str.h"
#include "fhir/model.h"
#include "search/rows.h"
#include "search/values.h"

namespace vigil::search {
namespace {

// One {"resourceType": T} per concrete resource type, built once and never
// freed, so resolve() can hand out pointers that outlive every evaluation.
const fhir::Json* StubResource(std::string_view type) {
  static const auto* const stubs = [] {
    auto* m = new std::map<std::string, fhir::Json, std::less<>>();
    for (const fhir::TypeInfo& t : fhir::AllTypes()) {
      if (t.kind != fhir::TypeKind::kResource || t.is_abstract) continue;
      fhir::Json stub = fhir::Json::Object();
      stub.Set("resourceType", fhir::Json::String(std::string(t.name)));
      m->emplace(std::string(t.name), std::move(stub));
    }
    return m;
  }();
  auto it = stubs->find(type);
  return it == stubs->end() ? nullptr : &it->second;
}

}  // namespace

const fhirpath::EvalOptions& IndexEvalOptions() {
  static const auto* const options = [] {
    auto* o = new fhirpath::EvalOptions();
    o->resolve = [](std::string_view reference) -> const fhir::Json* {
      std::string_view type = ReferenceTargetType(reference);
      return type.empty() ? nullptr : StubResource(type);
    };
    return o;
  }();
  return *options;
}

absl::StatusOr<IndexedResource> IndexResourceWithIssues(const Registry& registry,
                                                        const fhir::Json& resource) {
  const fhir::Json* type = resource.Find("resourceType");
  if (type == nullptr || !type->is_string()) {
    return absl::InvalidArgumentError("not a resource: no resourceType");
  }
  std::span<const ParamDef* const> params = registry.ForType(type->text());
  if (params.empty()) {
    return absl::InvalidArgumentError(StrCat("unknown resource type '", type->text(), "'"));
  }
  const fhirpath::EvalOptions& options = IndexEvalOptions();
  IndexedResource out;
  for (const ParamDef* def : params) {
    if (!def->indexed()) continue;
    // _id is matched and sorted on the store's own id column (RowKind::kId), so
    // a token row per resource would only cost writes.
    if (def->code == "_id") continue;
    // A union of other parameters (combo-code), or a composite whose
    // components are other parameters' rows (code-value-quantity): searches
    // read their rows.
    if (!def->union_of.empty() || !def->component_params.empty()) continue;
    if (def->type == ParamType::kComposite) {
      for (std::string& error : AppendCompositeRows(*def, resource, options, &out.entries)) {
        out.issues.push_back({std::string(def->code), std::move(error)});
      }
      continue;
    }
    absl::StatusOr<fhirpath::Collection> values = def->compiled->Evaluate(resource, options);
    if (!values.ok()) {
      out.issues.push_back(
          {std::string(def->code), StrCat("evaluation failed: ", Message(values.status()))});
      continue;
    }
    // Narrowing subject (patient): subject's rows that target the type stand
    // for its own; it keeps the rest (":identifier" token rows, references
    // typed only by an absolute URL, which subject's rows leave untyped).
    store::IndexEntries narrowed;
    store::IndexEntries* rows = def->narrows.empty() ? &out.entries : &narrowed;
    for (const fhirpath::Value& value : *values) {
      std::string error = AppendRows(def->type, def->code, value, rows);
      if (!error.empty()) out.issues.push_back({std::string(def->code), std::move(error)});
    }
    for (store::TokenRow& row : narrowed.tokens) out.entries.tokens.push_back(std::move(row));
    for (store::ReferenceRow& row : narrowed.references) {
      if (row.target_type != def->narrows_to) out.entries.references.push_back(std::move(row));
    }
  }
  return out;
}

absl::StatusOr<store::IndexEntries> IndexResource(const Registry& registry,
                                                  const fhir::Json& resource) {
  VIGIL_ASSIGN_OR_RETURN(IndexedResource indexed, IndexResourceWithIssues(registry, resource));
  return std::move(indexed.entries);
}

absl::Status ReindexDateParam(const Registry& registry, const fhir::Json& resource,
                              std::string_view code, store::IndexEntries& entries) {
  const fhir::Json* type = resource.Find("resourceType");
  const ParamDef* def =
      type != nullptr && type->is_string() ? registry.Find(type->text(), code) : nullptr;
  if (def == nullptr || !def->indexed() || def->type != ParamType::kDate) {
    return absl::InvalidArgumentError(StrCat("no indexed date parameter '", code, "'"));
  }
  VIGIL_ASSIGN_OR_RETURN(fhirpath::Collection values,
                         def->compiled->Evaluate(resource, IndexEvalOptions()));
  std::erase_if(entries.dates, [&](const store::DateRow& row) { return row.param == code; });
  for (const fhirpath::Value& value : values) {
    std::string error = AppendRows(def->type, def->code, value, &entries);
    if (!error.empty()) return absl::InvalidArgumentError(StrCat(code, ": ", error));
  }
  return absl::OkStatus();
}

}  // namespace vigil::search
