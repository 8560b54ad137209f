#include "store/memory/memory_eval.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>
#include <variant>

#include "store/range_match.h"
#include "store/row_match.h"

namespace vigil::store::memory_internal {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

class Evaluator {
 public:
  Evaluator(const View& view, int64_t now_ms) : view_(view), now_ms_(now_ms) {}

  bool Matches(const Query& q, const Entry& e) const {
    const StoredResource& cur = e.current();
    if (cur.deleted || cur.type != q.type) return false;
    for (const Clause& c : q.all_of) {
      if (!MatchesClause(c, e)) return false;
    }
    return true;
  }

 private:
  bool MatchesClause(const Clause& c, const Entry& e) const {
    bool any = std::any_of(c.any_of.begin(), c.any_of.end(),
                           [&](const Predicate& p) { return MatchesPredicate(c, p, e); });
    return c.negate ? !any : any;
  }

  bool HasRows(const Clause& c, const Entry& e) const {
    const RowFilter reads = RowFilter::Of(c);
    auto any = [&](const auto& rows) {
      return AnyRow(rows, reads, [](const auto&) { return true; });
    };
    const IndexEntries& ix = e.index;
    switch (c.kind) {
      case RowKind::kToken: return any(ix.tokens);
      case RowKind::kString: return any(ix.strings);
      case RowKind::kDate: return any(ix.dates);
      case RowKind::kNumber: return any(ix.numbers);
      case RowKind::kQuantity: return any(ix.quantities);
      case RowKind::kReference: return any(ix.references);
      case RowKind::kUri: return any(ix.uris);
      case RowKind::kComposite:
        return any(ix.composites) ||
               std::any_of(c.component_rows.begin(), c.component_rows.end(),
                           [&](const ComponentRows& rows) {
                             return std::all_of(rows.parts.begin(), rows.parts.end(),
                                                [&](const ComponentRows::Part& part) {
                                                  return HasRows(PartClause(part), e);
                                                });
                           });
      case RowKind::kId: return true;
    }
    return false;
  }

  // A clause reading the rows of one component's parameter.
  static Clause PartClause(const ComponentRows::Part& part) {
    Clause c;
    c.param = part.param;
    c.kind = part.kind;
    return c;
  }

  // Whether e matches m through `rows`: each part of m by a row of its
  // component's parameter.
  bool MatchesComponentRows(const CompositeMatch& m, const ComponentRows& rows,
                            const Entry& e) const {
    if (m.parts.size() > rows.parts.size()) return false;
    for (size_t i = 0; i < m.parts.size(); ++i) {
      if (!MatchesPredicate(PartClause(rows.parts[i]), AsPredicate(m.parts[i]), e)) return false;
    }
    return true;
  }

  bool MatchesPredicate(const Clause& c, const Predicate& p, const Entry& e) const {
    const IndexEntries& ix = e.index;
    const RowFilter reads = RowFilter::Of(c);
    return std::visit(
        Overloaded{
            [&](const TokenMatch& m) {
              return AnyRow(ix.tokens, reads, [&](const TokenRow& r) { return RowMatches(m, r); });
            },
            [&](const TokenTextMatch& m) {
              return AnyRow(ix.tokens, reads, [&](const TokenRow& r) { return RowMatches(m, r); });
            },
            [&](const StringMatch& m) {
              return AnyRow(ix.strings, reads,
                            [&](const StringRow& r) { return RowMatches(m, r); });
            },
            [&](const NumberMatch& m) {
              return AnyRow(ix.numbers, reads,
                            [&](const NumberRow& r) { return RowMatches(m, r); });
            },
            [&](const DateMatch& m) {
              return AnyRow(ix.dates, reads,
                            [&](const DateRow& r) { return RowMatches(m, r, now_ms_); });
            },
            [&](const QuantityMatch& m) {
              return AnyRow(ix.quantities, reads,
                            [&](const QuantityRow& r) { return RowMatches(m, r); });
            },
            [&](const ReferenceMatch& m) {
              return AnyRow(ix.references, reads,
                            [&](const ReferenceRow& r) { return RowMatches(m, r); });
            },
            [&](const UriMatch& m) {
              return AnyRow(ix.uris, reads, [&](const UriRow& r) { return RowMatches(m, r); });
            },
            [&](const CompositeMatch& m) {
              return AnyRow(ix.composites, reads,
                            [&](const CompositeRow& r) { return RowMatches(m, r, now_ms_); }) ||
                     std::any_of(c.component_rows.begin(), c.component_rows.end(),
                                 [&](const ComponentRows& rows) {
                                   return MatchesComponentRows(m, rows, e);
                                 });
            },
            [&](const MissingMatch& m) { return HasRows(c, e) != m.missing; },
            [&](const ChainMatch& m) {
              if (!m.target) return false;
              return AnyRow(ix.references, reads, [&](const ReferenceRow& r) {
                if (r.target_id.empty() || r.target_type != m.target->type) return false;
                const Entry* target = view_.Find(r.target_type, r.target_id);
                return target != nullptr && Matches(*m.target, *target);
              });
            },
            [&](const ReverseChainMatch& m) {
              if (!m.source) return false;
              const StoredResource& me = e.current();
              bool found = false;
              view_.ForEach(m.source->type, [&](const Entry& s) {
                if (found) return;
                found = AnyRow(s.index.references, RowFilter{{m.reference_param}, ""},
                               [&](const ReferenceRow& r) {
                                 return r.target_type == me.type && r.target_id == me.id;
                               }) &&
                        Matches(*m.source, s);
              });
              return found;
            },
            [&](const IdMatch& m) { return e.current().id == m.id; },
            [&](const CompartmentMatch& m) {
              return std::any_of(ix.references.begin(), ix.references.end(),
                                 [&](const ReferenceRow& r) {
                                   return r.target_type == m.target_type &&
                                          (m.target_id.empty() ? !r.target_id.empty()
                                                               : r.target_id == m.target_id) &&
                                          std::find(m.params.begin(), m.params.end(), r.param) !=
                                              m.params.end();
                                 });
            },
        },
        p);
  }

  const View& view_;
  int64_t now_ms_;
};

// A sort value: nullopt (no row) sorts last in both directions.
using SortValue = std::variant<std::string, double, int64_t>;

template <typename Row, typename Get>
std::optional<SortValue> Extreme(const std::vector<Row>& rows, const RowFilter& reads,
                                 bool descending, Get get) {
  std::optional<SortValue> best;
  for (const Row& r : rows) {
    if (!reads.Reads(r)) continue;
    SortValue v = get(r);
    if (!best || (descending ? *best < v : v < *best)) best = std::move(v);
  }
  return best;
}

std::optional<SortValue> SortValueOf(const SortKey& k, const Entry& e) {
  const IndexEntries& ix = e.index;
  const RowFilter reads = RowFilter::Of(k);
  bool d = k.descending;
  switch (k.kind) {
    case RowKind::kToken:
      return Extreme(ix.tokens, reads, d, [](const TokenRow& r) { return SortValue(r.code); });
    case RowKind::kString:
      return Extreme(ix.strings, reads, d,
                     [](const StringRow& r) { return SortValue(r.normalized); });
    case RowKind::kDate:
      return Extreme(ix.dates, reads, d, [](const DateRow& r) { return SortValue(r.low); });
    case RowKind::kNumber:
      return Extreme(ix.numbers, reads, d, [](const NumberRow& r) { return SortValue(r.value); });
    case RowKind::kQuantity:
      return Extreme(ix.quantities, reads, d,
                     [](const QuantityRow& r) { return SortValue(r.value); });
    case RowKind::kReference:
      return Extreme(ix.references, reads, d, [](const ReferenceRow& r) {
        return SortValue(r.target_id.empty() ? r.url : r.target_type + "/" + r.target_id);
      });
    case RowKind::kUri:
      return Extreme(ix.uris, reads, d, [](const UriRow& r) { return SortValue(r.value); });
    case RowKind::kId: return SortValue(e.current().id);
    case RowKind::kComposite: return std::nullopt;  // not sortable
  }
  return std::nullopt;
}

struct Hit {
  const Entry* entry;
  std::vector<std::optional<SortValue>> keys;
};

// Orders hits by the sort keys (missing values last), then by rid.
bool HitLess(const std::vector<SortKey>& sort, const Hit& a, const Hit& b) {
  for (size_t i = 0; i < sort.size(); ++i) {
    const auto& x = a.keys[i];
    const auto& y = b.keys[i];
    if (!x && !y) continue;
    if (!x || !y) return static_cast<bool>(x);
    if (*x == *y) continue;
    return sort[i].descending ? *y < *x : *x < *y;
  }
  return a.entry->rid < b.entry->rid;
}

}  // namespace

SearchPage Search(const View& view, const Query& query, int64_t now_ms) {
  Evaluator eval(view, now_ms);
  std::vector<Hit> hits;
  view.ForEach(query.type, [&](const Entry& e) {
    if (!eval.Matches(query, e)) return;
    Hit h{&e, {}};
    for (const SortKey& k : query.sort) h.keys.push_back(SortValueOf(k, e));
    hits.push_back(std::move(h));
  });
  std::sort(hits.begin(), hits.end(),
            [&](const Hit& a, const Hit& b) { return HitLess(query.sort, a, b); });
  SearchPage page;
  if (query.total != TotalMode::kNone) page.total = static_cast<int64_t>(hits.size());
  for (size_t i = query.offset; i < hits.size() && i - query.offset < query.count; ++i) {
    page.resources.push_back(hits[i].entry->current());
  }
  return page;
}

std::vector<ResourceKey> References(const View& view, const std::vector<ResourceKey>& sources,
                                    std::string_view param) {
  std::vector<ResourceKey> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const ResourceKey& k : sources) {
    const Entry* e = view.Find(k.type, k.id);
    if (e == nullptr || e->current().deleted) continue;
    for (const ReferenceRow& r : e->index.references) {
      if (!param.empty() && r.param != param) continue;
      if (r.target_type.empty() || r.target_id.empty()) continue;
      if (seen.emplace(r.target_type, r.target_id).second) {
        out.push_back({r.target_type, r.target_id});
      }
    }
  }
  return out;
}

}  // namespace vigil::store::memory_internal
