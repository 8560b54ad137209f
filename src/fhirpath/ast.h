// The compiled form of a FHIRPath expression: an immutable tree of Nodes.
//
// The parser builds it, the checker (check.cc) resolves functions and, given a
// root type, verifies paths against the FHIR model; after that nothing changes it,
// so one tree is shared by every evaluation on every thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fhirpath/operators.h"
#include "fhirpath/value.h"

namespace vigil::fhirpath {

struct FunctionDef;  // functions.h

enum class NodeKind : uint8_t {
  kLiteral,   // literal (a single System value)
  kEmpty,     // {}
  kMember,    // children[0].name, or name on the input when children is empty
  kFunction,  // children[0].name(args...) or name(args...); args in `args`
  kIndexer,   // children[0][children[1]]
  kUnary,     // op children[0]  (op is "+" or "-")
  kBinary,    // children[0] op children[1]
  kTypeOp,    // children[0] is/as type_name
  kVariable,  // %name
  kThis,      // $this
  kIndex,     // $index
  kTotal,     // $total
};

struct Node {
  NodeKind kind = NodeKind::kEmpty;
  int line = 1;
  int column = 1;
  std::string name;            // member, function, variable name; operator text; type name
  Op op = Op::kNone;           // kBinary: the operator, resolved from `name` by the parser
  std::string type_namespace;  // for kTypeOp: "FHIR", "System" or empty
  std::optional<Value> literal;
  std::vector<std::unique_ptr<Node>> children;
  std::vector<std::unique_ptr<Node>> args;
  const FunctionDef* function = nullptr;  // resolved by the checker for kFunction
  // For a kMember that starts a path with a type name ("Patient.name"): that type,
  // resolved by the checker.
  const fhir::TypeInfo* type_filter = nullptr;
  // For a kMember: the element it names on each FHIR type the checker inferred
  // for its focus, so evaluation skips the model lookup for those types.
  std::vector<std::pair<const fhir::TypeInfo*, const fhir::ElementInfo*>> resolved_elements;
};

}  // namespace vigil::fhirpath
