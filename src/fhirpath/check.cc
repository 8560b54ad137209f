#include "fhirpath/check.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "base/str.h"
#include "fhirpath/functions.h"
#include "fhirpath/type_arg.h"

namespace vigil::fhirpath {
namespace {

// The FHIR types an expression may produce; nullopt when unknown (System values,
// abstract resources, reflection), in which case nothing below it is checked.
using Types = std::optional<std::vector<const fhir::TypeInfo*>>;

absl::Status CheckError(const Node& node, std::string_view message) {
  return absl::InvalidArgumentError(
      StrCat("line ", node.line, ", column ", node.column, ": ", message));
}

Types Known(const fhir::TypeInfo* t) {
  if (t == nullptr || t->is_abstract) return std::nullopt;
  return std::vector<const fhir::TypeInfo*>{t};
}

bool IsSystemTypeName(std::string_view name) {
  static constexpr std::string_view kNames[] = {"Boolean", "String",   "Integer", "Decimal",
                                                "Date",    "DateTime", "Time",    "Quantity"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// A type specifier must name a System or FHIR type ("string1" is an error).
absl::Status CheckTypeName(const Node& node, std::string_view ns, std::string_view name) {
  if (ns == "System") return absl::OkStatus();  // System.Patient is simply never matched
  bool known = (ns != "FHIR" && IsSystemTypeName(name)) ||
               (ns != "System" && fhir::FindType(name) != nullptr);
  if (!known) return CheckError(node, StrCat("unknown type '", name, "'"));
  return absl::OkStatus();
}

// Sets node.function for a call and checks its argument count.
absl::Status ResolveCall(Node& node) {
  node.function = FindFunction(node.name);
  if (node.function == nullptr) {
    return CheckError(node, StrCat("unknown function '", node.name, "'"));
  }
  const FunctionDef& fn = *node.function;
  int n = static_cast<int>(node.args.size());
  if (n < fn.min_args || n > fn.max_args) {
    std::string expected = fn.min_args == fn.max_args ? std::to_string(fn.min_args)
                                                      : StrCat(fn.min_args, " to ", fn.max_args);
    return CheckError(node, StrCat(node.name, "() expects ", expected, " argument",
                                   fn.max_args == 1 ? "" : "s", ", got ", n));
  }
  return absl::OkStatus();
}

// Functions whose first argument is evaluated once per input item.
bool IteratesOverInput(std::string_view fn) {
  static constexpr std::string_view kNames[] = {"where",  "select",    "exists", "all",
                                                "repeat", "aggregate", "sort",   "trace"};
  return std::find(std::begin(kNames), std::end(kNames), fn) != std::end(kNames);
}

// Functions whose argument is a type specifier, not an expression.
bool TakesTypeArgument(std::string_view fn) {
  return fn == "is" || fn == "as" || fn == "ofType" || fn == "getReferenceKey";
}

// Functions whose result has the same types as their input.
bool PreservesType(std::string_view fn) {
  static constexpr std::string_view kNames[] = {
      "where",    "first",     "last",    "tail",  "skip", "take",  "single",
      "distinct", "intersect", "exclude", "trace", "sort", "union", "combine"};
  return std::find(std::begin(kNames), std::end(kNames), fn) != std::end(kNames);
}

class Checker {
 public:
  explicit Checker(const fhir::TypeInfo* root) : root_(root) {}

  absl::StatusOr<Types> Run(Node& node) { return Visit(node, Known(root_), Known(root_)); }

 private:
  absl::StatusOr<Types> Visit(Node& node, const Types& input, const Types& this_types) {
    switch (node.kind) {
      case NodeKind::kMember: return MemberTypes(node, input, this_types);
      case NodeKind::kFunction: return FunctionTypes(node, input, this_types);
      case NodeKind::kIndexer: {
        auto base = Visit(*node.children[0], input, this_types);
        if (!base.ok()) return base;
        auto index = Visit(*node.children[1], this_types, this_types);
        if (!index.ok()) return index;
        return base;
      }
      case NodeKind::kTypeOp: {
        auto operand = Visit(*node.children[0], input, this_types);
        if (!operand.ok()) return operand;
        if (node.name == "as" && node.type_namespace != "System") {
          return Known(fhir::FindType(node.literal->string()));
        }
        return Types();
      }
      case NodeKind::kUnary:
      case NodeKind::kBinary: return OperatorTypes(node, input, this_types);
      case NodeKind::kThis: return this_types;
      default: return Types();
    }
  }

  absl::StatusOr<Types> OperatorTypes(Node& node, const Types& input, const Types& this_types) {
    std::vector<Types> operands;
    for (auto& child : node.children) {
      auto t = Visit(*child, input, this_types);
      if (!t.ok()) return t;
      operands.push_back(std::move(*t));
    }
    if (node.kind == NodeKind::kBinary && node.name == "|" && operands[0] && operands[1]) {
      std::vector<const fhir::TypeInfo*> both = *operands[0];
      both.insert(both.end(), operands[1]->begin(), operands[1]->end());
      return Types(both);
    }
    return Types();
  }

  absl::StatusOr<Types> MemberTypes(Node& node, const Types& input, const Types& this_types) {
    Types focus = input;
    if (!node.children.empty()) {
      auto t = Visit(*node.children[0], input, this_types);
      if (!t.ok()) return t;
      focus = std::move(*t);
    }
    if (!focus) return Types();
    std::vector<const fhir::TypeInfo*> out;
    bool found = false;
    for (const fhir::TypeInfo* type : *focus) {
      const fhir::ElementInfo* element = type->FindElement(node.name);
      if (element == nullptr) continue;
      found = true;
      node.resolved_elements.emplace_back(type, element);
      for (std::string_view t : element->types) {
        const fhir::TypeInfo* info = fhir::FindType(t);
        if (info == nullptr || info->is_abstract) return Types();
        out.push_back(info);
      }
    }
    if (found) return Types(out);
    bool type_name = node.children.empty() && !node.name.empty() &&
                     std::isupper(static_cast<unsigned char>(node.name[0]));
    if (type_name && fhir::FindType(node.name) != nullptr) return Known(fhir::FindType(node.name));
    if (focus->empty()) return Types(out);
    std::vector<std::string_view> names;
    for (const fhir::TypeInfo* type : *focus) names.push_back(type->name);
    return CheckError(node, StrCat("'", node.name, "' is not an element of ",
                                   fmt::format("{}", fmt::join(names, " or "))));
  }

  absl::StatusOr<Types> FunctionTypes(Node& node, const Types& input, const Types& this_types) {
    // node.function was resolved (and its arity checked) by ResolveNames().
    Types focus = input;
    if (!node.children.empty()) {
      auto t = Visit(*node.children[0], input, this_types);
      if (!t.ok()) return t;
      focus = std::move(*t);
    }
    if (IsTypeFunction(node.name)) return TypeFunctionResult(node);
    if (TakesTypeArgument(node.name)) return Types();  // getReferenceKey(Patient): Strings
    Types last_arg;
    bool iterates = IteratesOverInput(node.name);
    for (auto& arg : node.args) {
      const Types& arg_input = iterates ? focus : this_types;
      auto t = Visit(*arg, arg_input, arg_input);
      if (!t.ok()) return t;
      last_arg = std::move(*t);
    }
    if (PreservesType(node.name)) return focus;
    if (node.name == "select" || node.name == "repeat") return last_arg;
    if (node.name == "extension") return Known(fhir::FindType("Extension"));
    return Types();
  }

  static bool IsTypeFunction(std::string_view fn) {
    return fn == "ofType" || fn == "as" || fn == "is";
  }

  absl::StatusOr<Types> TypeFunctionResult(const Node& node) {
    auto type = TypeArgument(*node.args[0]);
    if (!type.ok()) return CheckError(node, Message(type.status()));
    if (node.name == "is" || type->first == "System") return Types();
    return Known(fhir::FindType(type->second));
  }

  const fhir::TypeInfo* root_;
};

// Resolves calls, type specifiers and leading type names everywhere, without
// type information.
absl::Status ResolveNames(Node& node) {
  if (node.kind == NodeKind::kMember && node.children.empty() && !node.name.empty() &&
      std::isupper(static_cast<unsigned char>(node.name[0]))) {
    node.type_filter = fhir::FindType(node.name);
  }
  if (node.kind == NodeKind::kTypeOp) {
    if (auto s = CheckTypeName(node, node.type_namespace, node.literal->string()); !s.ok())
      return s;
  }
  if (node.kind == NodeKind::kFunction && TakesTypeArgument(node.name) && node.args.size() == 1) {
    auto type = TypeArgument(*node.args[0]);
    if (!type.ok()) return CheckError(node, Message(type.status()));
    if (auto s = CheckTypeName(node, type->first, type->second); !s.ok()) return s;
  }
  if (node.kind == NodeKind::kFunction) {
    if (auto status = ResolveCall(node); !status.ok()) return status;
  }
  for (auto& c : node.children) {
    if (auto s = ResolveNames(*c); !s.ok()) return s;
  }
  bool type_argument = node.kind == NodeKind::kFunction && TakesTypeArgument(node.name);
  if (type_argument) return absl::OkStatus();  // the argument is a type name, not an expression
  for (auto& a : node.args) {
    if (auto s = ResolveNames(*a); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Check(Node& root, const fhir::TypeInfo* root_type) {
  // Resolve every call first so that calls under unknown types are still checked.
  if (auto s = ResolveNames(root); !s.ok()) return s;
  if (root_type == nullptr) return absl::OkStatus();
  auto types = Checker(root_type).Run(root);
  return types.status();
}

}  // namespace vigil::fhirpath
