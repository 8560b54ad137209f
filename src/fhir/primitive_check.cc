#include "fhir/primitive_check.h"

#include <array>
#include <cstdint>
#include <utility>

namespace vigil::fhir {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A cursor over the text of a temporal value; each Take* consumes on success.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  bool Peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool Take(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  // n digits forming a number in [lo, hi].
  bool TakeNumber(int n, int lo, int hi) {
    if (s_.size() - pos_ < static_cast<size_t>(n)) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      char c = s_[pos_ + static_cast<size_t>(i)];
      if (!IsDigit(c)) return false;
      v = v * 10 + (c - '0');
    }
    if (v < lo || v > hi) return false;
    pos_ += static_cast<size_t>(n);
    return true;
  }
  // ".digits", optional.
  bool TakeFraction() {
    if (!Take('.')) return true;
    size_t start = pos_;
    while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    return pos_ > start;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// YYYY, 0001-9999 (the R4 regex excludes year 0000).
bool TakeYear(Scanner& s) { return s.TakeNumber(4, 1, 9999); }

// hh:mm:ss(.fff)? (a leap second 60 is allowed).
bool TakeTime(Scanner& s) {
  return s.TakeNumber(2, 0, 23) && s.Take(':') && s.TakeNumber(2, 0, 59) && s.Take(':') &&
         s.TakeNumber(2, 0, 60) && s.TakeFraction();
}

// Z, or +hh:mm / -hh:mm up to 14:00.
bool TakeZone(Scanner& s) {
  if (s.Take('Z')) return true;
  if (!s.Take('+') && !s.Take('-')) return false;
  Scanner probe = s;
  if (probe.TakeNumber(2, 14, 14)) {
    if (!probe.Take(':') || !probe.TakeNumber(2, 0, 0)) return false;
    s = probe;
    return true;
  }
  return s.TakeNumber(2, 0, 13) && s.Take(':') && s.TakeNumber(2, 0, 59);
}

// year(-MM(-DD(Thh:mm:ssZONE)?)?)? with the time part only when with_time.
// full: the date and (when with_time) the time are required (instant).
bool IsTemporal(std::string_view text, bool with_time, bool full) {
  Scanner s(text);
  if (!TakeYear(s)) return false;
  if (!s.Take('-')) return !full && s.done();
  if (!s.TakeNumber(2, 1, 12)) return false;
  if (!s.Take('-')) return !full && s.done();
  if (!s.TakeNumber(2, 1, 31)) return false;
  if (!with_time || !s.Take('T')) return !(with_time && full) && s.done();
  return TakeTime(s) && TakeZone(s) && s.done();
}

bool IsTime(std::string_view text) {
  Scanner s(text);
  return TakeTime(s) && s.done();
}

// -?(0|[1-9][0-9]*), no fraction or exponent, within [lo, hi].
// (JSON has no leading '+', so positiveInt's optional '+' cannot occur.)
bool IsIntegerIn(std::string_view text, int64_t lo, int64_t hi) {
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.size() > 10) return false;
  if (text[0] == '0' && text.size() > 1) return false;
  int64_t v = 0;
  for (char c : text) {
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  if (negative) v = -v;
  return v >= lo && v <= hi;
}

// [^\s]+(\s[^\s]+)*: no leading, trailing or doubled whitespace.
bool IsCode(std::string_view text) {
  if (text.empty() || IsSpace(text.front()) || IsSpace(text.back())) return false;
  for (size_t i = 1; i < text.size(); ++i) {
    if (IsSpace(text[i]) && IsSpace(text[i - 1])) return false;
  }
  return true;
}

bool HasWhitespace(std::string_view text) {
  for (char c : text) {
    if (IsSpace(c)) return true;
  }
  return false;
}

// urn:oid:[0-2](\.(0|[1-9][0-9]*))+
bool IsOid(std::string_view text) {
  constexpr std::string_view kPrefix = "urn:oid:";
  if (!text.starts_with(kPrefix)) return false;
  text.remove_prefix(kPrefix.size());
  if (text.size() < 3 || text[0] < '0' || text[0] > '2') return false;
  text.remove_prefix(1);
  while (!text.empty()) {
    if (text[0] != '.' || text.size() < 2 || !IsDigit(text[1])) return false;
    text.remove_prefix(1);
    size_t n = 0;
    while (n < text.size() && IsDigit(text[n])) ++n;
    if (text[0] == '0' && n > 1) return false;
    text.remove_prefix(n);
  }
  return true;
}

// urn:uuid: + lower-case 8-4-4-4-12 hex.
bool IsUuid(std::string_view text) {
  constexpr std::string_view kPrefix = "urn:uuid:";
  if (!text.starts_with(kPrefix) || text.size() != kPrefix.size() + 36) return false;
  text.remove_prefix(kPrefix.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !(IsDigit(c) || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Base64 characters with optional whitespace; '=' padding only at the end.
bool IsBase64(std::string_view text) {
  bool padding = false;
  for (char c : text) {
    if (IsSpace(c)) continue;
    bool alnum = IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (c == '=') {
      padding = true;
    } else if (padding || !(alnum || c == '+' || c == '/')) {
      return false;
    }
  }
  return true;
}

std::string_view CheckString(PrimitiveKind kind, const std::string& text) {
  if (text.empty()) return "empty string (FHIR values are never empty)";
  switch (kind) {
    case PrimitiveKind::kBase64Binary:
      return IsBase64(text) ? std::string_view() : "not valid base64";
    case PrimitiveKind::kCode:
      return IsCode(text) ? std::string_view()
                          : "not a valid code (leading, trailing or repeated whitespace)";
    case PrimitiveKind::kUri:
      return HasWhitespace(text) ? "a URI contains no whitespace" : std::string_view();
    case PrimitiveKind::kDate:
      return IsTemporal(text, false, false) ? std::string_view()
                                            : "not a valid date (YYYY, YYYY-MM or YYYY-MM-DD)";
    case PrimitiveKind::kDateTime:
      return IsTemporal(text, true, false)
                 ? std::string_view()
                 : "not a valid dateTime (YYYY[-MM[-DD[Thh:mm:ss[.fff](Z|+hh:mm)]]])";
    case PrimitiveKind::kInstant:
      return IsTemporal(text, true, true)
                 ? std::string_view()
                 : "not a valid instant (YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm))";
    case PrimitiveKind::kId:
      return IsFhirId(text) ? std::string_view() : "not a valid id ([A-Za-z0-9-.]{1,64})";
    case PrimitiveKind::kOid:
      return IsOid(text) ? std::string_view() : "not a valid oid (urn:oid:1.2.3...)";
    case PrimitiveKind::kTime:
      return IsTime(text) ? std::string_view() : "not a valid time (hh:mm:ss[.fff])";
    case PrimitiveKind::kUuid:
      return IsUuid(text) ? std::string_view() : "not a valid uuid (urn:uuid: + lower-case hex)";
    default: return {};
  }
}

}  // namespace

bool IsFhirId(std::string_view id) {
  static constexpr auto kAllowed = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) {
      t[static_cast<size_t>(c)] = IsDigit(static_cast<char>(c)) || (c >= 'A' && c <= 'Z') ||
                                  (c >= 'a' && c <= 'z') || c == '-' || c == '.';
    }
    return t;
  }();
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!kAllowed[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

PrimitiveKind PrimitiveKindOf(std::string_view type) {
  static constexpr std::pair<std::string_view, PrimitiveKind> kKinds[] = {
      {"boolean", PrimitiveKind::kBoolean},
      {"integer", PrimitiveKind::kInteger},
      {"unsignedInt", PrimitiveKind::kUnsignedInt},
      {"positiveInt", PrimitiveKind::kPositiveInt},
      {"decimal", PrimitiveKind::kDecimal},
      {"date", PrimitiveKind::kDate},
      {"dateTime", PrimitiveKind::kDateTime},
      {"instant", PrimitiveKind::kInstant},
      {"time", PrimitiveKind::kTime},
      {"code", PrimitiveKind::kCode},
      {"id", PrimitiveKind::kId},
      {"uri", PrimitiveKind::kUri},
      {"url", PrimitiveKind::kUri},
      {"canonical", PrimitiveKind::kUri},
      {"oid", PrimitiveKind::kOid},
      {"uuid", PrimitiveKind::kUuid},
      {"base64Binary", PrimitiveKind::kBase64Binary},
  };
  for (const auto& [name, kind] : kKinds) {
    if (name == type) return kind;
  }
  return PrimitiveKind::kString;
}

PrimitiveProblem CheckPrimitive(std::string_view type, const Json& value) {
  return CheckPrimitive(PrimitiveKindOf(type), value);
}

PrimitiveProblem CheckPrimitive(PrimitiveKind kind, const Json& value) {
  constexpr int64_t kMaxInt = 2147483647;
  switch (kind) {
    case PrimitiveKind::kBoolean:
      if (value.is_bool()) return {};
      return {true, "must be JSON true or false"};
    case PrimitiveKind::kInteger:
    case PrimitiveKind::kUnsignedInt:
    case PrimitiveKind::kPositiveInt:
      if (!value.is_number()) return {true, "must be a JSON number"};
      if (kind == PrimitiveKind::kInteger) {
        if (IsIntegerIn(value.text(), -kMaxInt - 1, kMaxInt)) return {};
        return {false, "not a 32-bit integer"};
      }
      if (kind == PrimitiveKind::kUnsignedInt) {
        if (IsIntegerIn(value.text(), 0, kMaxInt)) return {};
        return {false, "not an unsignedInt (a whole number 0..2147483647)"};
      }
      if (IsIntegerIn(value.text(), 1, kMaxInt)) return {};
      return {false, "not a positiveInt (a whole number 1..2147483647)"};
    case PrimitiveKind::kDecimal:
      if (value.is_number()) return {};
      return {true, "must be a JSON number"};
    default:
      if (!value.is_string()) return {true, "must be a JSON string"};
      return {false, CheckString(kind, value.text())};
  }
}

}  // namespace vigil::fhir
