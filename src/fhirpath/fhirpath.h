// FHIRPath for FHIR R4: compile once, evaluate many times.
//
//   absl::StatusOr<Expression> e = Expression::Compile("Patient.name.given.first()");
//   absl::StatusOr<Collection> r = e->Evaluate(patient_json);
//
// Compile parses the text and resolves functions and, when CompileOptions gives a
// root type, checks paths against the FHIR model (unknown elements are errors, as
// in the conformance suite's "semantic" tests). Errors carry the 1-based line and
// column and a readable message. Evaluate walks the immutable plan; a compiled
// Expression is safe to evaluate from many threads at once.
//
// Errors: Compile returns InvalidArgument for syntax and semantic errors;
// Evaluate returns InvalidArgument for errors the spec calls execution errors
// (e.g. single() on several items, a non-singleton operand to '+').
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "fhirpath/value.h"

namespace vigil::fhirpath {

struct Node;  // the compiled plan (ast.h)

struct CompileOptions {
  // When set ("Patient"), paths are type-checked against this root type.
  std::string root_type;
};

struct EvalOptions {
  // External constants: %name. %resource, %context, %ucum, %sct, %loinc, %vs-*, %ext-*
  // are provided by the engine; entries here add to or override them.
  std::map<std::string, Collection, std::less<>> variables;
  // Receives trace(name) calls; by default traces are dropped.
  std::function<void(std::string_view name, const Collection& values)> trace;
  // Resolves a reference that is not a contained (#id) or Bundle-local one; returns
  // nullptr when unknown. The Json must outlive the evaluation's result.
  std::function<const fhir::Json*(std::string_view reference)> resolve;
  // Any intermediate collection larger than this ends the evaluation with an error,
  // so that an expression such as x.combine(x).combine(...) repeated cannot exhaust
  // memory (expressions may come from users, e.g. in views).
  size_t max_collection_size = 1'000'000;
  // Likewise for a String made during evaluation ('+', '&', replace(), ...).
  size_t max_string_bytes = 128u << 20;
};

class Expression {
 public:
  static absl::StatusOr<Expression> Compile(std::string_view text,
                                            const CompileOptions& options = {});

  // Evaluates with %resource, %context and the initial $this set to resource.
  absl::StatusOr<Collection> Evaluate(const fhir::Json& resource,
                                      const EvalOptions& options = {}) const;
  // Evaluates with an explicit input collection (used by views and search indexing);
  // %resource is root_resource.
  absl::StatusOr<Collection> Evaluate(const Collection& input, const fhir::Json& root_resource,
                                      const EvalOptions& options = {}) const;

  const std::string& text() const { return text_; }

 private:
  // The node for resource, typed with the compiled root type when it matches.
  Value RootNode(const fhir::Json& resource) const;
  absl::StatusOr<Collection> Run(const Collection& input, const Collection& resource,
                                 const EvalOptions& options) const;

  Expression(std::string text, std::shared_ptr<const Node> root, const fhir::TypeInfo* root_type)
      : text_(std::move(text)), root_(std::move(root)), root_type_(root_type) {}
  std::string text_;
  std::shared_ptr<const Node> root_;
  const fhir::TypeInfo* root_type_;  // from CompileOptions; nullptr when not given
};

}  // namespace vigil::fhirpath
