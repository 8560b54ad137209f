#include "store/sqlite/sqlite_query.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <variant>

#include "base/str.h"
#include "store/range_match.h"

namespace vigil::store::sqlite_internal {
namespace {

const char* TableOf(RowKind kind) {
  switch (kind) {
    case RowKind::kToken: return "idx_token";
    case RowKind::kString: return "idx_string";
    case RowKind::kDate: return "idx_date";
    case RowKind::kNumber: return "idx_number";
    case RowKind::kQuantity: return "idx_quantity";
    case RowKind::kReference: return "idx_reference";
    case RowKind::kUri: return "idx_uri";
    case RowKind::kId: return nullptr;
    case RowKind::kComposite: return "idx_composite";
  }
  return nullptr;
}

// The row table a predicate reads, or nullptr for resource-level predicates
// (MissingMatch, ReverseChainMatch, IdMatch, CompartmentMatch: the latter reads
// idx_reference over several params, see CompartmentCondition).
const char* RowTableOf(const Predicate& p) {
  if (std::holds_alternative<TokenMatch>(p) || std::holds_alternative<TokenTextMatch>(p)) {
    return "idx_token";
  }
  if (std::holds_alternative<StringMatch>(p)) return "idx_string";
  if (std::holds_alternative<NumberMatch>(p)) return "idx_number";
  if (std::holds_alternative<DateMatch>(p)) return "idx_date";
  if (std::holds_alternative<QuantityMatch>(p)) return "idx_quantity";
  if (std::holds_alternative<ReferenceMatch>(p) || std::holds_alternative<ChainMatch>(p)) {
    return "idx_reference";
  }
  if (std::holds_alternative<UriMatch>(p)) return "idx_uri";
  return nullptr;
}

class Builder {
 public:
  explicit Builder(int64_t now_ms) : now_ms_(now_ms) {}

  SqlText Take() { return {std::move(out_), std::move(args_)}; }

  void Text(std::string_view s) { out_ += s; }
  void Arg(SqlValue v) {
    out_ += '?';
    args_.push_back(std::move(v));
  }

  // Conditions making resource alias `r` a match of `q`.
  void Where(const Query& q, const std::string& r) {
    std::optional<size_t> driver = PickDriver(q);
    if (driver) {
      // A unary + keeps the planner off the (type, id) index so that the
      // driver's rid list is what it iterates; an _id driver uses that index.
      DriverClause(q.all_of[*driver], r);
      Text(std::holds_alternative<IdMatch>(q.all_of[*driver].any_of[0]) ? " AND " : " AND +");
    }
    Text(r + ".type = ");
    Arg(q.type);
    Text(" AND " + r + ".deleted = 0");
    for (size_t i = 0; i < q.all_of.size(); ++i) {
      if (driver && i == *driver) continue;
      Text(" AND ");
      ClauseExpr(q.all_of[i], r);
    }
  }

  // "(SELECT MIN(..) ...)" for a sort key on resource alias r.
  void SortExpr(const SortKey& k, const std::string& r) {
    if (k.kind == RowKind::kId) {
      Text(r + ".id");
      return;
    }
    const char* column = "";
    switch (k.kind) {
      case RowKind::kToken: column = "x.code"; break;
      case RowKind::kString: column = "x.norm"; break;
      case RowKind::kDate: column = "x.low"; break;
      case RowKind::kNumber:
      case RowKind::kQuantity: column = "x.value"; break;
      case RowKind::kReference:
        column =
            "CASE WHEN x.target_id <> '' THEN x.target_type || '/' || x.target_id ELSE x.url END";
        break;
      case RowKind::kUri: column = "x.value"; break;
      case RowKind::kId: break;
      case RowKind::kComposite: column = "NULL"; break;  // not sortable
    }
    Text(StrCat("(SELECT ", k.descending ? "MAX(" : "MIN(", column, ") FROM ", TableOf(k.kind),
                " x WHERE x.rid = ", r, ".rid AND "));
    ReadRows("x", RowFilter::Of(k));
    Text(")");
  }

 private:
  std::string NewAlias(char prefix) { return StrCat(prefix, next_alias_++); }

  // Lower is more selective; nullopt = cannot drive.
  static std::optional<int> DriverRank(const Clause& c) {
    if (c.negate || c.any_of.empty()) return std::nullopt;
    auto all = [&](auto pred) {
      for (const Predicate& p : c.any_of) {
        if (!pred(p)) return false;
      }
      return true;
    };
    if (all([](const Predicate& p) { return std::holds_alternative<IdMatch>(p); })) return 0;
    if (all([](const Predicate& p) {
          auto* m = std::get_if<CompartmentMatch>(&p);
          return m != nullptr && !m->target_id.empty();
        })) {
      return 1;
    }
    if (all([](const Predicate& p) {
          auto* ref = std::get_if<ReferenceMatch>(&p);
          return (ref != nullptr && !ref->target_id.empty()) ||
                 std::holds_alternative<ChainMatch>(p);
        })) {
      return 1;
    }
    if (all([](const Predicate& p) {
          auto* t = std::get_if<TokenMatch>(&p);
          return t != nullptr && t->code.has_value();
        })) {
      return 2;
    }
    if (all([](const Predicate& p) {
          auto* m = std::get_if<CompositeMatch>(&p);
          auto* t =
              m == nullptr || m->parts.empty() ? nullptr : std::get_if<TokenMatch>(&m->parts[0]);
          return t != nullptr && t->code.has_value();
        })) {
      return 2;  // idx_composite_code
    }
    if (all([](const Predicate& p) {
          auto* s = std::get_if<StringMatch>(&p);
          auto* u = std::get_if<UriMatch>(&p);
          return (s != nullptr && s->mode == StringMatch::Mode::kStartsWith) ||
                 (u != nullptr && u->mode != UriMatch::Mode::kAbove);
        }) &&
        RowTableOf(c.any_of[0]) != nullptr) {
      bool same = true;
      for (const Predicate& p : c.any_of) same = same && RowTableOf(p) == RowTableOf(c.any_of[0]);
      if (same) return 3;
    }
    return std::nullopt;
  }

  static std::optional<size_t> PickDriver(const Query& q) {
    std::optional<size_t> best;
    std::optional<int> best_rank;
    for (size_t i = 0; i < q.all_of.size(); ++i) {
      std::optional<int> rank = DriverRank(q.all_of[i]);
      if (rank && (!best_rank || *rank < *best_rank)) {
        best = i;
        best_rank = rank;
      }
    }
    return best;
  }

  void DriverClause(const Clause& c, const std::string& r) {
    if (std::holds_alternative<CompositeMatch>(c.any_of[0])) {
      Text(r + ".rid IN (");
      std::optional<RowFilter> rows = CompositeRowsOf(c);
      const char* sep = "";
      for (const Predicate& p : c.any_of) {
        const auto& m = std::get<CompositeMatch>(p);
        if (rows) {
          Text(std::exchange(sep, " UNION "));
          CompositeSelect(m, *rows, "");
        }
        for (const ComponentRows& parts : c.component_rows) {
          Text(std::exchange(sep, " UNION "));
          ComponentRowsSelect(m, parts);
        }
      }
      Text(")");
      return;
    }
    if (std::holds_alternative<IdMatch>(c.any_of[0])) {
      Text(r + ".id IN (");
      for (size_t i = 0; i < c.any_of.size(); ++i) {
        if (i > 0) Text(", ");
        Arg(std::get<IdMatch>(c.any_of[i]).id);
      }
      Text(")");
      return;
    }
    if (std::holds_alternative<ReferenceMatch>(c.any_of[0]) ||
        std::holds_alternative<ChainMatch>(c.any_of[0]) ||
        std::holds_alternative<CompartmentMatch>(c.any_of[0])) {
      ReferenceDriver(c, r);
      return;
    }
    std::string x = NewAlias('x');
    Text(
        StrCat(r, ".rid IN (SELECT ", x, ".rid FROM ", RowTableOf(c.any_of[0]), " ", x, " WHERE "));
    ReadRows(x, RowFilter::Of(c));
    Text(" AND (");
    for (size_t i = 0; i < c.any_of.size(); ++i) {
      if (i > 0) Text(" OR ");
      Text("(");
      RowCondition(c.any_of[i], x);
      Text(")");
    }
    Text("))");
  }

  // A driving clause of reference predicates (ReferenceMatch with an id,
  // ChainMatch) or of CompartmentMatch with an id: "r.rid IN (<rows whose
  // target_rid is a target's> UNION ALL <unresolved rows matching by
  // target_type and target_id>)", each half through its partial index.
  void ReferenceDriver(const Clause& c, const std::string& r) {
    Text(r + ".rid IN (");
    bool compartment = std::holds_alternative<CompartmentMatch>(c.any_of[0]);
    for (size_t i = 0; i < c.any_of.size(); ++i) {
      // A compartment match reads its own params; the others the clause's.
      std::string x = NewAlias('x');
      std::string t = NewAlias('t');
      Text(StrCat("SELECT ", x, ".rid FROM idx_reference ", x, " WHERE ", x,
                  ".target_rid IN (SELECT ", t, ".rid FROM resources ", t, " WHERE "));
      TargetCondition(c.any_of[i], t);
      Text(StrCat(") AND ", x, ".target_rid IS NOT NULL AND "));
      if (compartment) {
        InList(x + ".param", std::get<CompartmentMatch>(c.any_of[i]).params);
      } else {
        ReadRows(x, RowFilter::Of(c));
      }
      Text(" UNION ALL ");
    }
    std::string x = NewAlias('x');
    Text(StrCat("SELECT ", x, ".rid FROM idx_reference ", x, " WHERE ", x,
                ".target_rid IS NULL AND "));
    if (!compartment) {
      ReadRows(x, RowFilter::Of(c));
      Text(" AND ");
    }
    Text("(");
    for (size_t i = 0; i < c.any_of.size(); ++i) {
      if (i > 0) Text(" OR ");
      Text("(");
      if (compartment) {
        CompartmentCondition(std::get<CompartmentMatch>(c.any_of[i]), x);
      } else {
        RowCondition(c.any_of[i], x);
      }
      Text(")");
    }
    Text("))");
  }

  // The condition on resource alias t of being a target `p` names (a
  // driving reference or compartment predicate, see DriverRank).
  void TargetCondition(const Predicate& p, const std::string& t) {
    if (auto* m = std::get_if<ReferenceMatch>(&p)) {
      if (!m->target_type.empty()) {
        Eq(t + ".type", m->target_type);
        Text(" AND ");
      } else if (!m->target_types.empty()) {
        InList(t + ".type", m->target_types);
        Text(" AND ");
      }
      Eq(t + ".id", m->target_id);
    } else if (auto* m = std::get_if<CompartmentMatch>(&p)) {
      Eq(t + ".type", m->target_type);
      Text(" AND ");
      Eq(t + ".id", m->target_id);
    } else if (auto* m = std::get_if<ChainMatch>(&p); m != nullptr && m->target) {
      Where(*m->target, t);
    } else {
      Text("0");
    }
  }

  // "<column> IN (?, ...)".
  void InList(const std::string& column, const std::vector<std::string>& values) {
    Text(column + " IN (");
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) Text(", ");
      Arg(values[i]);
    }
    Text(")");
  }

  void ClauseExpr(const Clause& c, const std::string& r) {
    Text(c.negate ? "NOT (" : "(");
    if (c.any_of.empty()) Text("0");
    for (size_t i = 0; i < c.any_of.size(); ++i) {
      if (i > 0) Text(" OR ");
      PredicateExpr(c, c.any_of[i], r);
    }
    Text(")");
  }

  void PredicateExpr(const Clause& c, const Predicate& p, const std::string& r) {
    if (const char* table = RowTableOf(p)) {
      std::string x = NewAlias('x');
      Text(
          StrCat("EXISTS (SELECT 1 FROM ", table, " ", x, " WHERE ", x, ".rid = ", r, ".rid AND "));
      ReadRows(x, RowFilter::Of(c));
      Text(" AND (");
      // "+x.col" keeps the planner on the (rid, param, ...) primary key here
      // instead of a secondary index on a value column.
      RowCondition(p, "+" + x);
      Text("))");
    } else if (auto* m = std::get_if<MissingMatch>(&p)) {
      const char* table = TableOf(c.kind);
      if (table == nullptr) {  // _id: every resource has one
        Text(m->missing ? "0" : "1");
        return;
      }
      if (c.kind == RowKind::kComposite) {
        CompositeMissing(c, m->missing, r);
        return;
      }
      Text(m->missing ? "NOT " : "");
      HasRows(table, RowFilter::Of(c), r);
    } else if (auto* rc = std::get_if<ReverseChainMatch>(&p)) {
      if (!rc->source) {
        Text("0");
        return;
      }
      // Rows that point at r by its rid, or unresolved ones by its type and id.
      for (bool resolved : {true, false}) {
        std::string x = NewAlias('x');
        std::string s = NewAlias('s');
        Text(StrCat(resolved ? "(EXISTS" : " OR EXISTS", " (SELECT 1 FROM idx_reference ", x,
                    " JOIN resources ", s, " ON ", s, ".rid = ", x, ".rid WHERE ", x, ".param = "));
        Arg(rc->reference_param);
        if (resolved) {
          Text(StrCat(" AND ", x, ".target_rid = ", r, ".rid AND "));
        } else {
          Text(StrCat(" AND ", x, ".target_rid IS NULL AND ", x, ".target_id = ", r, ".id AND ", x,
                      ".target_type = ", r, ".type AND "));
        }
        Where(*rc->source, s);
        Text(")");
      }
      Text(")");
    } else if (auto* m = std::get_if<CompositeMatch>(&p)) {
      Text("(");
      const char* sep = "";
      if (std::optional<RowFilter> rows = CompositeRowsOf(c)) {
        Text(std::exchange(sep, " OR "));
        Text("EXISTS (");
        CompositeSelect(*m, *rows, r);
        Text(")");
      }
      for (const ComponentRows& parts : c.component_rows) {
        Text(std::exchange(sep, " OR "));
        ComponentRowsCondition(*m, parts, r);
      }
      if (*sep == '\0') Text("0");
      Text(")");
    } else if (auto* id = std::get_if<IdMatch>(&p)) {
      Text(r + ".id = ");
      Arg(id->id);
    } else if (auto* m = std::get_if<CompartmentMatch>(&p)) {
      std::string x = NewAlias('x');
      Text(StrCat("EXISTS (SELECT 1 FROM idx_reference ", x, " WHERE ", x, ".rid = ", r, ".rid AND "));
      CompartmentCondition(*m, x);
      Text(")");
    }
  }

  // "EXISTS (SELECT 1 FROM table x WHERE x.rid = r.rid AND <rows>)".
  void HasRows(const char* table, const RowFilter& rows, const std::string& r) {
    std::string x = NewAlias('x');
    Text(StrCat("EXISTS (SELECT 1 FROM ", table, " ", x, " WHERE ", x, ".rid = ", r, ".rid AND "));
    ReadRows(x, rows);
    Text(")");
  }

  // The composite rows composite clause c reads: its params without those
  // whose values are other params' rows (Clause::component_rows); nullopt
  // when none is left.
  static std::optional<RowFilter> CompositeRowsOf(const Clause& c) {
    RowFilter rows = RowFilter::Of(c);
    std::erase_if(rows.params, [&](const std::string& param) {
      return std::any_of(c.component_rows.begin(), c.component_rows.end(),
                         [&](const ComponentRows& parts) { return parts.param == param; });
    });
    if (rows.params.empty()) return std::nullopt;
    return rows;
  }

  // [NOT] (resource r has composite rows c reads, or rows of every part of
  // one of its component_rows).
  void CompositeMissing(const Clause& c, bool missing, const std::string& r) {
    Text(missing ? "NOT (" : "(");
    const char* sep = "";
    if (std::optional<RowFilter> rows = CompositeRowsOf(c)) {
      Text(std::exchange(sep, " OR "));
      HasRows("idx_composite", *rows, r);
    }
    for (const ComponentRows& parts : c.component_rows) {
      Text(std::exchange(sep, " OR "));
      Text("(");
      for (size_t i = 0; i < parts.parts.size(); ++i) {
        if (i > 0) Text(" AND ");
        HasRows(TableOf(parts.parts[i].kind), RowFilter{{parts.parts[i].param}, ""}, r);
      }
      Text(")");
    }
    if (*sep == '\0') Text("0");
    Text(")");
  }

  // Row alias y of a component's parameter (part `part` of `parts`) matching
  // m's part of the same index; `probe`: y is read by its primary key (rid
  // and param), its value columns unindexed ("+y.col").
  void ComponentRow(const CompositeMatch& m, const ComponentRows& parts, size_t part,
                    const std::string& y, bool probe) {
    Eq(y + ".param", parts.parts[part].param);
    Text(" AND (");
    RowCondition(AsPredicate(m.parts[part]), (probe ? "+" : "") + y);
    Text(")");
  }

  // Resource r matches m through `parts` (Clause::component_rows): "(EXISTS
  // (<a row of part 0's param matching m's part 0>) AND EXISTS (...))".
  void ComponentRowsCondition(const CompositeMatch& m, const ComponentRows& parts,
                              const std::string& r) {
    if (m.parts.size() > parts.parts.size() || m.parts.empty()) {
      Text("0");
      return;
    }
    Text("(");
    for (size_t i = 0; i < m.parts.size(); ++i) {
      if (i > 0) Text(" AND ");
      std::string y = NewAlias('y');
      Text(StrCat("EXISTS (SELECT 1 FROM ", RowTableOf(AsPredicate(m.parts[i])), " ", y, " WHERE ",
                  y, ".rid = ", r, ".rid AND "));
      ComponentRow(m, parts, i, y, true);
      Text(")");
    }
    Text(")");
  }

  // The rids matching m through `parts`, driven by part 0's rows:
  // "SELECT y0.rid FROM <part 0's table> y0 WHERE <y0 matches part 0> AND
  // EXISTS (<a row of part 1's param of the same rid matching part 1>) ...".
  void ComponentRowsSelect(const CompositeMatch& m, const ComponentRows& parts) {
    if (m.parts.size() > parts.parts.size() || m.parts.empty()) {
      Text("SELECT 0 WHERE 0");
      return;
    }
    std::string y0 = NewAlias('y');
    Text(StrCat("SELECT ", y0, ".rid FROM ", RowTableOf(AsPredicate(m.parts[0])), " ", y0,
                " WHERE "));
    ComponentRow(m, parts, 0, y0, false);
    for (size_t i = 1; i < m.parts.size(); ++i) {
      std::string y = NewAlias('y');
      Text(StrCat(" AND EXISTS (SELECT 1 FROM ", RowTableOf(AsPredicate(m.parts[i])), " ", y,
                  " WHERE ", y, ".rid = ", y0, ".rid AND "));
      ComponentRow(m, parts, i, y, true);
      Text(")");
    }
  }

  // "SELECT x0.rid FROM idx_composite x0 JOIN idx_composite x1 ON <same rid,
  // param and grp, part 1> ... WHERE x0.param = ? AND x0.part = 0 AND <part
  // conditions>": the rids with a composite row that `rows` reads matching m.
  // With a resource alias r the select is correlated to it (for EXISTS) and
  // every alias is read through its primary key.
  void CompositeSelect(const CompositeMatch& m, const RowFilter& rows, const std::string& r) {
    std::vector<std::string> xs;
    for (size_t i = 0; i < std::max<size_t>(m.parts.size(), 1); ++i) xs.push_back(NewAlias('x'));
    Text(StrCat("SELECT ", xs[0], ".rid FROM idx_composite ", xs[0]));
    for (size_t i = 1; i < xs.size(); ++i) {
      Text(StrCat(" JOIN idx_composite ", xs[i], " ON ", xs[i], ".rid = ", xs[0], ".rid AND ",
                  xs[i], ".param = ", xs[0], ".param AND ", xs[i], ".grp = ", xs[0], ".grp AND ",
                  xs[i], ".part = ", i));
    }
    Text(" WHERE ");
    if (!r.empty()) Text(StrCat(xs[0], ".rid = ", r, ".rid AND "));
    ReadRows(xs[0], rows);
    Text(StrCat(" AND ", xs[0], ".part = 0"));
    for (size_t i = 0; i < m.parts.size(); ++i) {
      Text(" AND (");
      RowCondition(AsPredicate(m.parts[i]), (i > 0 || !r.empty() ? "+" : "") + xs[i]);
      Text(")");
    }
  }

  // Reference row x is one of m.params pointing at m's target.
  void CompartmentCondition(const CompartmentMatch& m, const std::string& x) {
    if (m.params.empty()) {
      Text("0");
      return;
    }
    InList(x + ".param", m.params);
    Text(" AND ");
    if (m.target_id.empty()) {
      Text(x + ".target_id <> ''");
    } else {
      Eq(x + ".target_id", m.target_id);
    }
    Text(" AND ");
    Eq(x + ".target_type", m.target_type);
  }

  // Row interval columns low/high, or one point column for numbers (range_match.h).
  void Range(const std::string& x, Prefix prefix, SqlValue sl, SqlValue sh,
             const char* point_column = nullptr) {
    auto cmp = [&](const char* col, const char* op, const SqlValue& v) {
      Text(StrCat(x, ".", point_column ? point_column : col, " ", op, " "));
      Arg(v);
    };
    switch (prefix) {
      case Prefix::kEq:
      case Prefix::kNe:
        Text(prefix == Prefix::kNe ? "NOT (" : "(");
        cmp("low", ">=", sl);
        Text(" AND ");
        cmp("high", "<=", sh);
        Text(")");
        break;
      case Prefix::kGt: cmp("high", ">", sh); break;
      case Prefix::kLt: cmp("low", "<", sl); break;
      case Prefix::kGe: cmp("high", ">=", sl); break;
      case Prefix::kLe: cmp("low", "<=", sh); break;
      case Prefix::kSa: cmp("low", ">", sh); break;
      case Prefix::kEb: cmp("high", "<", sl); break;
      case Prefix::kAp:
        cmp("low", "<=", sh);
        Text(" AND ");
        cmp("high", ">=", sl);
        break;
    }
  }

  void NumberRange(const std::string& x, const NumberMatch& m) {
    Interval<double> s = NumberSearchInterval(m);
    Range(x, m.prefix, s.low, s.high, "value");
  }

  // `column` starts with `prefix`, as an indexable range.
  void StartsWith(const std::string& column, const std::string& prefix) {
    Text(column + " >= ");
    Arg(prefix);
    auto [bounded, upper] = PrefixUpperBound(prefix);
    if (bounded) {
      Text(" AND " + column + " < ");
      Arg(std::move(upper));
    }
  }

  void Eq(const std::string& column, const std::string& value) {
    Text(column + " = ");
    Arg(value);
  }

  // Restricts row alias x to the rows `rows` reads: "x.param = ?" for one param,
  // "x.param IN (?, ...)" for several, and the target type of the first one's
  // rows when the filter has one (reference rows only).
  void ReadRows(const std::string& x, const RowFilter& rows) {
    if (rows.params.size() == 1) {
      Eq(x + ".param", rows.params[0]);
    } else {
      InList(x + ".param", rows.params);
    }
    if (!rows.target_type.empty()) {
      Text(" AND (");
      if (rows.params.size() > 1) {
        Text(x + ".param <> ");
        Arg(rows.params[0]);
        Text(" OR ");
      }
      Eq(x + ".target_type", rows.target_type);
      Text(")");
    }
  }

  // The condition on row alias x for a row predicate. Columns are written
  // x.col, so x may carry a unary-plus prefix.
  void RowCondition(const Predicate& p, const std::string& x) {
    if (auto* m = std::get_if<TokenMatch>(&p)) {
      if (!m->system && !m->code) Text("1");
      if (m->system) Eq(x + ".system", *m->system);
      if (m->system && m->code) Text(" AND ");
      if (m->code) Eq(x + ".code", *m->code);
    } else if (auto* m = std::get_if<TokenTextMatch>(&p)) {
      Text("(");
      StartsWith(x + ".text", m->text);
      Text(StrCat(") OR instr(", x, ".text, ' ' || "));
      Arg(m->text);
      Text(") > 0");
    } else if (auto* m = std::get_if<StringMatch>(&p)) {
      switch (m->mode) {
        case StringMatch::Mode::kStartsWith: StartsWith(x + ".norm", m->value); break;
        case StringMatch::Mode::kExact: Eq(x + ".exact", m->value); break;
        case StringMatch::Mode::kContains:
          Text(StrCat("instr(", x, ".norm, "));
          Arg(m->value);
          Text(") > 0");
          break;
      }
    } else if (auto* m = std::get_if<NumberMatch>(&p)) {
      NumberRange(x, *m);
    } else if (auto* m = std::get_if<DateMatch>(&p)) {
      Interval<int64_t> s{m->low, m->high};
      if (m->prefix == Prefix::kAp) s = ApWidenDate(*m, now_ms_);
      Range(x, m->prefix, s.low, s.high);
    } else if (auto* m = std::get_if<QuantityMatch>(&p)) {
      if (m->system) {
        Eq(x + ".system", *m->system);
        Text(" AND ");
        if (m->code) {
          Eq(x + ".code", *m->code);
          Text(" AND ");
        }
      } else if (m->code) {
        Text("(");
        Eq(x + ".code", *m->code);
        Text(" OR ");
        Eq(x + ".unit", *m->code);
        Text(") AND ");
      }
      Text("(");
      NumberRange(x, m->number);
      Text(")");
    } else if (auto* m = std::get_if<ReferenceMatch>(&p)) {
      if (m->target_id.empty()) {
        Eq(x + ".url", m->url);
      } else {
        Eq(x + ".target_id", m->target_id);
        if (!m->target_type.empty()) {
          Text(" AND ");
          Eq(x + ".target_type", m->target_type);
        } else if (!m->target_types.empty()) {
          Text(" AND ");
          InList(x + ".target_type", m->target_types);
        }
      }
    } else if (auto* m = std::get_if<UriMatch>(&p)) {
      switch (m->mode) {
        case UriMatch::Mode::kExact: Eq(x + ".value", m->value); break;
        case UriMatch::Mode::kBelow: StartsWith(x + ".value", m->value); break;
        case UriMatch::Mode::kAbove:
          Text("instr(");
          Arg(m->value);
          Text(StrCat(", ", x, ".value) = 1"));
          break;
      }
    } else if (auto* m = std::get_if<ChainMatch>(&p)) {
      if (!m->target) {
        Text("0");
        return;
      }
      std::string t = NewAlias('t');
      Eq(x + ".target_type", m->target->type);
      Text(StrCat(" AND ", x, ".target_id IN (SELECT ", t, ".id FROM resources ", t, " WHERE "));
      Where(*m->target, t);
      Text(")");
    }
  }

  int64_t now_ms_;
  int next_alias_ = 0;
  std::string out_;
  std::vector<SqlValue> args_;
};

}  // namespace

SqlText SearchPageSql(const Query& query, int64_t now_ms) {
  Builder b(now_ms);
  b.Text("SELECT r.rid");
  for (size_t i = 0; i < query.sort.size(); ++i) {
    b.Text(", ");
    b.SortExpr(query.sort[i], "r");
    b.Text(StrCat(" AS s", i));
  }
  b.Text(" FROM resources r WHERE ");
  b.Where(query, "r");
  b.Text(" ORDER BY ");
  for (size_t i = 0; i < query.sort.size(); ++i) {
    b.Text(StrCat("s", i, query.sort[i].descending ? " DESC" : " ASC", " NULLS LAST, "));
  }
  b.Text("r.rid LIMIT ");
  b.Arg(static_cast<int64_t>(std::min<size_t>(query.count, INT64_MAX)));
  b.Text(" OFFSET ");
  b.Arg(static_cast<int64_t>(std::min<size_t>(query.offset, INT64_MAX)));
  return b.Take();
}

SqlText SearchCountSql(const Query& query, int64_t now_ms) {
  Builder b(now_ms);
  b.Text("SELECT COUNT(*) FROM resources r WHERE ");
  b.Where(query, "r");
  return b.Take();
}

}  // namespace vigil::store::sqlite_internal
