#include "fhirpath/eval.h"

#include "base/str.h"
#include "fhirpath/functions.h"
#include "fhirpath/operators.h"

namespace vigil::fhirpath {

bool IsOfType(const Value& item, std::string_view ns, std::string_view type_name,
              bool exact_primitive) {
  if (item.is_node()) {
    if (ns == "System") return false;  // FHIR values are never System-typed
    const fhir::TypeInfo* type = item.node().type;
    if (type == nullptr) return item.TypeName() == type_name;
    // Primitives match their own type only: a code is not "as(string)".
    if (exact_primitive && type->kind == fhir::TypeKind::kPrimitive) return type->name == type_name;
    return type->IsA(type_name);
  }
  if (ns == "FHIR") return false;
  return item.TypeName() == type_name;
}

namespace {

using Result = absl::StatusOr<Collection>;

// A leading type name selects the input items of that type: "Patient.name".
// (No R4 element name starts with an upper-case letter, so this never hides one.)
bool IsTypeFilter(const Node& node) { return node.type_filter != nullptr; }

// One navigation step of a path: `node.name` applied to every item of focus.
void MemberStep(const Node& node, const Collection& focus, Collection* out) {
  if (IsTypeFilter(node)) {
    for (const Value& item : focus) {
      bool same = item.is_node() && item.node().type == node.type_filter;  // the usual case
      if (same || IsOfType(item, "", node.name)) out->push_back(item);
    }
    return;
  }
  for (const Value& item : focus) {
    const fhir::ElementInfo* element = nullptr;
    if (item.is_node()) {
      for (const auto& [type, e] : node.resolved_elements) {
        if (type == item.node().type) element = e;
      }
    }
    if (element != nullptr) {
      ChildrenOfElement(item, *element, out);
    } else {
      ChildrenNamed(item, node.name, out);
    }
  }
}

// A path a.b.c is a chain of kMember nodes. It is walked as a loop over two
// buffers rather than by recursion, so each step costs no call and no copy.
Result Member(const Node& node, const Collection& input, const EvalContext& ctx) {
  constexpr int kMaxSteps = 16;
  const Node* steps[kMaxSteps];
  int count = 0;
  const Node* base = &node;
  while (base != nullptr && base->kind == NodeKind::kMember && count < kMaxSteps) {
    steps[count++] = base;
    base = base->children.empty() ? nullptr : base->children[0].get();
  }
  Collection buffers[2];
  const Collection* focus = &input;
  int next = 0;
  if (base != nullptr) {  // the path starts from another expression (or is very long)
    auto r = Eval(*base, input, ctx);
    if (!r.ok()) return r;
    buffers[0] = std::move(*r);
    focus = &buffers[0];
    next = 1;
  }
  Result result(absl::in_place);  // the last step writes here: returned without a move
  for (int i = count - 1; i >= 0; --i) {
    Collection& out = i == 0 ? *result : buffers[next];
    out.clear();
    MemberStep(*steps[i], *focus, &out);
    focus = &out;
    next ^= 1;
  }
  return result;
}

Result Function(const Node& node, const Collection& input, const EvalContext& ctx) {
  Collection evaluated;
  const Collection* focus = &input;
  if (!node.children.empty()) {
    auto r = Eval(*node.children[0], input, ctx);
    if (!r.ok()) return r;
    evaluated = std::move(*r);
    focus = &evaluated;
  }
  if (node.function == nullptr)
    return EvalError(node, StrCat("unknown function '", node.name, "'"));
  // Arguments are evaluated against $this of the enclosing scope, which for a
  // top-level call is the expression's input.
  EvalContext call_ctx = ctx;
  if (call_ctx.this_items == nullptr) call_ctx.this_items = &input;
  FnCall call{node, *focus, call_ctx};
  return node.function->impl(call);
}

Result Indexer(const Node& node, const Collection& input, const EvalContext& ctx) {
  auto base = Eval(*node.children[0], input, ctx);
  if (!base.ok()) return base;
  auto index = Eval(*node.children[1], input, ctx);
  if (!index.ok()) return index;
  if (index->empty()) return Collection{};
  // A FHIR integer (an element, or a view's constant) indexes like a System Integer.
  std::optional<Value> iv = index->size() == 1 ? (*index)[0].AsSystem() : std::nullopt;
  if (!iv || iv->kind() != ValueKind::kInteger) {
    return EvalError(node, "index must be a single Integer");
  }
  int64_t i = iv->integer();
  if (i < 0 || static_cast<size_t>(i) >= base->size()) return Collection{};
  return Single((*base)[static_cast<size_t>(i)]);
}

Result Unary(const Node& node, const Collection& input, const EvalContext& ctx) {
  auto operand = Eval(*node.children[0], input, ctx);
  if (!operand.ok() || node.name == "+") return operand;
  if (operand->empty()) return Collection{};
  if (operand->size() > 1) return EvalError(node, "unary '-' needs a single item");
  auto v = (*operand)[0].AsSystem();
  if (v && v->kind() == ValueKind::kInteger) return Single(Value::Integer(-v->integer()));
  if (v && v->kind() == ValueKind::kDecimal) return Single(Value::Decimal(-v->decimal()));
  if (v && v->kind() == ValueKind::kQuantity) {
    Quantity q = v->quantity();
    q.value = -q.value;
    return Single(Value::Quantity(std::move(q)));
  }
  return EvalError(node, StrCat("unary '-' cannot be applied to ", (*operand)[0].TypeName()));
}

Result BooleanOp(const Node& node, const Collection& l, const Collection& r) {
  auto a = ToBoolean(l);
  if (!a.ok()) return EvalError(node, Message(a.status()));
  auto b = ToBoolean(r);
  if (!b.ok()) return EvalError(node, Message(b.status()));
  std::optional<bool> x = *a, y = *b, out;
  Op op = node.op;
  if (op == Op::kAnd) {
    if (x == false || y == false)
      out = false;
    else if (x && y)
      out = true;
  } else if (op == Op::kOr) {
    if (x == true || y == true)
      out = true;
    else if (x && y)
      out = false;
  } else if (op == Op::kXor) {
    if (x && y) out = *x != *y;
  } else {  // implies
    if (x == false || y == true)
      out = true;
    else if (x == true && y == false)
      out = false;
  }
  if (!out) return Collection{};
  return Single(Value::Boolean(*out));
}

Result Membership(const Node& node, const Collection& l, const Collection& r) {
  const Collection& element = node.op == Op::kIn ? l : r;
  const Collection& container = node.op == Op::kIn ? r : l;
  if (element.empty()) return Collection{};
  if (element.size() > 1) return EvalError(node, StrCat("'", node.name, "' needs a single item"));
  return Single(Value::Boolean(ContainsEqual(container, element[0])));
}

Result Comparison(const Node& node, const Collection& l, const Collection& r) {
  if (l.empty() || r.empty()) return Collection{};
  if (l.size() > 1 || r.size() > 1) {
    return EvalError(node, StrCat("'", node.name, "' needs single items"));
  }
  auto c = CompareItems(l[0], r[0]);
  if (!c.ok()) return EvalError(node, Message(c.status()));
  if (!c->has_value()) return Collection{};
  int v = **c;
  Op op = node.op;
  bool result = op == Op::kLess          ? v < 0
                : op == Op::kGreater     ? v > 0
                : op == Op::kLessOrEqual ? v <= 0
                                         : v >= 0;
  return Single(Value::Boolean(result));
}

Result Equality(const Node& node, const Collection& l, const Collection& r) {
  Op op = node.op;
  if (op == Op::kEquivalent || op == Op::kNotEquivalent) {
    bool eq = CollectionsEquivalent(l, r);
    return Single(Value::Boolean(op == Op::kEquivalent ? eq : !eq));
  }
  auto eq = CollectionsEqual(l, r);
  if (!eq) return Collection{};
  return Single(Value::Boolean(op == Op::kEqual ? *eq : !*eq));
}

Result Concatenate(const Node& node, const Collection& l, const Collection& r) {
  std::string out;
  for (const Collection* c : {&l, &r}) {
    if (c->empty()) continue;
    if (c->size() > 1) return EvalError(node, "'&' needs single items");
    auto v = (*c)[0].AsSystem();
    if (!v || v->kind() != ValueKind::kString) return EvalError(node, "'&' needs String operands");
    out += v->string();
  }
  return Single(Value::String(std::move(out)));
}

Result BinaryArithmetic(const Node& node, const Collection& l, const Collection& r) {
  if (l.empty() || r.empty()) return Collection{};
  if (l.size() > 1 || r.size() > 1) {
    return EvalError(node, StrCat("'", node.name, "' needs single items"));
  }
  auto out = Arithmetic(node.op, l[0], r[0]);
  if (!out.ok()) return EvalError(node, Message(out.status()));
  return out;
}

Result Binary(const Node& node, const Collection& input, const EvalContext& ctx) {
  auto l = Eval(*node.children[0], input, ctx);
  if (!l.ok()) return l;
  auto r = Eval(*node.children[1], input, ctx);
  if (!r.ok()) return r;
  switch (node.op) {
    case Op::kAnd:
    case Op::kOr:
    case Op::kXor:
    case Op::kImplies: return BooleanOp(node, *l, *r);
    case Op::kIn:
    case Op::kContains: return Membership(node, *l, *r);
    case Op::kEqual:
    case Op::kNotEqual:
    case Op::kEquivalent:
    case Op::kNotEquivalent: return Equality(node, *l, *r);
    case Op::kLess:
    case Op::kGreater:
    case Op::kLessOrEqual:
    case Op::kGreaterOrEqual: return Comparison(node, *l, *r);
    case Op::kUnion: return UnionOf(*l, *r);
    case Op::kConcat: return Concatenate(node, *l, *r);
    default: return BinaryArithmetic(node, *l, *r);
  }
}

Result TypeOp(const Node& node, const Collection& input, const EvalContext& ctx) {
  auto operand = Eval(*node.children[0], input, ctx);
  if (!operand.ok()) return operand;
  std::string_view type_name = node.literal->string();
  if (node.name == "as") {
    // Over several items 'as' filters like ofType(): R4's own search parameters
    // rely on it ("(Observation.component.value as Quantity)").
    Collection out;
    for (const Value& item : *operand) {
      if (IsOfType(item, node.type_namespace, type_name, true)) out.push_back(item);
    }
    return out;
  }
  if (operand->empty()) return Collection{};
  if (operand->size() > 1) return EvalError(node, "'is' needs a single item");
  return Single(Value::Boolean(IsOfType((*operand)[0], node.type_namespace, type_name)));
}

Result Variable(const Node& node, const EvalContext& ctx) {
  const std::string& name = node.name;
  if (ctx.options != nullptr) {
    auto it = ctx.options->variables.find(name);
    if (it != ctx.options->variables.end()) return it->second;
  }
  if (name == "resource" || name == "rootResource") return *ctx.resource;
  if (name == "context") return *ctx.context;
  if (name == "ucum") return Single(Value::String("http://unitsofmeasure.org"));
  if (name == "sct") return Single(Value::String("http://snomed.info/sct"));
  if (name == "loinc") return Single(Value::String("http://loinc.org"));
  if (name.rfind("vs-", 0) == 0) {
    return Single(Value::String(StrCat("http://hl7.org/fhir/ValueSet/", name.substr(3))));
  }
  if (name.rfind("ext-", 0) == 0) {
    return Single(
        Value::String(StrCat("http://hl7.org/fhir/StructureDefinition/", name.substr(4))));
  }
  return EvalError(node, StrCat("unknown variable '%", name, "'"));
}

}  // namespace

absl::Status EvalError(const Node& node, std::string_view message) {
  return absl::InvalidArgumentError(
      StrCat("line ", node.line, ", column ", node.column, ": ", message));
}

namespace {

// EvalOptions' size limits, checked on every intermediate result.
absl::Status CheckLimits(const Node& node, const Collection& result, const EvalOptions& limits) {
  if (result.size() > limits.max_collection_size) {
    return EvalError(node, StrCat("result has more than ", limits.max_collection_size,
                                  " items (EvalOptions::max_collection_size)"));
  }
  // Strings only grow through operations on single strings, so checking
  // single-item results catches every runaway string.
  if (result.size() == 1 && result[0].kind() == ValueKind::kString &&
      result[0].string().size() > limits.max_string_bytes) {
    return EvalError(node, StrCat("a string result is longer than ", limits.max_string_bytes,
                                  " bytes (EvalOptions::max_string_bytes)"));
  }
  return absl::OkStatus();
}

Result Dispatch(const Node& node, const Collection& input, const EvalContext& ctx) {
  switch (node.kind) {
    case NodeKind::kLiteral: return Single(*node.literal);
    case NodeKind::kEmpty: return Collection{};
    case NodeKind::kMember: return Member(node, input, ctx);
    case NodeKind::kFunction: return Function(node, input, ctx);
    case NodeKind::kIndexer: return Indexer(node, input, ctx);
    case NodeKind::kUnary: return Unary(node, input, ctx);
    case NodeKind::kBinary: return Binary(node, input, ctx);
    case NodeKind::kTypeOp: return TypeOp(node, input, ctx);
    case NodeKind::kVariable: return Variable(node, ctx);
    case NodeKind::kThis: return ctx.this_items ? *ctx.this_items : input;
    case NodeKind::kIndex: return Single(Value::Integer(ctx.index));
    case NodeKind::kTotal:
      if (ctx.total == nullptr) return EvalError(node, "$total is only defined in aggregate()");
      return *ctx.total;
  }
  return EvalError(node, "unknown expression");
}

}  // namespace

absl::StatusOr<Collection> Eval(const Node& node, const Collection& input, const EvalContext& ctx) {
  Result result = Dispatch(node, input, ctx);
  // One return of `result` keeps the copy elided on this hot path.
  if (result.ok() && ctx.options != nullptr) {
    absl::Status limit = CheckLimits(node, *result, *ctx.options);
    if (!limit.ok()) result = std::move(limit);
  }
  return result;
}

}  // namespace vigil::fhirpath
