#include "server/rest/scope_restriction.h"

#include <algorithm>
#include <variant>

#include "search/parse.h"
#include "server/http/url.h"
#include "store/row_match.h"

namespace vigil::server {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Whether predicate p of a clause of kind `kind` can be evaluated here.
bool Supported(store::RowKind kind, const store::Predicate& p) {
  using store::RowKind;
  if (std::holds_alternative<store::MissingMatch>(p)) {
    return kind == RowKind::kToken || kind == RowKind::kReference || kind == RowKind::kUri;
  }
  if (std::holds_alternative<store::TokenMatch>(p) ||
      std::holds_alternative<store::TokenTextMatch>(p)) {
    return kind == RowKind::kToken;
  }
  if (std::holds_alternative<store::ReferenceMatch>(p)) return kind == RowKind::kReference;
  if (std::holds_alternative<store::UriMatch>(p)) return kind == RowKind::kUri;
  if (std::holds_alternative<store::IdMatch>(p)) return kind == RowKind::kId;
  return false;  // chains, _has, strings, dates, numbers, quantities, composites
}

using store::AnyRow;

bool HasRows(const store::Clause& c, const store::IndexEntries& rows) {
  auto any = [](const auto&) { return true; };
  const store::RowFilter reads = store::RowFilter::Of(c);
  if (c.kind == store::RowKind::kToken) return AnyRow(rows.tokens, reads, any);
  if (c.kind == store::RowKind::kReference) return AnyRow(rows.references, reads, any);
  return AnyRow(rows.uris, reads, any);
}

bool MatchesPredicate(const store::Clause& c, const store::Predicate& p, std::string_view id,
                      const store::IndexEntries& rows) {
  const store::RowFilter reads = store::RowFilter::Of(c);
  return std::visit(
      Overloaded{
          [&](const store::TokenMatch& m) {
            return AnyRow(rows.tokens, reads,
                          [&](const store::TokenRow& r) { return store::RowMatches(m, r); });
          },
          [&](const store::TokenTextMatch& m) {
            return AnyRow(rows.tokens, reads,
                          [&](const store::TokenRow& r) { return store::RowMatches(m, r); });
          },
          [&](const store::ReferenceMatch& m) {
            return AnyRow(rows.references, reads,
                          [&](const store::ReferenceRow& r) { return store::RowMatches(m, r); });
          },
          [&](const store::UriMatch& m) {
            return AnyRow(rows.uris, reads,
                          [&](const store::UriRow& r) { return store::RowMatches(m, r); });
          },
          [&](const store::IdMatch& m) { return id == m.id; },
          [&](const store::MissingMatch& m) { return HasRows(c, rows) != m.missing; },
          [](const auto&) { return false; },  // never compiled (Supported)
      },
      p);
}

}  // namespace

std::optional<Clauses> CompileRestriction(const search::Registry& registry, std::string_view type,
                                          const auth::Restriction& restriction) {
  if (restriction.empty()) return std::nullopt;
  search::SearchParams params;
  for (const auto& [name, value] : restriction) {
    params.emplace_back(PercentDecode(name, false), PercentDecode(value, false));
  }
  search::SearchOptions options;
  options.strict = true;
  absl::StatusOr<search::ParsedSearch> parsed =
      search::ParseSearch(registry, type, params, options);
  if (!parsed.ok() || parsed->query.all_of.size() != params.size()) return std::nullopt;
  if (!parsed->includes.empty() || !parsed->revincludes.empty() || !parsed->query.sort.empty() ||
      !parsed->summary.empty() || !parsed->elements.empty()) {
    return std::nullopt;
  }
  for (const store::Clause& clause : parsed->query.all_of) {
    if (clause.any_of.empty()) return std::nullopt;
    for (const store::Predicate& p : clause.any_of) {
      if (!Supported(clause.kind, p)) return std::nullopt;
    }
  }
  return std::move(parsed->query.all_of);
}

bool MatchesClauses(const Clauses& clauses, std::string_view id, const store::IndexEntries& rows) {
  return std::all_of(clauses.begin(), clauses.end(), [&](const store::Clause& c) {
    bool any = std::any_of(c.any_of.begin(), c.any_of.end(), [&](const store::Predicate& p) {
      return MatchesPredicate(c, p, id, rows);
    });
    return c.negate ? !any : any;
  });
}

}  // namespace vigil::server
