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

Value Expression::RootNode(const fhir::Json& resource) const {
  // The resource is usually of the type the expression was compiled for: reuse
  // that TypeInfo instead of looking resourceType up again.
  const fhir::Json* rt = resource.is_object() ? resource.Find("resourceType") : nullptr;
  if (root_type_ != nullptr && rt != nullptr && rt->is_string() && rt->text() == root_type_->name) {
    return Value::Node(NodeRef{&resource, root_type_});
  }
  return ResourceNode(resource);
}

absl::StatusOr<Collection> Expression::Run(const Collection& input, const Collection& resource,
                                           const EvalOptions& options) const {
  EvalContext ctx;
  ctx.options = &options;
  ctx.resource = &resource;
  ctx.context = &input;
  // Result nodes point into the caller's Json (never into the collections here,
  // which only hold pointers to it), so they stay valid after we return.
  return Eval(*root_, input, ctx);
}

absl::StatusOr<Collection> Expression::Evaluate(const fhir::Json& resource,
                                                const EvalOptions& options) const {
  Collection input{RootNode(resource)};
  return Run(input, input, options);
}

absl::StatusOr<Collection> Expression::Evaluate(const Collection& input,
                                                const fhir::Json& root_resource,
                                                const EvalOptions& options) const {
  return Run(input, Collection{RootNode(root_resource)}, options);
}

}  // namespace vigil::fhirpath
