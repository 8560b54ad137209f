#include "fhirpath/functions.h"

#include <algorithm>
#include <string>
#include <vector>

#include "base/str.h"

namespace vigil::fhirpath {
namespace {

std::vector<const FunctionDef*> BuildIndex() {
  std::vector<const FunctionDef*> index;
  for (auto table : {ExistenceFunctions(), FilteringFunctions(), StringFunctions(), MathFunctions(),
                     ConversionFunctions(), FhirFunctions(), UtilityFunctions(), SofFunctions()}) {
    for (const FunctionDef& def : table) index.push_back(&def);
  }
  std::sort(index.begin(), index.end(),
            [](const FunctionDef* a, const FunctionDef* b) { return a->name < b->name; });
  return index;
}

}  // namespace

const FunctionDef* FindFunction(std::string_view name) {
  static const std::vector<const FunctionDef*> kIndex = BuildIndex();
  auto it = std::lower_bound(kIndex.begin(), kIndex.end(), name,
                             [](const FunctionDef* d, std::string_view n) { return d->name < n; });
  if (it == kIndex.end() || (*it)->name != name) return nullptr;
  return *it;
}

absl::StatusOr<Collection> FnCall::Arg(size_t i) const {
  const Collection& focus = ctx.this_items != nullptr ? *ctx.this_items : input;
  return Eval(*node.args[i], focus, ctx);
}

absl::StatusOr<Collection> FnCall::ArgOn(size_t i, const Value& item, int64_t index) const {
  Collection focus{item};
  EvalContext scope = ctx;
  scope.this_items = &focus;
  scope.index = index;
  return Eval(*node.args[i], focus, scope);
}

absl::Status FnCall::Error(std::string_view message) const {
  return absl::InvalidArgumentError(
      StrCat("line ", node.line, ", column ", node.column, ": ", node.name, "(): ", message));
}

absl::StatusOr<std::optional<std::string>> FnCall::StringArg(size_t i) const {
  auto arg = Arg(i);
  if (!arg.ok()) return arg.status();
  if (arg->empty()) return std::optional<std::string>();
  if (arg->size() > 1) return Error(StrCat("argument ", i + 1, " must be a single String"));
  auto v = (*arg)[0].AsSystem();
  if (!v || v->kind() != ValueKind::kString) {
    return Error(StrCat("argument ", i + 1, " must be a String"));
  }
  return std::optional<std::string>(std::string(v->string()));
}

absl::StatusOr<std::optional<int64_t>> FnCall::IntegerArg(size_t i) const {
  auto arg = Arg(i);
  if (!arg.ok()) return arg.status();
  if (arg->empty()) return std::optional<int64_t>();
  if (arg->size() > 1) return Error(StrCat("argument ", i + 1, " must be a single Integer"));
  auto v = (*arg)[0].AsSystem();
  if (!v || v->kind() != ValueKind::kInteger) {
    return Error(StrCat("argument ", i + 1, " must be an Integer"));
  }
  return std::optional<int64_t>(v->integer());
}

absl::StatusOr<std::optional<Value>> FnCall::SingleInput() const {
  if (input.empty()) return std::optional<Value>();
  if (input.size() > 1) return Error("the input must be a single item");
  auto v = input[0].AsSystem();
  if (!v) return Error(StrCat("cannot apply to ", input[0].TypeName()));
  return v;
}

absl::StatusOr<std::optional<std::string>> FnCall::StringInput() const {
  if (input.empty()) return std::optional<std::string>();
  if (input.size() > 1) return Error("the input must be a single String");
  auto v = input[0].AsSystem();
  if (!v || v->kind() != ValueKind::kString) {
    return Error(StrCat("the input must be a String, not ", input[0].TypeName()));
  }
  return std::optional<std::string>(std::string(v->string()));
}

absl::StatusOr<std::optional<bool>> ToBoolean(const Collection& c) {
  if (c.empty()) return std::optional<bool>();
  if (c.size() > 1) {
    return absl::InvalidArgumentError("expected a single Boolean but found several items");
  }
  auto v = c[0].AsSystem();
  if (v && v->kind() == ValueKind::kBoolean) return std::optional<bool>(v->boolean());
  return std::optional<bool>(true);
}

}  // namespace vigil::fhirpath
