// FHIRPath string manipulation (spec 5.6) plus the FHIRPath 2.0 additions the
// R4 suite uses (matchesFull, trim, split, join, encode/decode, escape/unescape).
//
// Strings are UTF-8. Positions and lengths (indexOf, substring, length, toChars)
// count Unicode code points, not bytes. Every function takes a single String
// focus: an empty focus gives an empty result, several items or a non-string
// item is an execution error. An empty argument gives an empty result.
//
// Regular expressions use RE2 in "single-line" mode (`.` matches a newline).
// matches() is a partial match, as the suite requires ('...'.matches('Library'));
// matchesFull() anchors both ends.
#include <re2/re2.h>

#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/utf8.h"
#include "fhirpath/functions.h"

namespace vigil::fhirpath {
namespace {

Collection One(Value v) { return Collection{std::move(v)}; }
Collection OneString(std::string s) { return One(Value::String(std::move(s))); }

// --- UTF-8 ------------------------------------------------------------------

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Byte offset of every code point start, followed by s.size(). Malformed bytes
// count as one code point each, so the function never fails.
std::vector<size_t> CodePointStarts(std::string_view s) {
  std::vector<size_t> starts;
  starts.reserve(s.size() + 1);
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsContinuationByte(s[i]) || i == 0) starts.push_back(i);
  }
  starts.push_back(s.size());
  return starts;
}

int64_t CodePointCount(std::string_view s) {
  int64_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsContinuationByte(s[i]) || i == 0) ++n;
  }
  return n;
}

// Decodes the code point at s[*pos] and advances *pos; a malformed or truncated
// sequence yields its first byte alone.
uint32_t NextCodePoint(std::string_view s, size_t* pos) {
  uint32_t lead = static_cast<unsigned char>(s[*pos]);
  int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  if (*pos + extra >= s.size()) extra = 0;
  uint32_t cp = extra == 3 ? (lead & 0x07) : extra == 2 ? (lead & 0x0F) : (lead & 0x1F);
  for (int k = 1; k <= extra; ++k) {
    char c = s[*pos + k];
    if (!IsContinuationByte(c)) {
      extra = 0;
      break;
    }
    cp = (cp << 6) | (static_cast<unsigned char>(c) & 0x3F);
  }
  *pos += extra + 1;
  return extra == 0 ? lead : cp;
}

// Latin Extended-A (U+0100..U+017F) pairs an upper and a lower case letter on
// adjacent code points; whether the upper one is even depends on the block.
// Returns the partner offset (+1 or -1 towards the other case), 0 if uncased.
int LatinExtendedAStep(uint32_t c, bool to_upper) {
  bool even_upper;
  if (c <= 0x137 && c != 0x130 && c != 0x131) {
    even_upper = true;
  } else if (c >= 0x139 && c <= 0x148) {
    even_upper = false;
  } else if (c >= 0x14A && c <= 0x177) {
    even_upper = true;
  } else if (c >= 0x179 && c <= 0x17E) {
    even_upper = false;
  } else {
    return 0;
  }
  bool is_upper = (c % 2 == 0) == even_upper;
  if (is_upper == to_upper) return 0;
  return to_upper ? -1 : 1;
}

// Simple case mapping for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic:
// the scripts clinical text mostly uses. Other code points are left unchanged.
uint32_t ToUpperCodePoint(uint32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 0x20;
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x17F) return c + LatinExtendedAStep(c, true);
  if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 0x20;
  if (c >= 0x430 && c <= 0x44F) return c - 0x20;
  if (c >= 0x450 && c <= 0x45F) return c - 0x50;
  return c;
}

uint32_t ToLowerCodePoint(uint32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
  if (c == 0x178) return 0xFF;
  if (c >= 0x100 && c <= 0x17F) return c + LatinExtendedAStep(c, false);
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 0x20;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}

std::string MapCodePoints(std::string_view s, uint32_t (*map)(uint32_t)) {
  std::string out;
  out.reserve(s.size());
  for (size_t pos = 0; pos < s.size();) AppendUtf8(map(NextCodePoint(s, &pos)), &out);
  return out;
}

// --- Regular expressions ------------------------------------------------------

// Compiled patterns are cached: expressions usually pass the same literal regex
// for every resource. One bounded cache per thread (as for UCUM units), so
// concurrent evaluations never wait on a lock here.
std::shared_ptr<const RE2> CompileRegex(const FnCall& call, const std::string& pattern,
                                        absl::Status* error) {
  thread_local std::map<std::string, std::shared_ptr<const RE2>, std::less<>> cache;
  constexpr size_t kMaxCached = 256;
  if (auto it = cache.find(pattern); it != cache.end()) return it->second;
  RE2::Options options;
  options.set_dot_nl(true);
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, options);
  if (!re->ok()) {
    *error = call.Error("invalid regular expression '" + pattern + "': " + re->error());
    return nullptr;
  }
  if (cache.size() >= kMaxCached) cache.clear();
  cache.emplace(pattern, re);
  return re;
}

// FHIRPath substitutions refer to groups as $1; RE2 rewrites use \1 and treat a
// backslash as an escape, so literal backslashes are doubled.
std::string ToRe2Rewrite(std::string_view substitution) {
  std::string out;
  for (size_t i = 0; i < substitution.size(); ++i) {
    char c = substitution[i];
    if (c == '$' && i + 1 < substitution.size() &&
        std::isdigit(static_cast<unsigned char>(substitution[i + 1]))) {
      out.push_back('\\');
      out.push_back(substitution[++i]);
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// --- Shared argument handling -----------------------------------------------

// The string focus and string argument 0. `present` is false (the result is
// empty) when either is empty.
struct StringAndArg {
  bool present = false;
  std::string input;
  std::string arg;
};

absl::StatusOr<StringAndArg> InputAndStringArg(const FnCall& call) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<std::string> input, call.StringInput());
  if (!input) return StringAndArg{};
  VIGIL_ASSIGN_OR_RETURN(std::optional<std::string> arg, call.StringArg(0));
  if (!arg) return StringAndArg{};
  return StringAndArg{true, std::move(*input), std::move(*arg)};
}

// Applies fn(input, arg) -> Value when both are present.
template <typename Fn>
absl::StatusOr<Collection> WithStringArg(const FnCall& call, Fn fn) {
  VIGIL_ASSIGN_OR_RETURN(StringAndArg in, InputAndStringArg(call));
  if (!in.present) return Collection{};
  return fn(in.input, in.arg);
}

// --- 5.6 String manipulation ----------------------------------------------------

absl::StatusOr<Collection> IndexOf(const FnCall& call) {
  return WithStringArg(call, [](const std::string& s, const std::string& sub) -> Collection {
    size_t pos = s.find(sub);
    if (pos == std::string::npos) return One(Value::Integer(-1));
    return One(Value::Integer(CodePointCount(std::string_view(s).substr(0, pos))));
  });
}

absl::StatusOr<Collection> Substring(const FnCall& call) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<std::string> s, call.StringInput());
  if (!s) return Collection{};
  VIGIL_ASSIGN_OR_RETURN(std::optional<int64_t> start, call.IntegerArg(0));
  if (!start) return Collection{};
  std::optional<int64_t> length;
  if (call.arg_count() > 1) {
    VIGIL_ASSIGN_OR_RETURN(length, call.IntegerArg(1));
  }
  std::vector<size_t> starts = CodePointStarts(*s);
  int64_t count = static_cast<int64_t>(starts.size()) - 1;
  if (*start < 0 || *start >= count) return Collection{};
  int64_t end = count;
  if (length) end = *length <= 0 ? *start : std::min(count, *start + *length);
  size_t from = starts[*start];
  return OneString(s->substr(from, starts[end] - from));
}

absl::StatusOr<Collection> StartsWith(const FnCall& call) {
  return WithStringArg(call, [](const std::string& s, const std::string& prefix) {
    return One(Value::Boolean(std::string_view(s).starts_with(prefix)));
  });
}

absl::StatusOr<Collection> EndsWith(const FnCall& call) {
  return WithStringArg(call, [](const std::string& s, const std::string& suffix) {
    return One(Value::Boolean(std::string_view(s).ends_with(suffix)));
  });
}

absl::StatusOr<Collection> Contains(const FnCall& call) {
  return WithStringArg(call, [](const std::string& s, const std::string& sub) {
    return One(Value::Boolean(s.find(sub) != std::string::npos));
  });
}

// Applies fn(input) -> Collection to a present string focus.
template <typename Fn>
absl::StatusOr<Collection> WithString(const FnCall& call, Fn fn) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<std::string> s, call.StringInput());
  if (!s) return Collection{};
  return fn(*s);
}

absl::StatusOr<Collection> Upper(const FnCall& call) {
  return WithString(
      call, [](const std::string& s) { return OneString(MapCodePoints(s, ToUpperCodePoint)); });
}

absl::StatusOr<Collection> Lower(const FnCall& call) {
  return WithString(
      call, [](const std::string& s) { return OneString(MapCodePoints(s, ToLowerCodePoint)); });
}

// Plain-text replacement of every occurrence. An empty pattern inserts the
// substitution around every character: 'abc'.replace('', 'x') = 'xaxbxcx'.
std::string ReplaceAll(const std::string& s, const std::string& pattern,
                       const std::string& substitution) {
  std::string out;
  if (pattern.empty()) {
    std::vector<size_t> starts = CodePointStarts(s);
    out += substitution;
    for (size_t i = 0; i + 1 < starts.size(); ++i) {
      out.append(s, starts[i], starts[i + 1] - starts[i]);
      out += substitution;
    }
    return out;
  }
  size_t pos = 0;
  for (size_t hit; (hit = s.find(pattern, pos)) != std::string::npos; pos = hit + pattern.size()) {
    out.append(s, pos, hit - pos);
    out += substitution;
  }
  out.append(s, pos);
  return out;
}

absl::StatusOr<Collection> Replace(const FnCall& call) {
  VIGIL_ASSIGN_OR_RETURN(StringAndArg in, InputAndStringArg(call));
  if (!in.present) return Collection{};
  VIGIL_ASSIGN_OR_RETURN(std::optional<std::string> substitution, call.StringArg(1));
  if (!substitution) return Collection{};
  return OneString(ReplaceAll(in.input, in.arg, *substitution));
}

absl::StatusOr<Collection> MatchRegex(const FnCall& call, bool full) {
  VIGIL_ASSIGN_OR_RETURN(StringAndArg in, InputAndStringArg(call));
  if (!in.present) return Collection{};
  absl::Status error;
  std::shared_ptr<const RE2> re = CompileRegex(call, in.arg, &error);
  if (re == nullptr) return error;
  bool matched = full ? RE2::FullMatch(in.input, *re) : RE2::PartialMatch(in.input, *re);
  return One(Value::Boolean(matched));
}

absl::StatusOr<Collection> Matches(const FnCall& call) { return MatchRegex(call, false); }
absl::StatusOr<Collection> MatchesFull(const FnCall& call) { return MatchRegex(call, true); }

absl::StatusOr<Collection> ReplaceMatches(const FnCall& call) {
  VIGIL_ASSIGN_OR_RETURN(StringAndArg in, InputAndStringArg(call));
  if (!in.present) return Collection{};
  VIGIL_ASSIGN_OR_RETURN(std::optional<std::string> substitution, call.StringArg(1));
  if (!substitution) return Collection{};
  // The suite expects an empty regex to leave the input unchanged.
  if (in.arg.empty()) return OneString(std::move(in.input));
  absl::Status error;
  std::shared_ptr<const RE2> re = CompileRegex(call, in.arg, &error);
  if (re == nullptr) return error;
  std::string rewrite = ToRe2Rewrite(*substitution);
  std::string why;
  if (!re->CheckRewriteString(rewrite, &why)) {
    return call.Error("invalid substitution '" + *substitution + "': " + why);
  }
  std::string out = std::move(in.input);
  RE2::GlobalReplace(&out, *re, rewrite);
  return OneString(std::move(out));
}

absl::StatusOr<Collection> Length(const FnCall& call) {
  return WithString(call,
                    [](const std::string& s) { return One(Value::Integer(CodePointCount(s))); });
}

absl::StatusOr<Collection> ToChars(const FnCall& call) {
  return WithString(call, [](const std::string& s) {
    std::vector<size_t> starts = CodePointStarts(s);
    Collection out;
    for (size_t i = 0; i + 1 < starts.size(); ++i) {
      out.push_back(Value::String(s.substr(starts[i], starts[i + 1] - starts[i])));
    }
    return out;
  });
}

// Splits on every occurrence of separator, keeping empty parts ('A,,C' -> A, '', C);
// an empty separator splits into characters.
absl::StatusOr<Collection> Split(const FnCall& call) {
  return WithStringArg(call, [](const std::string& s, const std::string& sep) {
    Collection out;
    if (sep.empty()) {
      std::vector<size_t> starts = CodePointStarts(s);
      for (size_t i = 0; i + 1 < starts.size(); ++i) {
        out.push_back(Value::String(s.substr(starts[i], starts[i + 1] - starts[i])));
      }
      return out;
    }
    size_t pos = 0;
    for (size_t hit; (hit = s.find(sep, pos)) != std::string::npos; pos = hit + sep.size()) {
      out.push_back(Value::String(s.substr(pos, hit - pos)));
    }
    out.push_back(Value::String(s.substr(pos)));
    return out;
  });
}

// join([separator]): every input item must be a String; empty input -> empty.
absl::StatusOr<Collection> Join(const FnCall& call) {
  if (call.input.empty()) return Collection{};
  std::string separator;
  if (call.arg_count() > 0) {
    VIGIL_ASSIGN_OR_RETURN(std::optional<std::string> sep, call.StringArg(0));
    if (sep) separator = std::move(*sep);
  }
  std::string out;
  for (size_t i = 0; i < call.input.size(); ++i) {
    std::optional<Value> v = call.input[i].AsSystem();
    if (!v || v->kind() != ValueKind::kString) return call.Error("input items must be strings");
    if (i > 0) out += separator;
    out += v->string();
  }
  return OneString(std::move(out));
}

bool IsTrimmable(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

absl::StatusOr<Collection> Trim(const FnCall& call) {
  return WithString(call, [](const std::string& s) {
    size_t begin = 0, end = s.size();
    while (begin < end && IsTrimmable(s[begin])) ++begin;
    while (end > begin && IsTrimmable(s[end - 1])) --end;
    return OneString(s.substr(begin, end - begin));
  });
}

// --- encode / decode -----------------------------------------------------------

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Padded base64 ('urlbase64' keeps the padding too, as the suite expects).
std::string Base64Encode(std::string_view in, std::string_view alphabet) {
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out.push_back(alphabet[(n >> 18) & 63]);
    out.push_back(alphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? alphabet[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < in.size() ? alphabet[n & 63] : '=');
  }
  return out;
}

// Accepts padded or unpadded input; nullopt for characters outside the alphabet.
std::optional<std::string> Base64Decode(std::string_view in, std::string_view alphabet) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  uint32_t bits = 0;
  int nbits = 0;
  for (char c : in) {
    size_t v = alphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out.push_back(static_cast<char>((bits >> nbits) & 0xFF));
    }
  }
  return out;
}

std::string HexEncode(std::string_view in) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : in) {
    auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> HexDecode(std::string_view in) {
  if (in.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < in.size(); i += 2) {
    int hi = HexDigit(in[i]), lo = HexDigit(in[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

// --- escape / unescape -----------------------------------------------------------

std::string EscapeHtml(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string EscapeJson(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kDigits[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kDigits[(c >> 4) & 15]);
          out.push_back(kDigits[c & 15]);
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

// The code point of an HTML character reference body ("amp", "#39", "#x27").
std::optional<uint32_t> HtmlEntity(std::string_view name) {
  if (name == "amp") return '&';
  if (name == "lt") return '<';
  if (name == "gt") return '>';
  if (name == "quot") return '"';
  if (name == "apos") return '\'';
  if (name == "nbsp") return 0xA0;
  if (name.size() < 2 || name[0] != '#') return std::nullopt;
  bool hex = name[1] == 'x' || name[1] == 'X';
  std::string_view digits = name.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return std::nullopt;
  uint32_t cp = 0;
  for (char c : digits) {
    int d = hex ? HexDigit(c) : (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : -1);
    if (d < 0) return std::nullopt;
    cp = cp * (hex ? 16 : 10) + d;
  }
  if (cp > 0x10FFFF) return std::nullopt;
  return cp;
}

// Unknown references are kept as written.
std::string UnescapeHtml(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    size_t semi = s[i] == '&' ? s.find(';', i + 1) : std::string_view::npos;
    std::optional<uint32_t> cp;
    if (semi != std::string_view::npos && semi - i <= 12)
      cp = HtmlEntity(s.substr(i + 1, semi - i - 1));
    if (!cp) {
      out.push_back(s[i]);
      continue;
    }
    AppendUtf8(*cp, &out);
    i = semi;
  }
  return out;
}

std::optional<uint32_t> Hex4(std::string_view s, size_t pos) {
  if (pos + 4 > s.size()) return std::nullopt;
  uint32_t v = 0;
  for (size_t k = 0; k < 4; ++k) {
    int d = HexDigit(s[pos + k]);
    if (d < 0) return std::nullopt;
    v = v * 16 + d;
  }
  return v;
}

// Decodes \uXXXX at s[*i] (pointing at 'u'), joining surrogate pairs. Returns
// false when malformed.
bool UnescapeJsonUnicode(std::string_view s, size_t* i, std::string* out) {
  std::optional<uint32_t> cp = Hex4(s, *i + 1);
  if (!cp) return false;
  *i += 4;
  if (*cp >= 0xD800 && *cp <= 0xDBFF && *i + 2 < s.size() && s[*i + 1] == '\\' &&
      s[*i + 2] == 'u') {
    std::optional<uint32_t> low = Hex4(s, *i + 3);
    if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
      *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
      *i += 6;
    }
  }
  AppendUtf8(*cp, out);
  return true;
}

// Unknown escapes are kept as written.
std::string UnescapeJson(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    char e = s[++i];
    switch (e) {
      case '"':
      case '\\':
      case '/': out.push_back(e); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u':
        if (UnescapeJsonUnicode(s, &i, &out)) break;
        [[fallthrough]];
      default: out.push_back('\\'); out.push_back(e);
    }
  }
  return out;
}

// --- Named transforms: encode, decode, escape, unescape -----------------------

// A string-to-string transform selected by name; nullopt when the input does not
// decode (the function's result is then empty).
struct NamedTransform {
  std::string_view name;
  std::optional<std::string> (*fn)(std::string_view);
};

std::optional<std::string> EncodeBase64(std::string_view s) { return Base64Encode(s, kBase64); }
std::optional<std::string> EncodeUrlBase64(std::string_view s) {
  return Base64Encode(s, kBase64Url);
}
std::optional<std::string> EncodeHex(std::string_view s) { return HexEncode(s); }
std::optional<std::string> DecodeBase64(std::string_view s) { return Base64Decode(s, kBase64); }
std::optional<std::string> DecodeUrlBase64(std::string_view s) {
  return Base64Decode(s, kBase64Url);
}
std::optional<std::string> DecodeHex(std::string_view s) { return HexDecode(s); }
std::optional<std::string> EscapeHtmlFn(std::string_view s) { return EscapeHtml(s); }
std::optional<std::string> EscapeJsonFn(std::string_view s) { return EscapeJson(s); }
std::optional<std::string> UnescapeHtmlFn(std::string_view s) { return UnescapeHtml(s); }
std::optional<std::string> UnescapeJsonFn(std::string_view s) { return UnescapeJson(s); }

constexpr NamedTransform kEncoders[] = {
    {"base64", EncodeBase64}, {"urlbase64", EncodeUrlBase64}, {"hex", EncodeHex}};
constexpr NamedTransform kDecoders[] = {
    {"base64", DecodeBase64}, {"urlbase64", DecodeUrlBase64}, {"hex", DecodeHex}};
constexpr NamedTransform kEscapers[] = {{"html", EscapeHtmlFn}, {"json", EscapeJsonFn}};
constexpr NamedTransform kUnescapers[] = {{"html", UnescapeHtmlFn}, {"json", UnescapeJsonFn}};

// Applies the transform that argument 0 names; an unknown name is an error.
absl::StatusOr<Collection> ApplyNamed(const FnCall& call, std::span<const NamedTransform> table) {
  VIGIL_ASSIGN_OR_RETURN(StringAndArg in, InputAndStringArg(call));
  if (!in.present) return Collection{};
  std::string_view name = in.arg;
  for (const NamedTransform& t : table) {
    if (t.name != name) continue;
    std::optional<std::string> out = t.fn(in.input);
    if (!out) return Collection{};
    return OneString(std::move(*out));
  }
  return call.Error("unknown format '" + in.arg + "'");
}

absl::StatusOr<Collection> Encode(const FnCall& call) { return ApplyNamed(call, kEncoders); }
absl::StatusOr<Collection> Decode(const FnCall& call) { return ApplyNamed(call, kDecoders); }
absl::StatusOr<Collection> Escape(const FnCall& call) { return ApplyNamed(call, kEscapers); }
absl::StatusOr<Collection> Unescape(const FnCall& call) { return ApplyNamed(call, kUnescapers); }

constexpr FunctionDef kStringFunctions[] = {
    {"indexOf", 1, 1, IndexOf},
    {"substring", 1, 2, Substring},
    {"startsWith", 1, 1, StartsWith},
    {"endsWith", 1, 1, EndsWith},
    {"contains", 1, 1, Contains},
    {"upper", 0, 0, Upper},
    {"lower", 0, 0, Lower},
    {"replace", 2, 2, Replace},
    {"matches", 1, 1, Matches},
    {"matchesFull", 1, 1, MatchesFull},
    {"replaceMatches", 2, 2, ReplaceMatches},
    {"length", 0, 0, Length},
    {"toChars", 0, 0, ToChars},
    {"split", 1, 1, Split},
    {"join", 0, 1, Join},
    {"trim", 0, 0, Trim},
    {"encode", 1, 1, Encode},
    {"decode", 1, 1, Decode},
    {"escape", 1, 1, Escape},
    {"unescape", 1, 1, Unescape},
};

}  // namespace

std::span<const FunctionDef> StringFunctions() { return kStringFunctions; }

}  // namespace vigil::fhirpath
