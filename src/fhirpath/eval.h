// The FHIRPath evaluator: walks a compiled Node tree over a Collection.
//
// Internal to fhirpath/; users call Expression (fhirpath.h).
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "fhirpath/ast.h"
#include "fhirpath/fhirpath.h"
#include "fhirpath/value.h"

namespace vigil::fhirpath {

// What an expression can see besides its input. One EvalContext exists per
// iteration scope; functions such as where() make a child scope with a new $this.
struct EvalContext {
  const EvalOptions* options = nullptr;
  const Collection* resource = nullptr;    // %resource (one node)
  const Collection* context = nullptr;     // %context
  const Collection* this_items = nullptr;  // $this as a collection (the focus of arguments)
  int64_t index = 0;                       // $index
  const Collection* total = nullptr;       // $total inside aggregate()
};

// Evaluates node with `input` as its focus.
absl::StatusOr<Collection> Eval(const Node& node, const Collection& input, const EvalContext& ctx);

// The children of item called name (FHIR navigation: choice types, primitive
// extensions, contained resources). Appends to out.
void ChildrenNamed(const Value& item, std::string_view name, Collection* out);
// The children of item in element (an element of item's type), as ChildrenNamed.
void ChildrenOfElement(const Value& item, const fhir::ElementInfo& element, Collection* out);
// Every child element of item, in document order (children()).
void AllChildren(const Value& item, Collection* out);
// Whether item is of the type called type_name in namespace ns ("", "FHIR" or
// "System"); FHIR types match their base types too (Patient is a Resource).
// With exact_primitive, a FHIR primitive matches only its own type: the suite
// expects gender.is(string) but not gender.as(string) for a code.
bool IsOfType(const Value& item, std::string_view ns, std::string_view type_name,
              bool exact_primitive = false);
// A node for a whole resource (typed by its resourceType).
Value ResourceNode(const fhir::Json& resource);

// A one-item result, built in place (no intermediate collection to move).
inline absl::StatusOr<Collection> Single(Value v) {
  absl::StatusOr<Collection> result(absl::in_place);
  result->push_back(std::move(v));
  return result;
}

// Errors for execution-time problems, with the node's position.
absl::Status EvalError(const Node& node, std::string_view message);

}  // namespace vigil::fhirpath
