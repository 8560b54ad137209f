// Executes a ViewPlan over one resource.
//
// Rows are produced in continuation-passing style over one buffer of cells: a
// select fills its columns' slots, then hands over to the next part of the
// row (its nested selects, then its unionAll, then whatever follows it in the
// parent), and the last continuation emits the buffer. The cross product of a
// select's parts therefore needs no intermediate row sets, and a row costs no
// allocation beyond what FHIRPath results need.
#include "base/str.h"
#include "sof/plan.h"
#include "sof/view.h"

namespace vigil::sof {
namespace {

using fhirpath::Collection;
using fhirpath::Value;
using Next = absl::FunctionRef<absl::Status()>;

// repeat: how deep nested elements may go before the view is considered runaway
// (e.g. repeat: ["$this"]); FHIR data is rarely deeper than 10.
constexpr int kMaxRepeatDepth = 64;

}  // namespace

class ViewRunner::Impl {
 public:
  explicit Impl(const ViewPlan& plan)
      : plan_(plan), type_(fhir::FindType(plan.resource_type)), cells_(plan.columns.size()) {
    options_.variables = plan.constants;
    row_index_ = &options_.variables["rowIndex"];
  }

  absl::Status Run(const fhir::Json& resource, RowCallback emit) {
    const fhir::Json* type = resource.Find("resourceType");
    if (type == nullptr || !type->is_string() || type->text() != plan_.resource_type) {
      return absl::OkStatus();
    }
    resource_ = &resource;
    Collection root{Value::Node(fhirpath::NodeRef{&resource, type_})};
    auto keep = Where(root);
    if (!keep.ok() || !*keep) return keep.status();
    Row row(cells_);
    return Parts(plan_.root, root[0], 0, 0, [&] { return emit(row); });
  }

 private:
  absl::StatusOr<bool> Where(const Collection& root) {
    for (const fhirpath::Expression& where : plan_.where) {
      SetRowIndex(0);
      auto result = where.Evaluate(root, *resource_, options_);
      if (!result.ok()) return Error("where", where, result.status());
      if (result->empty()) return false;
      std::optional<Value> v = result->size() == 1 ? (*result)[0].AsSystem() : std::nullopt;
      if (!v || v->kind() != fhirpath::ValueKind::kBoolean) {
        return absl::InvalidArgumentError(
            StrCat("where '", where.text(), "' must give a Boolean, not ",
                   result->size() == 1 ? (*result)[0].TypeName() : "several items"));
      }
      if (!v->boolean()) return false;
    }
    return true;
  }

  // The rows of `select` under parent (the parent's focus and %rowIndex).
  absl::Status Select(const SelectPlan& select, const Value& parent, int64_t parent_index,
                      Next next) {
    if (select.iteration == Iteration::kNone) return Parts(select, parent, parent_index, 0, next);
    Collection items;
    SetRowIndex(parent_index);
    if (select.iteration == Iteration::kRepeat) {
      if (auto s = Repeat(select, parent, 0, &items); !s.ok()) return s;
    } else {
      auto result = select.for_each->Evaluate(Collection{parent}, *resource_, options_);
      if (!result.ok()) return Error("forEach", *select.for_each, result.status());
      items = std::move(*result);
    }
    if (items.empty() && select.iteration == Iteration::kForEachOrNull) {
      return NullRow(select, next);
    }
    for (size_t i = 0; i < items.size(); ++i) {
      if (auto s = Parts(select, items[i], static_cast<int64_t>(i), 0, next); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // Part `part` of select for one focus: 0 = its columns, then each nested
  // select, then its unionAll; past the last part, `next`.
  absl::Status Parts(const SelectPlan& select, const Value& focus, int64_t index, size_t part,
                     Next next) {
    if (part == 0) {
      if (auto s = Columns(select, focus, index); !s.ok()) return s;
      return Parts(select, focus, index, 1, next);
    }
    size_t k = part - 1;
    if (k < select.selects.size()) {
      return Select(select.selects[k], focus, index,
                    [&] { return Parts(select, focus, index, part + 1, next); });
    }
    if (k == select.selects.size() && !select.union_all.empty()) {
      for (const SelectPlan& branch : select.union_all) {
        if (auto s = Select(branch, focus, index, next); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    return next();
  }

  // forEachOrNull without items: one row in which the whole subtree is null,
  // except that the select's own columns are evaluated on an empty focus with
  // %rowIndex 0 (so a %rowIndex column reads 0, as the suite expects).
  absl::Status NullRow(const SelectPlan& select, Next next) {
    for (size_t i = select.first_slot; i < select.end_slot; ++i) cells_[i].clear();
    if (auto s = Columns(select, Collection{}, 0); !s.ok()) return s;
    return next();
  }

  absl::Status Columns(const SelectPlan& select, const Value& focus, int64_t index) {
    return Columns(select, Collection{focus}, index);
  }

  absl::Status Columns(const SelectPlan& select, const Collection& input, int64_t index) {
    if (select.columns.empty()) return absl::OkStatus();
    SetRowIndex(index);
    for (const ColumnPlan& column : select.columns) {
      auto result = column.path.Evaluate(input, *resource_, options_);
      if (!result.ok()) {
        return Error(StrCat("column '", column.name, "': path"), column.path, result.status());
      }
      if (!column.collection && result->size() > 1) {
        return absl::InvalidArgumentError(
            StrCat("column '", column.name, "': '", column.path.text(), "' gave ", result->size(),
                   " values; a column that is not a collection takes at most one"));
      }
      cells_[column.slot] = std::move(*result);
    }
    return absl::OkStatus();
  }

  // Appends every element reachable from node through the repeat paths, depth
  // first, each element before its own descendants.
  absl::Status Repeat(const SelectPlan& select, const Value& node, int depth, Collection* out) {
    if (depth > kMaxRepeatDepth) {
      return absl::InvalidArgumentError(
          StrCat("repeat: elements nested deeper than ", kMaxRepeatDepth));
    }
    Collection input{node};
    for (const fhirpath::Expression& path : select.repeat) {
      auto children = path.Evaluate(input, *resource_, options_);
      if (!children.ok()) return Error("repeat", path, children.status());
      for (const Value& child : *children) {
        out->push_back(child);
        if (auto s = Repeat(select, child, depth + 1, out); !s.ok()) return s;
      }
    }
    return absl::OkStatus();
  }

  void SetRowIndex(int64_t index) {
    if (row_index_->size() == 1 && (*row_index_)[0].integer() == index) return;
    row_index_->clear();
    row_index_->push_back(Value::Integer(index));
  }

  static absl::Status Error(std::string_view what, const fhirpath::Expression& expr,
                            const absl::Status& status) {
    return absl::Status(status.code(), StrCat(what, " '", expr.text(), "': ", Message(status)));
  }

  const ViewPlan& plan_;
  const fhir::TypeInfo* type_;  // of plan_.resource_type
  const fhir::Json* resource_ = nullptr;
  fhirpath::EvalOptions options_;
  Collection* row_index_;  // options_.variables["rowIndex"]
  std::vector<Collection> cells_;
};

ViewRunner::ViewRunner(const View& view) : impl_(std::make_unique<Impl>(view.plan())) {}
ViewRunner::~ViewRunner() = default;

absl::Status ViewRunner::Run(const fhir::Json& resource, RowCallback emit) {
  return impl_->Run(resource, emit);
}

absl::StatusOr<View> View::Compile(const fhir::Json& view_definition) {
  auto plan = CompileView(view_definition);
  if (!plan.ok()) return plan.status();
  return View(std::shared_ptr<const ViewPlan>(std::move(*plan)));
}

const std::string& View::resource_type() const { return plan_->resource_type; }
const std::vector<ColumnInfo>& View::columns() const { return plan_->columns; }

}  // namespace vigil::sof
