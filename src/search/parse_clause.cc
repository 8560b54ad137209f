#include "search/parse_clause.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <type_traits>
#include <variant>

#include "base/status.h"
#include "base/str.h"
#include "fhir/model.h"
#include "search/normalize.h"
#include "search/parse.h"
#include "search/value_sets.h"
#include "search/values.h"

namespace vigil::search::internal {
namespace {

using store::Clause;
using store::Predicate;
using store::Prefix;
using store::RowKind;

absl::Status Bad(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

bool IsAbsoluteUrl(std::string_view s) {
  return s.find("://") != std::string_view::npos || s.starts_with("urn:");
}

// A leading two-letter prefix, stripped from *value. Unknown letters are an error.
absl::StatusOr<Prefix> TakePrefix(std::string_view name, std::string_view* value) {
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (value->size() < 2 || !is_alpha((*value)[0]) || !is_alpha((*value)[1])) return Prefix::kEq;
  static constexpr std::pair<std::string_view, Prefix> kPrefixes[] = {
      {"eq", Prefix::kEq}, {"ne", Prefix::kNe}, {"gt", Prefix::kGt},
      {"lt", Prefix::kLt}, {"ge", Prefix::kGe}, {"le", Prefix::kLe},
      {"sa", Prefix::kSa}, {"eb", Prefix::kEb}, {"ap", Prefix::kAp}};
  std::string_view letters = value->substr(0, 2);
  for (const auto& [text, prefix] : kPrefixes) {
    if (letters == text) {
      value->remove_prefix(2);
      return prefix;
    }
  }
  return Bad(StrCat("unknown prefix '", letters, "' in '", *value, "' for parameter '", name, "'"));
}

absl::StatusOr<Predicate> DateValue(std::string_view name, std::string_view raw) {
  std::string_view value = raw;
  VIGIL_ASSIGN_OR_RETURN(Prefix prefix, TakePrefix(name, &value));
  std::optional<TimeRange> range = ParseDateRange(value);
  if (!range) return Bad(StrCat("malformed date '", raw, "' for parameter '", name, "'"));
  return store::DateMatch{prefix, range->low, range->high};
}

absl::StatusOr<store::NumberMatch> NumberValue(std::string_view name, std::string_view raw,
                                               std::string_view number_text) {
  std::string_view value = number_text;
  VIGIL_ASSIGN_OR_RETURN(Prefix prefix, TakePrefix(name, &value));
  std::optional<NumberRange> n = ParseNumberRange(value);
  if (!n) return Bad(StrCat("malformed number '", raw, "' for parameter '", name, "'"));
  return store::NumberMatch{prefix, n->value, n->low, n->high};
}

absl::StatusOr<Predicate> QuantityValue(std::string_view name, std::string_view raw) {
  std::vector<std::string_view> parts = SplitUnescaped(raw, '|');
  if (parts.size() != 1 && parts.size() != 3) {
    return Bad(StrCat("malformed quantity '", raw, "' for parameter '", name,
                      "': expected [prefix]number[|system|code]"));
  }
  store::QuantityMatch q;
  VIGIL_ASSIGN_OR_RETURN(q.number, NumberValue(name, raw, parts[0]));
  if (parts.size() == 3) {
    if (!parts[1].empty()) q.system = Unescape(parts[1]);
    if (!parts[2].empty()) q.code = Unescape(parts[2]);
  }
  return q;
}

absl::StatusOr<Predicate> TokenValue(std::string_view name, std::string_view raw) {
  std::vector<std::string_view> parts = SplitUnescaped(raw, '|');
  if (parts.size() > 2) {
    return Bad(
        StrCat("malformed token '", raw, "' for parameter '", name, "': expected [system|]code"));
  }
  store::TokenMatch t;
  if (parts.size() == 1) {
    t.code = Unescape(parts[0]);
  } else {
    t.system = Unescape(parts[0]);  // "" = explicitly no system
    if (!parts[1].empty()) t.code = Unescape(parts[1]);
  }
  return t;
}

absl::StatusOr<Predicate> OfTypeValue(std::string_view name, std::string_view raw) {
  std::vector<std::string_view> parts = SplitUnescaped(raw, '|');
  if (parts.size() != 3 || parts[1].empty() || parts[2].empty()) {
    return Bad(StrCat("malformed :of-type value '", raw, "' for parameter '", name,
                      "': expected system|type-code|value"));
  }
  return store::TokenMatch{Unescape(parts[0]), StrCat(Unescape(parts[1]), "|", Unescape(parts[2]))};
}

absl::StatusOr<Predicate> ReferenceValue(const ParamDef& def, std::string_view modifier_type,
                                         std::string_view raw) {
  std::string value = Unescape(raw);
  if (IsAbsoluteUrl(value)) {
    return store::ReferenceMatch{"", "", std::string(ParseReferenceText(value)->url)};
  }
  store::ReferenceMatch r;
  if (value.find('/') == std::string::npos) {
    r.target_id = value;
    if (!modifier_type.empty()) {
      r.target_type = std::string(modifier_type);
    } else if (def.targets.size() == 1) {
      r.target_type = std::string(def.targets[0]);
    } else {
      r.target_types.assign(def.targets.begin(), def.targets.end());
    }
    return r;
  }
  std::optional<ParsedReference> ref = ParseReferenceText(value);
  if (!ref || ref->type.empty()) {
    return Bad(StrCat("malformed reference '", raw, "' for parameter '", def.code,
                      "': expected [Type/]id or an absolute URL"));
  }
  if (!modifier_type.empty() && ref->type != modifier_type) {
    return Bad(StrCat("reference '", raw, "' does not match the modifier :", modifier_type));
  }
  r.target_type = std::move(ref->type);
  r.target_id = std::move(ref->id);
  return r;
}

// One component of a composite value, read as the component's own parameter
// reads a value without a modifier. `name` is the composite's code.
absl::StatusOr<store::ComponentPredicate> ComponentValue(const CompiledComponent& component,
                                                         std::string_view name,
                                                         std::string_view raw) {
  absl::StatusOr<Predicate> p = Bad(StrCat("composite parameter '", name,
                                           "' has a component of an unsupported type"));
  switch (component.type) {
    case ParamType::kToken: p = TokenValue(name, raw); break;
    case ParamType::kString:
      p = store::StringMatch{store::StringMatch::Mode::kStartsWith, NormalizeString(Unescape(raw))};
      break;
    case ParamType::kDate: p = DateValue(name, raw); break;
    case ParamType::kNumber: {
      absl::StatusOr<store::NumberMatch> n = NumberValue(name, raw, raw);
      if (n.ok()) p = *n;
      else p = n.status();
      break;
    }
    case ParamType::kQuantity: p = QuantityValue(name, raw); break;
    case ParamType::kReference: p = ReferenceValue(*component.def, "", raw); break;
    case ParamType::kUri: p = store::UriMatch{store::UriMatch::Mode::kExact, Unescape(raw)}; break;
    case ParamType::kComposite:
    case ParamType::kSpecial: break;
  }
  if (!p.ok()) return p.status();
  return std::visit(
      [&](auto&& m) -> absl::StatusOr<store::ComponentPredicate> {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_constructible_v<store::ComponentPredicate, T>) {
          return store::ComponentPredicate(std::move(m));
        } else {
          return Bad(StrCat("composite parameter '", name, "': unsupported component value"));
        }
      },
      std::move(*p));
}

// "a$b": one value per component, split at unescaped '$' (FHIR R4 search
// §3.1.1.4.8), all matched within the same element.
absl::StatusOr<Predicate> CompositeValue(const ParamDef& def, std::string_view raw) {
  std::vector<std::string_view> parts = SplitUnescaped(raw, '$');
  if (parts.size() != def.compiled_components.size()) {
    return Bad(StrCat("composite parameter '", def.code, "' takes ",
                      def.compiled_components.size(), " values separated by '$', not '", raw, "'"));
  }
  store::CompositeMatch match;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) {
      return Bad(StrCat("composite parameter '", def.code, "' has an empty component in '", raw,
                        "'"));
    }
    VIGIL_ASSIGN_OR_RETURN(store::ComponentPredicate part,
                           ComponentValue(def.compiled_components[i], def.code, parts[i]));
    match.parts.push_back(std::move(part));
  }
  return match;
}

// Most codes one :in / :not-in clause may expand to (each becomes a bound
// predicate).
constexpr size_t kMaxValueSetCodes = 10000;

// token:in=url[,url] / token:not-in: the codes of the value sets, OR-ed, as
// system|code, then each distinct code once more as |code, because a plain
// `code` element (Patient.gender) is indexed without a system: the value set
// its binding names supplies it. An empty expansion matches nothing (:not-in
// then matches everything).
absl::StatusOr<Clause> ValueSetClause(Clause clause, std::string_view modifier,
                                      std::string_view value) {
  clause.negate = modifier == "not-in";
  std::vector<std::string> bare;
  for (std::string_view v : SplitUnescaped(value, ',')) {
    if (v.empty()) continue;
    VIGIL_ASSIGN_OR_RETURN(std::vector<ValueSetCode> codes, ExpandValueSet(Unescape(v)));
    if (clause.any_of.size() + codes.size() > kMaxValueSetCodes) {
      return Bad(StrCat("cannot expand '", v, "' for :", modifier, ": more than ",
                        kMaxValueSetCodes, " codes"));
    }
    for (const ValueSetCode& c : codes) {
      clause.any_of.push_back(store::TokenMatch{std::string(c.system), std::string(c.code)});
      if (std::find(bare.begin(), bare.end(), c.code) == bare.end()) bare.emplace_back(c.code);
    }
  }
  for (std::string& code : bare) clause.any_of.push_back(store::TokenMatch{"", std::move(code)});
  return clause;
}

absl::StatusOr<bool> MissingValue(std::string_view name, std::string_view value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return Bad(StrCat("the value of ", name, ":missing must be true or false, not '", value, "'"));
}

absl::Status UnsupportedModifier(std::string_view code, std::string_view modifier, ParamType type) {
  return Bad(StrCat("unknown or unsupported modifier ':", modifier, "' on ", ParamTypeName(type),
                    " parameter '", code, "'"));
}

// A plain (not chained) parameter with its modifier.
absl::StatusOr<Clause> ParseSimple(const ParamDef& def, std::string_view modifier,
                                   std::string_view value) {
  std::optional<RowKind> kind = RowKindOf(def.type);
  if (!kind || !def.indexed()) {
    return absl::NotFoundError(
        StrCat("unsupported ", ParamTypeName(def.type), " search parameter '", def.code, "'"));
  }
  Clause clause{std::string(def.code), *kind, false, {}};
  ReadRowsOf(def, clause);
  if (modifier == "missing") {
    VIGIL_ASSIGN_OR_RETURN(bool missing, MissingValue(def.code, value));
    clause.any_of.push_back(store::MissingMatch{missing});
    return clause;
  }
  if (def.type == ParamType::kToken && (modifier == "in" || modifier == "not-in")) {
    return ValueSetClause(std::move(clause), modifier, value);
  }
  // Checks the modifier once, then parses each OR-ed value.
  using ValueParser = std::function<absl::StatusOr<Predicate>(std::string_view)>;
  ValueParser parse;
  std::string_view code = def.code;
  switch (def.type) {
    case ParamType::kToken:
      if (modifier.empty() || modifier == "not") {
        clause.negate = modifier == "not";
        parse = [code](std::string_view v) { return TokenValue(code, v); };
      } else if (modifier == "text") {
        parse = [](std::string_view v) -> absl::StatusOr<Predicate> {
          return store::TokenTextMatch{NormalizeString(Unescape(v))};
        };
      } else if (modifier == "of-type") {
        clause.param = StrCat(def.code, ":of-type");
        ReadRowsOf(def, clause, ":of-type");
        parse = [code](std::string_view v) { return OfTypeValue(code, v); };
      }
      break;
    case ParamType::kString: {
      std::optional<store::StringMatch::Mode> mode;
      if (modifier.empty()) mode = store::StringMatch::Mode::kStartsWith;
      if (modifier == "exact") mode = store::StringMatch::Mode::kExact;
      if (modifier == "contains") mode = store::StringMatch::Mode::kContains;
      if (mode) {
        parse = [m = *mode](std::string_view v) -> absl::StatusOr<Predicate> {
          std::string text = Unescape(v);
          if (m != store::StringMatch::Mode::kExact) text = NormalizeString(text);
          return store::StringMatch{m, std::move(text)};
        };
      }
      break;
    }
    case ParamType::kDate:
      if (modifier.empty()) parse = [code](std::string_view v) { return DateValue(code, v); };
      break;
    case ParamType::kNumber:
      if (modifier.empty()) {
        parse = [code](std::string_view v) -> absl::StatusOr<Predicate> {
          VIGIL_ASSIGN_OR_RETURN(store::NumberMatch n, NumberValue(code, v, v));
          return n;
        };
      }
      break;
    case ParamType::kQuantity:
      if (modifier.empty()) parse = [code](std::string_view v) { return QuantityValue(code, v); };
      break;
    case ParamType::kReference: {
      if (modifier == "identifier") {
        clause.param = StrCat(def.code, ":identifier");
        clause.kind = RowKind::kToken;
        clause.row_params.clear();  // every reference parameter writes its own
        clause.row_target_type.clear();
        parse = [code](std::string_view v) { return TokenValue(code, v); };
        break;
      }
      std::string_view target;
      if (!modifier.empty()) {
        if (!fhir::IsResourceType(modifier)) break;
        target = modifier;
      }
      parse = [&def, target](std::string_view v) { return ReferenceValue(def, target, v); };
      break;
    }
    case ParamType::kUri: {
      std::optional<store::UriMatch::Mode> mode;
      if (modifier.empty()) mode = store::UriMatch::Mode::kExact;
      if (modifier == "below") mode = store::UriMatch::Mode::kBelow;
      if (modifier == "above") mode = store::UriMatch::Mode::kAbove;
      if (mode) {
        parse = [m = *mode](std::string_view v) -> absl::StatusOr<Predicate> {
          return store::UriMatch{m, Unescape(v)};
        };
      }
      break;
    }
    case ParamType::kComposite:
      if (modifier.empty()) {
        parse = [&def](std::string_view v) { return CompositeValue(def, v); };
      }
      break;
    case ParamType::kSpecial: break;
  }
  if (!parse) return UnsupportedModifier(def.code, modifier, def.type);
  for (std::string_view v : SplitUnescaped(value, ',')) {
    if (v.empty()) continue;
    VIGIL_ASSIGN_OR_RETURN(Predicate p, parse(v));
    clause.any_of.push_back(std::move(p));
  }
  if (clause.any_of.empty()) return Bad(StrCat("parameter '", def.code, "' has no value"));
  return clause;
}

absl::Status TooDeep(std::string_view name) {
  return Bad(StrCat("parameter '", name, "' nests chains or _has deeper than ", kMaxChainDepth));
}

// `code[:Type].rest=value`: one ChainMatch per target type that has rest's param.
absl::StatusOr<Clause> ParseChain(const Registry& registry, std::string_view type,
                                  std::string_view name, std::string_view head,
                                  std::string_view rest, std::string_view value, int depth) {
  if (depth >= kMaxChainDepth) return TooDeep(name);
  size_t colon = head.find(':');
  std::string_view code = head.substr(0, colon);
  std::string_view modifier = colon == std::string_view::npos ? "" : head.substr(colon + 1);
  const ParamDef* def = registry.Find(type, code);
  if (def == nullptr) {
    return absl::NotFoundError(StrCat("unknown search parameter '", code, "'"));
  }
  if (def->type != ParamType::kReference) {
    return Bad(StrCat("cannot chain through '", code, "': it is a ", ParamTypeName(def->type),
                      " parameter, not a reference"));
  }
  std::vector<std::string_view> targets;
  if (!modifier.empty()) {
    if (!fhir::IsResourceType(modifier)) {
      return Bad(StrCat("unknown resource type ':", modifier, "' in chain '", name, "'"));
    }
    targets.push_back(modifier);
  } else if (def->targets.empty()) {
    return Bad(StrCat("cannot chain through '", code,
                      "' without a :Type modifier: it may refer to any resource type"));
  } else {
    targets.assign(def->targets.begin(), def->targets.end());
  }
  std::string_view next_code = rest.substr(0, rest.find_first_of(":."));
  Clause clause{std::string(code), RowKind::kReference, false, {}};
  ReadRowsOf(*def, clause);
  for (std::string_view target : targets) {
    if (registry.Find(target, next_code) == nullptr) continue;
    VIGIL_ASSIGN_OR_RETURN(Clause inner, ParseClause(registry, target, rest, value, depth + 1));
    auto query = std::make_shared<store::Query>();
    query->type = std::string(target);
    query->all_of.push_back(std::move(inner));
    clause.any_of.push_back(store::ChainMatch{std::move(query)});
  }
  if (clause.any_of.empty()) {
    return absl::NotFoundError(StrCat("unknown chained search parameter '", name, "'"));
  }
  return clause;
}

// `_has:Source:refparam:rest=value`.
absl::StatusOr<Clause> ParseHas(const Registry& registry, std::string_view type,
                                std::string_view name, std::string_view value, int depth) {
  if (depth >= kMaxChainDepth) return TooDeep(name);
  std::string_view spec = name.substr(5);  // after "_has:"
  size_t c1 = spec.find(':');
  size_t c2 = c1 == std::string_view::npos ? c1 : spec.find(':', c1 + 1);
  if (c2 == std::string_view::npos || c2 + 1 >= spec.size()) {
    return Bad(
        StrCat("malformed _has parameter '", name, "': expected _has:Type:reference-param:param"));
  }
  std::string_view source = spec.substr(0, c1);
  std::string_view ref_param = spec.substr(c1 + 1, c2 - c1 - 1);
  std::string_view rest = spec.substr(c2 + 1);
  if (!fhir::IsResourceType(source)) {
    return Bad(StrCat("unknown resource type '", source, "' in '", name, "'"));
  }
  const ParamDef* ref = registry.Find(source, ref_param);
  if (ref == nullptr || ref->type != ParamType::kReference) {
    return Bad(
        StrCat("'", ref_param, "' in '", name, "' is not a reference parameter of ", source));
  }
  if (!ref->targets.empty() &&
      std::find(ref->targets.begin(), ref->targets.end(), type) == ref->targets.end()) {
    return Bad(StrCat("'", source, ".", ref_param, "' in '", name, "' cannot refer to ", type));
  }
  VIGIL_ASSIGN_OR_RETURN(Clause inner, ParseClause(registry, source, rest, value, depth + 1));
  auto query = std::make_shared<store::Query>();
  query->type = std::string(source);
  query->all_of.push_back(std::move(inner));
  Clause clause{"_has", RowKind::kReference, false, {}};
  std::string rows_of(ref_param);
  if (!ref->narrows.empty()) {
    // patient's rows are subject's that target a Patient: none can point here
    // unless this is a Patient (an empty clause matches nothing).
    if (type != ref->narrows_to) return clause;
    rows_of = ref->narrows;
  }
  clause.any_of.push_back(store::ReverseChainMatch{std::move(rows_of), std::move(query)});
  return clause;
}

absl::StatusOr<Clause> ParseId(std::string_view modifier, std::string_view value) {
  if (!modifier.empty()) return UnsupportedModifier("_id", modifier, ParamType::kToken);
  Clause clause{"_id", RowKind::kId, false, {}};
  for (std::string_view v : SplitUnescaped(value, ',')) {
    if (!v.empty()) clause.any_of.push_back(store::IdMatch{Unescape(v)});
  }
  if (clause.any_of.empty()) return Bad("parameter '_id' has no value");
  return clause;
}

}  // namespace

std::vector<std::string_view> SplitUnescaped(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;  // skip the escaped character
    } else if (s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(start));
  return out;
}

std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() &&
        (s[i + 1] == ',' || s[i + 1] == '|' || s[i + 1] == '$' || s[i + 1] == '\\')) {
      ++i;
    }
    out.push_back(s[i]);
  }
  return out;
}

std::optional<RowKind> RowKindOf(ParamType type) {
  switch (type) {
    case ParamType::kToken: return RowKind::kToken;
    case ParamType::kString: return RowKind::kString;
    case ParamType::kDate: return RowKind::kDate;
    case ParamType::kNumber: return RowKind::kNumber;
    case ParamType::kQuantity: return RowKind::kQuantity;
    case ParamType::kReference: return RowKind::kReference;
    case ParamType::kUri: return RowKind::kUri;
    case ParamType::kComposite: return RowKind::kComposite;
    case ParamType::kSpecial: return std::nullopt;
  }
  return std::nullopt;
}

absl::StatusOr<Clause> ParseClause(const Registry& registry, std::string_view type,
                                   std::string_view name, std::string_view value, int depth) {
  if (name.starts_with("_has:")) return ParseHas(registry, type, name, value, depth);
  size_t dot = name.find('.');
  if (dot != std::string_view::npos) {
    return ParseChain(registry, type, name, name.substr(0, dot), name.substr(dot + 1), value,
                      depth);
  }
  size_t colon = name.find(':');
  std::string_view code = name.substr(0, colon);
  std::string_view modifier = colon == std::string_view::npos ? "" : name.substr(colon + 1);
  if (code == "_id") return ParseId(modifier, value);
  const ParamDef* def = registry.Find(type, code);
  if (def == nullptr) {
    return absl::NotFoundError(StrCat("unknown search parameter '", code, "'"));
  }
  return ParseSimple(*def, modifier, value);
}

}  // namespace vigil::search::internal
