#include "search/registry.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <utility>

#include "base/str.h"
#include "fhir/model.h"
#include "search/rows.h"

namespace vigil::search {
namespace params_data {

struct RawParam {
  std::string_view id;
  std::string_view url;
  std::string_view code;
  ParamType type;
  XpathUsage xpath_usage;
  std::span<const std::string_view> bases;
  std::string_view expression;
  std::span<const std::string_view> targets;
  std::span<const ComponentDef> components;
};

struct RawBaseEntry {
  std::string_view base;
  std::string_view code;
  int param;  // index into kParams
  std::string_view expression;
};

#include "search/params_data.inc"

}  // namespace params_data
namespace {

bool IsAbstractBase(std::string_view base) {
  return base == "Resource" || base == "DomainResource";
}

bool ByCode(const ParamDef* a, const ParamDef* b) { return a->code < b->code; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Whether s is "(...)" with the first parenthesis closed by the last one.
bool Parenthesized(std::string_view s) {
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') return false;
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')' && --depth == 0 && i + 1 < s.size()) return false;
  }
  return true;
}

// The expression without outer parentheses and spaces.
std::string_view Bare(std::string_view s) {
  s = Trim(s);
  while (Parenthesized(s)) s = Trim(s.substr(1, s.size() - 2));
  return s;
}

// The operands of the top-level union operator ("a | (b | c)" -> "a", "(b | c)");
// one part when there is none. Quoted text and brackets are skipped.
std::vector<std::string_view> UnionParts(std::string_view expression) {
  std::vector<std::string_view> parts;
  int depth = 0;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < expression.size(); ++i) {
    char c = expression[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '`' || c == '"') quote = c;
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (c == '|' && depth == 0) {
      parts.push_back(Bare(expression.substr(start, i - start)));
      start = i + 1;
    }
  }
  parts.push_back(Bare(expression.substr(start)));
  return parts;
}

// Whether composites a and b extract the same rows from the same items.
bool SameComponents(const ParamDef& a, const ParamDef& b) {
  if (a.compiled_components.size() != b.compiled_components.size()) return false;
  for (size_t i = 0; i < a.compiled_components.size(); ++i) {
    if (a.compiled_components[i].type != b.compiled_components[i].type ||
        Bare(a.components[i].expression) != Bare(b.components[i].expression)) {
      return false;
    }
  }
  return true;
}

// expression's union operands relative to `base` ("Observation.code" ->
// "code", "Observation.value as Quantity" -> "value.as(Quantity)"); an operand
// that does not start at base is kept whole (and then matches nothing).
std::vector<std::string> RelativeOperands(std::string_view base, std::string_view expression) {
  std::vector<std::string> out;
  for (std::string_view part : UnionParts(expression)) {
    if (!base.empty() && part.starts_with(base) && part.substr(base.size()).starts_with(".")) {
      part.remove_prefix(base.size() + 1);
    }
    std::string text(part);
    if (size_t as = text.find(" as "); as != std::string::npos) {
      text = StrCat(Trim(std::string_view(text).substr(0, as)), ".as(",
                    Trim(std::string_view(text).substr(as + 4)), ")");
    }
    out.push_back(std::move(text));
  }
  return out;
}

bool EqualNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The type T of an operand "x.as(T)"; empty for other operands.
std::string_view CastType(std::string_view operand) {
  size_t at = operand.rfind(".as(");
  if (at == std::string_view::npos || !operand.ends_with(")")) return {};
  return operand.substr(at + 4, operand.size() - at - 5);
}

// Whether operand lists a and b read the same values for a parameter of
// type `type`: each operand of one is in the other, but for casts to a type
// that yields no rows.
bool SameOperands(ParamType type, const std::vector<std::string>& a,
                  const std::vector<std::string>& b) {
  auto covered = [&](const std::vector<std::string>& from, const std::vector<std::string>& in) {
    for (const std::string& operand : from) {
      std::string_view cast = CastType(operand);
      if (!cast.empty() && !TypeYieldsRows(type, cast)) continue;
      if (std::none_of(in.begin(), in.end(),
                       [&](const std::string& o) { return EqualNoCase(o, operand); })) {
        return false;
      }
    }
    return true;
  };
  return covered(a, b) && covered(b, a);
}

}  // namespace

const char* ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kNumber: return "number";
    case ParamType::kDate: return "date";
    case ParamType::kString: return "string";
    case ParamType::kToken: return "token";
    case ParamType::kReference: return "reference";
    case ParamType::kComposite: return "composite";
    case ParamType::kQuantity: return "quantity";
    case ParamType::kUri: return "uri";
    case ParamType::kSpecial: return "special";
  }
  return "?";
}

const Registry& Registry::Default() {
  static const Registry* const registry = new Registry();
  return *registry;
}

size_t Registry::source_count() const { return std::size(params_data::kParams); }

Registry::Registry() {
  auto start = std::chrono::steady_clock::now();
  defs_.reserve(std::size(params_data::kByBase));
  for (const params_data::RawBaseEntry& e : params_data::kByBase) {
    const params_data::RawParam& p = params_data::kParams[e.param];
    ParamDef def{e.base,       e.code,       p.id,    p.url,     p.type,       p.xpath_usage,
                 e.expression, p.expression, p.bases, p.targets, p.components, nullptr, {}};
    if (!e.expression.empty()) {
      std::string root = IsAbstractBase(e.base) ? "" : std::string(e.base);
      auto compiled = fhirpath::Expression::Compile(e.expression, {root});
      if (compiled.ok()) {
        expressions_.push_back(std::make_unique<fhirpath::Expression>(std::move(*compiled)));
        def.compiled = expressions_.back().get();
      } else {
        compile_errors_.push_back(StrCat(e.base, ".", e.code, ": ", Message(compiled.status())));
      }
    }
    defs_.push_back(def);
  }
  ResolveComponents();
  ResolveDerived();
  std::vector<const ParamDef*> resource_level, domain_level;
  std::map<std::string_view, std::vector<const ParamDef*>> own;
  for (const ParamDef& def : defs_) {
    if (def.base == "Resource") {
      resource_level.push_back(&def);
    } else if (def.base == "DomainResource") {
      domain_level.push_back(&def);
    } else {
      own[def.base].push_back(&def);
    }
  }
  for (const fhir::TypeInfo& type : fhir::AllTypes()) {
    if (type.kind != fhir::TypeKind::kResource || type.is_abstract) continue;
    std::vector<const ParamDef*> list = own[type.name];  // sorted by code already
    if (type.IsA("DomainResource"))
      list.insert(list.end(), domain_level.begin(), domain_level.end());
    list.insert(list.end(), resource_level.begin(), resource_level.end());
    std::vector<const ParamDef*> sorted = list;
    std::stable_sort(sorted.begin(), sorted.end(), ByCode);
    by_type_.emplace(std::string(type.name), std::move(list));
    sorted_by_type_.emplace(std::string(type.name), std::move(sorted));
  }
  build_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void Registry::ResolveComponents() {
  std::map<std::string_view, const ParamDef*> by_url;
  for (const ParamDef& def : defs_) by_url.emplace(def.url, &def);  // first base wins
  for (ParamDef& def : defs_) {
    if (def.type != ParamType::kComposite || def.components.empty()) continue;
    auto list = std::make_unique<std::vector<CompiledComponent>>();
    for (const ComponentDef& component : def.components) {
      auto it = by_url.find(component.definition);
      if (it == by_url.end() || it->second->type == ParamType::kComposite ||
          it->second->type == ParamType::kSpecial) {
        break;
      }
      // R4's code-value-date component says value.as(DateTime), the System
      // type, which a FHIR dateTime is not; the plain value-date parameter
      // says dateTime, as meant here too.
      std::string text(component.expression);
      for (size_t at; (at = text.find("as(DateTime)")) != std::string::npos;) {
        text.replace(at, 12, "as(dateTime)");
      }
      auto compiled = fhirpath::Expression::Compile(text);
      if (!compiled.ok()) {
        compile_errors_.push_back(StrCat(def.base, ".", def.code, " component '",
                                         component.expression, "': ", Message(compiled.status())));
        break;
      }
      expressions_.push_back(std::make_unique<fhirpath::Expression>(std::move(*compiled)));
      list->push_back({it->second->type, it->second, expressions_.back().get()});
    }
    if (list->size() != def.components.size()) continue;
    def.compiled_components = *list;
    components_.push_back(std::move(list));
  }
}

void Registry::ResolveDerived() {
  ResolveNarrowings();
  ResolveUnions();
  ResolveComponentParams();
}

// ParamDef::narrows: a reference parameter whose expression is subject's
// narrowed to one target type.
void Registry::ResolveNarrowings() {
  std::map<std::string_view, const ParamDef*> subjects;
  for (const ParamDef& def : defs_) {
    if (def.code == "subject" && def.type == ParamType::kReference && def.indexed()) {
      subjects.emplace(def.base, &def);
    }
  }
  constexpr std::string_view kWhere = ".where(resolve() is ";
  for (ParamDef& def : defs_) {
    auto subject = subjects.find(def.base);
    if (subject == subjects.end() || &def == subject->second || !def.indexed() ||
        def.type != ParamType::kReference) {
      continue;
    }
    std::string_view e = Bare(def.expression);
    std::string_view source = Bare(subject->second->expression);
    if (!e.starts_with(source) || !e.substr(source.size()).starts_with(kWhere) ||
        !e.ends_with(")")) {
      continue;
    }
    std::string_view target = e.substr(source.size() + kWhere.size());
    target.remove_suffix(1);
    if (!fhir::IsResourceType(target)) continue;
    def.narrows = subject->second->code;
    def.narrows_to = target;
  }
}

// ParamDef::union_of: a parameter whose expression's union operands are, in
// order, the operands of other parameters that are not unions themselves (so
// have fewer operands: parameters are visited by operand count).
void Registry::ResolveUnions() {
  std::map<std::string_view, std::vector<std::pair<std::vector<std::string_view>, ParamDef*>>>
      by_base;
  for (ParamDef& def : defs_) {
    if (IsAbstractBase(def.base) || !def.indexed() || def.type == ParamType::kReference) continue;
    by_base[def.base].emplace_back(UnionParts(def.expression), &def);
  }
  for (auto& [base, defs] : by_base) {
    std::stable_sort(defs.begin(), defs.end(),
                     [](const auto& a, const auto& b) { return a.first.size() < b.first.size(); });
    for (auto& [parts, def] : defs) {
      if (parts.size() < 2) continue;
      std::vector<std::string_view> codes;
      std::vector<const ParamDef*> sources;
      size_t at = 0;
      while (at < parts.size()) {
        const ParamDef* source = nullptr;
        size_t length = 0;
        for (const auto& [other_parts, other] : defs) {
          if (other_parts.size() >= parts.size()) break;
          if (other->type != def->type || !other->union_of.empty() ||
              at + other_parts.size() > parts.size() ||
              !std::equal(other_parts.begin(), other_parts.end(), parts.begin() + at)) {
            continue;
          }
          if (def->type == ParamType::kComposite && !SameComponents(*def, *other)) continue;
          source = other;
          length = other_parts.size();
          break;
        }
        if (source == nullptr) break;
        codes.push_back(source->code);
        sources.push_back(source);
        at += length;
      }
      if (at == parts.size()) {
        def->union_of = std::move(codes);
        def->union_sources = std::move(sources);
      }
    }
  }
}

// ParamDef::component_params: a composite over its base itself whose
// components each read what a parameter of the base reads. Compared as
// text: each union operand of the parameter's expression, "Base.x" made
// relative and "x as T" written "x.as(T)" (type names compared without case:
// R4 writes as(DateTime) in components and "as dateTime" in parameters),
// must be one of the component's operands, and the reverse, except operands
// casting to a type that yields no row of the parameter's type.
void Registry::ResolveComponentParams() {
  std::map<std::pair<std::string_view, std::string_view>, const ParamDef*> by_code;
  for (const ParamDef& def : defs_) by_code.emplace(std::make_pair(def.base, def.code), &def);
  for (ParamDef& def : defs_) {
    if (def.type != ParamType::kComposite || !def.indexed() || IsAbstractBase(def.base) ||
        Bare(def.expression) != def.base) {
      continue;
    }
    std::vector<const ParamDef*> params;
    for (size_t i = 0; i < def.compiled_components.size(); ++i) {
      auto it = by_code.find({def.base, def.compiled_components[i].def->code});
      if (it == by_code.end()) break;
      const ParamDef& own = *it->second;
      if (!own.indexed() || own.type != def.compiled_components[i].type || !own.union_of.empty() ||
          !own.narrows.empty() ||
          !SameOperands(own.type, RelativeOperands(def.base, own.expression),
                        RelativeOperands("", def.components[i].expression))) {
        break;
      }
      params.push_back(&own);
    }
    if (params.size() == def.compiled_components.size()) def.component_params = std::move(params);
  }
}

const ParamDef* Registry::Find(std::string_view type, std::string_view code) const {
  auto it = sorted_by_type_.find(type);
  if (it == sorted_by_type_.end()) return nullptr;
  const auto& list = it->second;
  auto pos = std::lower_bound(list.begin(), list.end(), code,
                              [](const ParamDef* d, std::string_view c) { return d->code < c; });
  if (pos == list.end() || (*pos)->code != code) return nullptr;
  return *pos;
}

std::span<const ParamDef* const> Registry::ForType(std::string_view type) const {
  auto it = by_type_.find(type);
  if (it == by_type_.end()) return {};
  return it->second;
}

}  // namespace vigil::search
