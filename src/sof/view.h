// SQL-on-FHIR v2 ViewDefinitions: compile once, run per resource.
//
//   absl::StatusOr<sof::View> view = sof::View::Compile(view_definition_json);
//   sof::ViewRunner runner(*view);            // one per thread
//   absl::Status s = runner.Run(resource_json, [&](sof::Row row) {
//     for (size_t i = 0; i < row.size(); ++i) Print(view->columns()[i].name, row[i]);
//     return absl::OkStatus();
//   });
//
// Compile validates the whole ViewDefinition (resource type, select tree,
// column names, unionAll branches with identical columns, constants, where) and
// compiles every FHIRPath expression once; paths whose focus is the resource are
// type-checked against it. The result is immutable and may be shared by threads.
//
// Run produces the rows of one resource: `where` filters the resource (each path
// must give a Boolean or nothing), then the select tree is expanded - forEach /
// forEachOrNull / repeat iterate, nested selects and unionAll combine as the spec
// says (cross product of a select's parts, concatenation of unionAll branches).
// Resources of another type give no rows. %rowIndex is the index of the current
// item in the innermost forEach/forEachOrNull/repeat (0 at the top level).
//
// Errors: Compile returns InvalidArgument for every invalid ViewDefinition. Run
// returns InvalidArgument when the data breaks the view's rules (a non-boolean
// where result, several values in a non-collection column) or a FHIRPath
// evaluation fails; it stops at the first error. Errors returned by the row
// callback stop the run and are returned unchanged.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "fhirpath/fhirpath.h"
#include "fhirpath/value.h"

namespace vigil::sof {

struct ColumnInfo {
  std::string name;
  std::string type;         // the view's FHIR type for the column ("string"); may be empty
  bool collection = false;  // true: a cell holds every value, not at most one
};

// One row: a cell per column, in View::columns() order. A cell is the column's
// FHIRPath result: empty (null), one value, or several when the column is a
// collection. Values may point into the resource: valid during the callback only.
using Row = std::span<const fhirpath::Collection>;
using RowCallback = absl::FunctionRef<absl::Status(Row)>;

struct ViewPlan;  // the compiled plan (plan.h)

class View {
 public:
  static absl::StatusOr<View> Compile(const fhir::Json& view_definition);

  const std::string& resource_type() const;
  // Every column of the view, in output order.
  const std::vector<ColumnInfo>& columns() const;
  const ViewPlan& plan() const { return *plan_; }

 private:
  explicit View(std::shared_ptr<const ViewPlan> plan) : plan_(std::move(plan)) {}
  std::shared_ptr<const ViewPlan> plan_;
};

// Runs a View over resources, one at a time. Holds the per-run scratch state
// (evaluation options, the row being built), so it is not thread-safe: use one
// runner per thread. REQUIRES: view outlives the runner.
class ViewRunner {
 public:
  explicit ViewRunner(const View& view);
  ~ViewRunner();
  ViewRunner(const ViewRunner&) = delete;
  ViewRunner& operator=(const ViewRunner&) = delete;

  absl::Status Run(const fhir::Json& resource, RowCallback emit);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::sof
