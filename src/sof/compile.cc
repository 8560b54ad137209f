// ViewDefinition JSON -> ViewPlan: validation and one-time compilation of every
// FHIRPath expression. See plan.h for the invariants this establishes.
#include <fmt/ranges.h>

#include <cctype>
#include <set>

#include "base/str.h"
#include "sof/plan.h"
#include "sof/view.h"

namespace vigil::sof {
namespace {

absl::Status Invalid(std::string_view where, std::string_view message) {
  return absl::InvalidArgumentError(StrCat(where, ": ", message));
}

class Compiler {
 public:
  explicit Compiler(ViewPlan* plan) : plan_(plan) {}

  // Compiles the select list `selects` (a JSON array) into *out.
  absl::Status SelectList(const fhir::Json& selects, std::string_view where, bool on_resource,
                          std::vector<SelectPlan>* out) {
    if (!selects.is_array()) return Invalid(where, "must be an array");
    for (size_t i = 0; i < selects.items().size(); ++i) {
      SelectPlan select;
      std::string at = StrCat(where, "[", i, "]");
      if (auto s = Select(selects.items()[i], at, on_resource, &select); !s.ok()) return s;
      out->push_back(std::move(select));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<fhirpath::Expression> Path(const fhir::Json* text, std::string_view where,
                                            bool on_resource) {
    if (text == nullptr || !text->is_string()) return Invalid(where, "must be a FHIRPath string");
    fhirpath::CompileOptions options;
    // Paths evaluated on the resource itself are checked against its type; inside
    // forEach the focus type is not tracked, so those paths are checked at run time.
    if (on_resource) options.root_type = plan_->resource_type;
    auto expr = fhirpath::Expression::Compile(text->text(), options);
    if (!expr.ok()) return Invalid(where, StrCat("'", text->text(), "': ", Message(expr.status())));
    return expr;
  }

 private:
  absl::Status Select(const fhir::Json& json, const std::string& at, bool on_resource,
                      SelectPlan* select) {
    if (!json.is_object()) return Invalid(at, "must be an object");
    select->first_slot = plan_->columns.size();
    if (auto s = Iterate(json, at, on_resource, select); !s.ok()) return s;
    bool inner_on_resource = on_resource && select->iteration == Iteration::kNone;
    if (const fhir::Json* columns = json.Find("column")) {
      if (!columns->is_array()) return Invalid(at + ".column", "must be an array");
      for (size_t i = 0; i < columns->items().size(); ++i) {
        std::string col_at = StrCat(at, ".column[", i, "]");
        if (auto s = Column(columns->items()[i], col_at, inner_on_resource, select); !s.ok()) {
          return s;
        }
      }
    }
    if (const fhir::Json* nested = json.Find("select")) {
      auto s = SelectList(*nested, at + ".select", inner_on_resource, &select->selects);
      if (!s.ok()) return s;
    }
    if (const fhir::Json* branches = json.Find("unionAll")) {
      auto s = UnionAll(*branches, at + ".unionAll", inner_on_resource, select);
      if (!s.ok()) return s;
    }
    select->end_slot = plan_->columns.size();
    return absl::OkStatus();
  }

  absl::Status Iterate(const fhir::Json& json, const std::string& at, bool on_resource,
                       SelectPlan* select) {
    const fhir::Json* for_each = json.Find("forEach");
    const fhir::Json* or_null = json.Find("forEachOrNull");
    const fhir::Json* repeat = json.Find("repeat");
    if ((for_each != nullptr) + (or_null != nullptr) + (repeat != nullptr) > 1) {
      return Invalid(at, "only one of forEach, forEachOrNull and repeat may be given");
    }
    if (for_each != nullptr || or_null != nullptr) {
      bool plain = for_each != nullptr;
      auto expr = Path(plain ? for_each : or_null,
                       StrCat(at, plain ? ".forEach" : ".forEachOrNull"), on_resource);
      if (!expr.ok()) return expr.status();
      select->for_each = std::move(*expr);
      select->iteration = plain ? Iteration::kForEach : Iteration::kForEachOrNull;
    }
    if (repeat != nullptr) {
      if (!repeat->is_array() || repeat->items().empty()) {
        return Invalid(at + ".repeat", "must be a non-empty array of FHIRPath strings");
      }
      for (size_t i = 0; i < repeat->items().size(); ++i) {
        // Repeated paths apply to nested elements too, so never to the resource type.
        auto expr = Path(&repeat->items()[i], StrCat(at, ".repeat[", i, "]"), false);
        if (!expr.ok()) return expr.status();
        select->repeat.push_back(std::move(*expr));
      }
      select->iteration = Iteration::kRepeat;
    }
    return absl::OkStatus();
  }

  absl::Status Column(const fhir::Json& json, const std::string& at, bool on_resource,
                      SelectPlan* select) {
    if (!json.is_object()) return Invalid(at, "must be an object");
    const fhir::Json* name = json.Find("name");
    if (name == nullptr || !name->is_string()) return Invalid(at, "needs a string 'name'");
    if (!IsValidName(name->text())) {
      return Invalid(at, StrCat("invalid column name '", name->text(),
                                "' (a letter, then letters, digits or '_')"));
    }
    auto path = Path(json.Find("path"), at + ".path", on_resource);
    if (!path.ok()) return path.status();
    ColumnInfo info;
    info.name = name->text();
    if (const fhir::Json* type = json.Find("type")) {
      // A FHIR type name ("string", "dateTime") or a StructureDefinition URI.
      if (!type->is_string() || (fhir::FindType(type->text()) == nullptr &&
                                 type->text().find(':') == std::string::npos)) {
        return Invalid(at + ".type", "must be a FHIR type name or a type URI");
      }
      info.type = type->text();
    }
    if (const fhir::Json* collection = json.Find("collection")) {
      if (!collection->is_bool()) return Invalid(at + ".collection", "must be a boolean");
      info.collection = collection->bool_value();
    }
    select->columns.push_back(
        ColumnPlan{std::move(*path), plan_->columns.size(), info.collection, info.name});
    plan_->columns.push_back(std::move(info));
    return absl::OkStatus();
  }

  // Every branch is compiled as if it were alone; the second and later ones must
  // then have exactly the first one's columns, and are moved onto its slots.
  absl::Status UnionAll(const fhir::Json& branches, const std::string& at, bool on_resource,
                        SelectPlan* select) {
    if (!branches.is_array()) return Invalid(at, "must be an array");
    size_t first = plan_->columns.size();
    size_t end = first;
    for (size_t i = 0; i < branches.items().size(); ++i) {
      std::string branch_at = StrCat(at, "[", i, "]");
      SelectPlan branch;
      auto s = Select(branches.items()[i], branch_at, on_resource, &branch);
      if (!s.ok()) return s;
      if (i == 0) {
        end = plan_->columns.size();
      } else {
        if (auto m = SameColumns(first, end, branch_at); !m.ok()) return m;
        Shift(end - first, &branch);
        plan_->columns.resize(end);
      }
      select->union_all.push_back(std::move(branch));
    }
    return absl::OkStatus();
  }

  // Whether the columns added after `end` repeat [first, end) by name and order.
  absl::Status SameColumns(size_t first, size_t end, const std::string& at) const {
    const std::vector<ColumnInfo>& cols = plan_->columns;
    size_t n = end - first;
    bool same = cols.size() - end == n;
    for (size_t k = 0; same && k < n; ++k) same = cols[end + k].name == cols[first + k].name;
    if (same) return absl::OkStatus();
    std::vector<std::string_view> want, got;
    for (size_t k = first; k < end; ++k) want.push_back(cols[k].name);
    for (size_t k = end; k < cols.size(); ++k) got.push_back(cols[k].name);
    return Invalid(at, fmt::format("unionAll branches must have the same columns in the same "
                                   "order: expected ({}), got ({})",
                                   fmt::join(want, ", "), fmt::join(got, ", ")));
  }

  // Moves a compiled subtree's slots down by delta.
  static void Shift(size_t delta, SelectPlan* select) {
    select->first_slot -= delta;
    select->end_slot -= delta;
    for (ColumnPlan& c : select->columns) c.slot -= delta;
    for (SelectPlan& s : select->selects) Shift(delta, &s);
    for (SelectPlan& s : select->union_all) Shift(delta, &s);
  }

  ViewPlan* plan_;
};

absl::Status UniqueNames(const std::vector<ColumnInfo>& columns) {
  std::set<std::string_view> names;
  for (const ColumnInfo& c : columns) {
    if (!names.insert(c.name).second) {
      return Invalid("select", StrCat("duplicate column name '", c.name, "'"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidName(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

absl::StatusOr<std::unique_ptr<ViewPlan>> CompileView(const fhir::Json& definition) {
  if (!definition.is_object()) return Invalid("ViewDefinition", "must be a JSON object");
  auto plan = std::make_unique<ViewPlan>();
  plan->definition = std::make_unique<const fhir::Json>(definition);
  const fhir::Json* resource = definition.Find("resource");
  if (resource == nullptr || !resource->is_string()) {
    return Invalid("resource", "the ViewDefinition must name its resource type");
  }
  if (!fhir::IsResourceType(resource->text())) {
    return Invalid("resource", StrCat("unknown resource type '", resource->text(), "'"));
  }
  plan->resource_type = resource->text();
  if (auto s = CompileConstants(plan.get()); !s.ok()) return s;
  const fhir::Json* select = definition.Find("select");
  if (select == nullptr || !select->is_array() || select->items().empty()) {
    return Invalid("select", "the ViewDefinition needs a non-empty select array");
  }
  Compiler compiler(plan.get());
  if (auto s = compiler.SelectList(*select, "select", true, &plan->root.selects); !s.ok()) {
    return s;
  }
  plan->root.end_slot = plan->columns.size();
  if (plan->columns.empty()) return Invalid("select", "the view has no columns");
  if (auto s = UniqueNames(plan->columns); !s.ok()) return s;
  if (const fhir::Json* where = definition.Find("where")) {
    if (!where->is_array()) return Invalid("where", "must be an array");
    for (size_t i = 0; i < where->items().size(); ++i) {
      const fhir::Json& clause = where->items()[i];
      std::string at = StrCat("where[", i, "].path");
      auto expr = compiler.Path(clause.is_object() ? clause.Find("path") : nullptr, at, true);
      if (!expr.ok()) return expr.status();
      plan->where.push_back(std::move(*expr));
    }
  }
  return plan;
}

}  // namespace vigil::sof
