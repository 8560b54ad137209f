#include "fhirpath/ucum.h"

#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

namespace vigil::fhirpath::internal {
namespace {

// Exponents larger than this are refused (no clinical unit needs them).
constexpr int kMaxExponentDigits = 2;

struct Atom {
  UcumUnit unit;  // terms empty; the parser writes the symbol
  bool metric = false;
};

using AtomLookup = std::function<const Atom*(std::string_view)>;

Decimal ParseConstant(std::string_view text) { return Decimal::Parse(text).value_or(Decimal()); }

std::optional<Decimal> Power(const Decimal& base, int exponent) {
  Decimal result = Decimal::FromInt(1);
  for (int i = 0; i < exponent; ++i) {
    std::optional<Decimal> next = result.Mul(base);
    if (!next) return std::nullopt;
    result = *next;
  }
  return result;
}

// unit^exponent for a ratio unit; nullopt on factor overflow.
std::optional<UcumUnit> Raise(const UcumUnit& unit, int exponent) {
  int n = std::abs(exponent);
  std::optional<Decimal> num = Power(unit.numerator, n), den = Power(unit.denominator, n);
  if (!num || !den || num->is_zero() || den->is_zero()) return std::nullopt;
  UcumUnit r = unit;
  r.numerator = exponent >= 0 ? *num : *den;
  r.denominator = exponent >= 0 ? *den : *num;
  for (int i = 0; i < kDimensionCount; ++i)
    r.dims[i] = static_cast<int8_t>(unit.dims[i] * exponent);
  for (UcumTerm& t : r.terms) t.exponent *= exponent;
  return r;
}

void AddTerm(std::vector<UcumTerm>& terms, const UcumTerm& term) {
  for (UcumTerm& t : terms) {
    if (t.symbol == term.symbol) {
      t.exponent += term.exponent;
      return;
    }
  }
  terms.push_back(term);
}

bool IsUnity(const UcumUnit& u) {
  return u.special == nullptr && u.terms.empty() && u.symbolic && u.dims == Dimensions{} &&
         u.numerator == Decimal::FromInt(1) && u.denominator == Decimal::FromInt(1);
}

// result := result * c^sign. Special units combine with nothing.
bool Combine(UcumUnit& result, const UcumUnit& c, int sign) {
  if (c.special || result.special) {
    if (!IsUnity(result) || sign != 1 || !c.special) return false;
    result = c;
    return true;
  }
  std::optional<UcumUnit> raised = Raise(c, sign);
  if (!raised) return false;
  std::optional<Decimal> num = result.numerator.Mul(raised->numerator);
  std::optional<Decimal> den = result.denominator.Mul(raised->denominator);
  if (!num || !den || num->is_zero() || den->is_zero()) return false;
  result.numerator = *num;
  result.denominator = *den;
  for (int i = 0; i < kDimensionCount; ++i) result.dims[i] += raised->dims[i];
  for (const UcumTerm& t : raised->terms) AddTerm(result.terms, t);
  result.symbolic = result.symbolic && c.symbolic;
  return true;
}

class Parser {
 public:
  Parser(std::string_view text, const AtomLookup& lookup) : text_(text), lookup_(lookup) {}

  std::optional<UcumUnit> Parse() {
    std::optional<UcumUnit> unit = Term();
    if (!unit || pos_ != text_.size()) return std::nullopt;
    return unit;
  }

 private:
  bool Peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool Consume(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }

  std::optional<UcumUnit> Term() {
    UcumUnit result;
    int sign = Consume('/') ? -1 : 1;
    while (true) {
      std::optional<UcumUnit> c = Component();
      if (!c || !Combine(result, *c, sign)) return std::nullopt;
      if (Consume('.')) {
        sign = 1;
      } else if (Consume('/')) {
        sign = -1;
      } else {
        return result;
      }
    }
  }

  std::optional<UcumUnit> Component() {
    std::optional<UcumUnit> unit;
    if (Consume('(')) {
      unit = Term();
      if (!unit || !Consume(')')) return std::nullopt;
    } else if (Peek('{')) {
      unit = UcumUnit();
    } else {
      unit = SimpleUnit();
    }
    if (!unit || (Peek('{') && !SkipAnnotation())) return std::nullopt;
    return unit;
  }

  bool SkipAnnotation() {
    size_t close = text_.find('}', pos_);
    if (!Consume('{') || close == std::string_view::npos) return false;
    pos_ = close + 1;
    return true;
  }

  // The characters of one symbol with its exponent: up to . / ( ) { or the end;
  // brackets are taken whole ("mm[Hg]"). Empty when malformed.
  std::string_view SymbolRun() {
    size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '.' || c == '/' || c == '(' || c == ')' || c == '{') break;
      if (c == ' ' || c == '\'' || c == '"' || c == '}' || c == ']') return {};
      if (c == '[') {
        size_t close = text_.find(']', pos_);
        if (close == std::string_view::npos) return {};
        pos_ = close;
      }
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  std::optional<UcumUnit> SimpleUnit() {
    std::string_view run = SymbolRun();
    if (run.empty()) return std::nullopt;
    size_t digits = run.size();
    while (digits > 0 && run[digits - 1] >= '0' && run[digits - 1] <= '9') --digits;
    if (digits == 0) return Number(run);
    size_t exponent_start = digits;
    if (digits < run.size() && (run[digits - 1] == '+' || run[digits - 1] == '-')) --exponent_start;
    std::string_view symbol = run.substr(0, exponent_start);
    std::string_view exponent_text = run.substr(exponent_start);
    int exponent = 1;
    if (!exponent_text.empty()) {
      if (run.size() - digits > kMaxExponentDigits) return std::nullopt;
      exponent = std::atoi(std::string(exponent_text).c_str());
    }
    return Symbol(symbol, exponent);
  }

  static std::optional<UcumUnit> Number(std::string_view digits) {
    std::optional<Decimal> value = Decimal::Parse(digits);
    if (!value || value->is_zero()) return std::nullopt;
    UcumUnit u;
    u.numerator = *value;
    u.symbolic = *value == Decimal::FromInt(1);  // '1' has no terms to lose
    return u;
  }

  std::optional<UcumUnit> Symbol(std::string_view symbol, int exponent) {
    std::optional<UcumUnit> unit = ResolveSymbol(symbol);
    if (!unit) return std::nullopt;
    if (unit->special) return exponent == 1 ? unit : std::nullopt;
    unit->terms = {UcumTerm{std::string(symbol), 1}};
    return Raise(*unit, exponent);
  }

  // An atom, or a metric atom after a prefix ("mg", "dL", "mm[Hg]").
  std::optional<UcumUnit> ResolveSymbol(std::string_view symbol) {
    if (const Atom* atom = lookup_(symbol)) return atom->unit;
    for (const UcumPrefixDef& prefix : UcumPrefixTable()) {
      if (!symbol.starts_with(prefix.code) || symbol.size() == prefix.code.size()) continue;
      const Atom* atom = lookup_(symbol.substr(prefix.code.size()));
      if (!atom || !atom->metric || atom->unit.special) continue;
      UcumUnit unit = atom->unit;
      std::optional<Decimal> scaled = unit.numerator.Mul(ParseConstant(prefix.factor));
      if (!scaled) return std::nullopt;
      unit.numerator = *scaled;
      return unit;
    }
    return std::nullopt;
  }

  std::string_view text_;
  size_t pos_ = 0;
  const AtomLookup& lookup_;
};

const UcumAtomDef* FindDefinition(std::string_view code) {
  for (const UcumAtomDef& def : UcumAtomTable()) {
    if (def.code == code) return &def;
  }
  return nullptr;
}

const UcumSpecial* FindSpecial(std::string_view code) {
  for (const UcumSpecial& special : UcumSpecialTable()) {
    if (special.code == code) return &special;
  }
  return nullptr;
}

// Resolves every atom of the table, each from its definition, once.
class AtomTable {
 public:
  AtomTable() {
    for (const UcumAtomDef& def : UcumAtomTable()) Resolve(def.code);
    for (const UcumSpecial& special : UcumSpecialTable()) Resolve(special.code);
  }

  const Atom* Find(std::string_view code) const {
    auto it = atoms_.find(code);
    return it == atoms_.end() ? nullptr : &it->second;
  }

 private:
  const Atom* Resolve(std::string_view code) {
    if (const Atom* done = Find(code)) return done;
    if (const UcumSpecial* special = FindSpecial(code)) return Store(code, SpecialAtom(special));
    const UcumAtomDef* def = FindDefinition(code);
    if (def == nullptr || !in_progress_.insert(code).second) return nullptr;
    std::optional<Atom> atom = Define(*def);
    in_progress_.erase(code);
    return atom ? Store(code, *atom) : nullptr;
  }

  std::optional<Atom> Define(const UcumAtomDef& def) {
    Atom atom{.unit = UcumUnit(), .metric = def.metric};
    if (def.base_dimension >= 0) {
      atom.unit.dims[def.base_dimension] = 1;
      return atom;
    }
    AtomLookup lookup = [this](std::string_view c) { return Resolve(c); };
    std::optional<UcumUnit> unit = Parser(def.definition, lookup).Parse();
    if (!unit) return std::nullopt;
    std::optional<Decimal> scaled = unit->numerator.Mul(ParseConstant(def.factor));
    if (!scaled) return std::nullopt;
    atom.unit = *unit;
    atom.unit.numerator = *scaled;
    atom.unit.terms.clear();
    atom.unit.symbolic = true;
    return atom;
  }

  static Atom SpecialAtom(const UcumSpecial* special) {
    Atom atom;
    atom.unit.dims[4] = 1;  // kelvin
    atom.unit.special = special;
    return atom;
  }

  const Atom* Store(std::string_view code, Atom atom) {
    return &atoms_.emplace(code, std::move(atom)).first->second;
  }

  std::map<std::string_view, Atom, std::less<>> atoms_;
  std::set<std::string_view> in_progress_;
};

const AtomTable& Atoms() {
  static const AtomTable* const kTable = new AtomTable();
  return *kTable;
}

// value in kelvin for a special unit, or in base units for a ratio unit.
std::optional<Decimal> ToBase(const Decimal& value, const UcumUnit& u) {
  if (!u.special) {
    std::optional<Decimal> scaled = value.Mul(u.numerator);
    return scaled ? scaled->Div(u.denominator) : std::nullopt;
  }
  std::optional<Decimal> shifted = value.Add(ParseConstant(u.special->offset));
  if (!shifted) return std::nullopt;
  std::optional<Decimal> scaled = shifted->Mul(ParseConstant(u.special->numerator));
  return scaled ? scaled->Div(ParseConstant(u.special->denominator)) : std::nullopt;
}

std::optional<Decimal> FromBase(const Decimal& base, const UcumUnit& u) {
  if (!u.special) {
    std::optional<Decimal> scaled = base.Mul(u.denominator);
    return scaled ? scaled->Div(u.numerator) : std::nullopt;
  }
  std::optional<Decimal> scaled = base.Mul(ParseConstant(u.special->denominator));
  if (scaled) scaled = scaled->Div(ParseConstant(u.special->numerator));
  return scaled ? scaled->Sub(ParseConstant(u.special->offset)) : std::nullopt;
}

}  // namespace

std::optional<UcumUnit> ParseUcum(std::string_view code) {
  if (code.empty()) return std::nullopt;
  // Units repeat endlessly in clinical data ('mg', 'mm[Hg]'): remember each
  // parse per thread (no locking), bounded so hostile input cannot grow it.
  thread_local std::unordered_map<std::string, std::optional<UcumUnit>> cache;
  if (auto it = cache.find(std::string(code)); it != cache.end()) return it->second;
  const AtomTable& atoms = Atoms();
  AtomLookup lookup = [&atoms](std::string_view c) { return atoms.Find(c); };
  std::optional<UcumUnit> unit = Parser(code, lookup).Parse();
  if (cache.size() >= 4096) cache.clear();
  cache.emplace(std::string(code), unit);
  return unit;
}

std::optional<Decimal> ConvertUcum(const Decimal& value, const UcumUnit& from, const UcumUnit& to) {
  if (from.dims != to.dims) return std::nullopt;
  std::optional<Decimal> result;
  if (!from.special && !to.special) {
    // One division at the end keeps exact ratios exact: v * nf * dt / (df * nt).
    std::optional<Decimal> top = value.Mul(from.numerator);
    if (top) top = top->Mul(to.denominator);
    std::optional<Decimal> bottom = from.denominator.Mul(to.numerator);
    if (top && bottom) result = top->Div(*bottom);
  } else if (std::optional<Decimal> base = ToBase(value, from)) {
    result = FromBase(*base, to);
  }
  if (!result) return std::nullopt;
  return result->StripTrailingZeros(std::min(value.scale(), result->scale()));
}

int CompareFactors(const UcumUnit& a, const UcumUnit& b) {
  std::optional<Decimal> left = a.numerator.Mul(b.denominator);
  std::optional<Decimal> right = b.numerator.Mul(a.denominator);
  if (!left || !right) return 0;
  return left->Compare(*right);
}

}  // namespace vigil::fhirpath::internal
