// Composite parameters -> store::CompositeRow (declared in search/rows.h).
#include <utility>
#include <variant>

#include "base/str.h"
#include "search/rows.h"

namespace vigil::search {
namespace {

// The rows a component's values yield, as parts. Rows with a param (the
// ":of-type" / ":identifier" extras of the plain indexer) are not values of
// the component itself.
std::vector<store::CompositePart> Parts(const store::IndexEntries& rows) {
  std::vector<store::CompositePart> out;
  auto take = [&](const auto& list) {
    for (const auto& row : list) {
      if (row.param.empty()) out.emplace_back(row);
    }
  };
  take(rows.tokens);
  take(rows.strings);
  take(rows.dates);
  take(rows.numbers);
  take(rows.quantities);
  take(rows.references);
  take(rows.uris);
  return out;
}

}  // namespace

std::vector<std::string> AppendCompositeRows(const ParamDef& def, const fhir::Json& resource,
                                             const fhirpath::EvalOptions& options,
                                             store::IndexEntries* out) {
  std::vector<std::string> errors;
  absl::StatusOr<fhirpath::Collection> contexts = def.compiled->Evaluate(resource, options);
  if (!contexts.ok()) {
    errors.push_back(StrCat("evaluation failed: ", Message(contexts.status())));
    return errors;
  }
  const size_t n = def.compiled_components.size();
  for (const fhirpath::Value& context : *contexts) {
    // values[i]: the parts component i yields in this element. An element
    // with an empty component yields no row: the last components (values:
    // Observation's valueQuantity, valueCodeableConcept, ...) are the ones
    // most often absent, so they are evaluated first.
    std::vector<std::vector<store::CompositePart>> values(n);
    bool complete = n > 0;
    for (size_t i = n; complete && i-- > 0;) {
      const CompiledComponent& component = def.compiled_components[i];
      absl::StatusOr<fhirpath::Collection> found =
          component.compiled->Evaluate(fhirpath::Collection{context}, resource, options);
      if (!found.ok()) {
        errors.push_back(StrCat("component evaluation failed: ", Message(found.status())));
        complete = false;
        break;
      }
      store::IndexEntries rows;
      for (const fhirpath::Value& value : *found) {
        std::string error = AppendRows(component.type, "", value, &rows);
        if (!error.empty()) errors.push_back(std::move(error));
      }
      values[i] = Parts(rows);
      complete = !values[i].empty();
    }
    if (!complete) continue;
    // The cross product, odometer-style.
    std::vector<size_t> at(values.size(), 0);
    while (true) {
      store::CompositeRow row{std::string(def.code), {}};
      for (size_t i = 0; i < values.size(); ++i) row.parts.push_back(values[i][at[i]]);
      out->composites.push_back(std::move(row));
      size_t i = values.size();
      while (i > 0 && ++at[i - 1] == values[i - 1].size()) at[--i] = 0;
      if (i == 0) break;
    }
  }
  return errors;
}

}  // namespace vigil::search
