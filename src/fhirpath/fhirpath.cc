#include "fhirpath/fhirpath.h"

#include "base/str.h"
#include "fhirpath/ast.h"
#include "fhirpath/check.h"
#include "fhirpath/eval.h"
#include "fhirpath/parser.h"

namespace vigil::fhirpath {

absl::StatusOr<Expression> Expression::Compile(std::string_view text,
                                               const CompileOptions& options) {
  auto root = Parse(text);
  if (!root.ok()) return root.status();
  const fhir::TypeInfo* root_type = nullptr;
  if (!options.root_type.empty()) {
    root_type = fhir::FindType(options.root_type);
    if (root_type == nullptr) {
      return absl::InvalidArgumentError(StrCat("unknown root type '", options.root_type, "'"));
    }
  }
  if (auto s = Check(**root, root_type); !s.ok()) return s;
  return Expression(std::string(text), std::shared_ptr<const Node>(std::move(*root)), root_type);
}

absl::StatusOr<Collection> Expression::Evaluate(const fhir::Json& resource,
                                                const EvalOptions& options) const {
  // The resource is usually of the type the expression was compiled for: reuse
  // that TypeInfo instead of looking resourceType up again.
  const fhir::Json* rt = resource.is_object() ? resource.Find("resourceType") : nullptr;
  bool expected =
      root_type_ != nullptr && rt != nullptr && rt->is_string() && rt->text() == root_type_->name;
  Collection input{expected ? Value::Node(NodeRef{&resource, root_type_}) : ResourceNode(resource)};
  EvalContext ctx;
  ctx.options = &options;
  ctx.resource = &input;
  ctx.context = &input;
  return Eval(*root_, input, ctx);
}

absl::StatusOr<Collection> Expression::Evaluate(const Collection& input,
                                                const fhir::Json& root_resource,
                                                const EvalOptions& options) const {
  Collection resource{ResourceNode(root_resource)};
  EvalContext ctx;
  ctx.options = &options;
  ctx.resource = &resource;
  ctx.context = &input;
  // Result nodes point into the caller's Json (never into `resource` itself,
  // which only holds a pointer to it), so they stay valid after we return.
  return Eval(*root_, input, ctx);
}

}  // namespace vigil::fhirpath
