// The compiled form of a ViewDefinition: an immutable tree of SelectPlans whose
// FHIRPath expressions are compiled, and whose columns are numbered with their
// position in the output row (the "slot").
//
// Internal to sof/: compile.cc builds it, run.cc executes it; users see View.
//
// Invariants, established by CompileView and relied on by the runner:
//   1. Slots are numbered in output order: a select's own columns, then those of
//      its nested selects in order, then those of its unionAll.
//   2. Every unionAll branch has the same column names in the same order, and its
//      columns use the same slots as the first branch's.
//   3. A select's subtree covers the slots [first_slot, end_slot): a
//      forEachOrNull without items sets exactly those to null.
//   4. Column names are unique across the view.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "fhirpath/fhirpath.h"
#include "sof/view.h"

namespace vigil::sof {

struct ColumnPlan {
  fhirpath::Expression path;
  size_t slot = 0;
  bool collection = false;
  std::string name;  // for error messages
};

enum class Iteration : uint8_t { kNone, kForEach, kForEachOrNull, kRepeat };

struct SelectPlan {
  Iteration iteration = Iteration::kNone;
  std::optional<fhirpath::Expression> for_each;  // kForEach, kForEachOrNull
  std::vector<fhirpath::Expression> repeat;      // kRepeat
  std::vector<ColumnPlan> columns;
  std::vector<SelectPlan> selects;
  std::vector<SelectPlan> union_all;
  size_t first_slot = 0;
  size_t end_slot = 0;
};

struct ViewPlan {
  std::string resource_type;
  std::vector<ColumnInfo> columns;
  std::vector<fhirpath::Expression> where;
  SelectPlan root;  // iteration kNone, no columns; the view's select list
  // The ViewDefinition itself: constant values are nodes pointing into it.
  std::unique_ptr<const fhir::Json> definition;
  // %name -> value, from `constant`.
  std::map<std::string, fhirpath::Collection, std::less<>> constants;
};

// Validates and compiles a ViewDefinition (compile.cc). InvalidArgument when it
// is not valid; the message names the offending element.
absl::StatusOr<std::unique_ptr<ViewPlan>> CompileView(const fhir::Json& definition);

// Reads `constant` into plan->constants (constants.cc). REQUIRES: plan->definition set.
absl::Status CompileConstants(ViewPlan* plan);

// Whether name is usable as a column or constant name: a letter, then letters,
// digits or '_' (the spec's database-friendly names).
bool IsValidName(std::string_view name);

}  // namespace vigil::sof
