// The FHIRPath function library: a table of FunctionDefs, one per function
// name, split into files by the spec's sections (functions_*.cc).
//
// A function receives its focus (input), its argument expressions unevaluated,
// and the context. Most functions evaluate each argument once against the
// current $this with Arg(i); iterating functions (where, select, all, ...)
// evaluate an argument per item with ArgOn(i, item, index).
//
// Errors: return InvalidArgument (via CallError) for execution errors the spec
// names, e.g. a non-string input to a string function or several items where one
// is required.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "absl/status/statusor.h"
#include "fhirpath/eval.h"

namespace vigil::fhirpath {

struct FnCall {
  const Node& node;         // the call; arguments are node.args
  const Collection& input;  // the focus
  const EvalContext& ctx;

  size_t arg_count() const { return node.args.size(); }
  const Node& ArgNode(size_t i) const { return *node.args[i]; }
  // Argument i evaluated against the current $this (the focus of the enclosing scope).
  absl::StatusOr<Collection> Arg(size_t i) const;
  // Argument i evaluated with $this = item and $index = index.
  absl::StatusOr<Collection> ArgOn(size_t i, const Value& item, int64_t index) const;
  // An execution error at this call's position: "line L, column C: name(): message".
  absl::Status Error(std::string_view message) const;

  // Helpers for the common argument shapes. Each returns an error when the
  // argument evaluates to more than one item or an item of the wrong type, and
  // nullopt when it is empty.
  absl::StatusOr<std::optional<std::string>> StringArg(size_t i) const;
  absl::StatusOr<std::optional<int64_t>> IntegerArg(size_t i) const;
  // The single input item converted with AsSystem(); nullopt when the input is
  // empty; error when there are several items.
  absl::StatusOr<std::optional<Value>> SingleInput() const;
  // SingleInput() that must be a String (FHIR string-like primitives included);
  // error for other types.
  absl::StatusOr<std::optional<std::string>> StringInput() const;
};

using FnImpl = absl::StatusOr<Collection> (*)(const FnCall& call);

struct FunctionDef {
  std::string_view name;
  int min_args;
  int max_args;
  FnImpl impl;
};

// The function called name, or nullptr.
const FunctionDef* FindFunction(std::string_view name);

// Tables, one per file; FindFunction searches them all.
std::span<const FunctionDef> ExistenceFunctions();   // functions_existence.cc
std::span<const FunctionDef> FilteringFunctions();   // functions_filtering.cc
std::span<const FunctionDef> StringFunctions();      // functions_string.cc
std::span<const FunctionDef> MathFunctions();        // functions_math.cc
std::span<const FunctionDef> ConversionFunctions();  // functions_conversion.cc
std::span<const FunctionDef> FhirFunctions();        // functions_fhir.cc
std::span<const FunctionDef> UtilityFunctions();     // functions_utility.cc
std::span<const FunctionDef> SofFunctions();         // functions_sof.cc (SQL-on-FHIR keys)

// Boolean singleton evaluation (spec 4.5): empty -> nullopt; one Boolean -> it;
// one other item -> true; several -> error.
absl::StatusOr<std::optional<bool>> ToBoolean(const Collection& c);

}  // namespace vigil::fhirpath
