#include "ingest/hl7v2/escape.h"

#include <charconv>

namespace vigil::hl7v2 {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Appends the decoded \X...\ body; false when it is not an even run of hex digits.
bool AppendHex(std::string_view hex, std::string* out) {
  if (hex.empty() || hex.size() % 2 != 0) return false;
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (HexDigit(hex[i]) < 0 || HexDigit(hex[i + 1]) < 0) return false;
  }
  for (size_t i = 0; i < hex.size(); i += 2) {
    out->push_back(static_cast<char>(HexDigit(hex[i]) * 16 + HexDigit(hex[i + 1])));
  }
  return true;
}

// Appends the meaning of one escape body (the text between the escape
// characters); false when the body is not a known sequence.
bool AppendEscape(std::string_view body, const Delimiters& d, std::string* out) {
  if (body.size() == 1) {
    switch (body[0]) {
      case 'F': out->push_back(d.field); return true;
      case 'S': out->push_back(d.component); return true;
      case 'T':
        if (d.subcomponent) out->push_back(d.subcomponent);
        return true;
      case 'R': out->push_back(d.repetition); return true;
      case 'E': out->push_back(d.escape); return true;
      case 'H':
      case 'N': return true;
      default: return false;
    }
  }
  if (body.empty()) return false;
  if (body[0] == 'X') return AppendHex(body.substr(1), out);
  if (body[0] == 'C' || body[0] == 'M' || body[0] == 'Z') return true;
  if (body == ".br" || body == ".ce") {
    out->push_back('\n');
    return true;
  }
  if (body.starts_with(".sp")) {
    std::string_view n = body.substr(3);
    if (!n.empty() && (n[0] == '+' || n[0] == ' ')) n.remove_prefix(1);
    int count = 1;
    if (!n.empty()) {
      auto [ptr, ec] = std::from_chars(n.data(), n.data() + n.size(), count);
      if (ec != std::errc() || ptr != n.data() + n.size() || count < 0) return false;
    }
    out->append(static_cast<size_t>(count > 100 ? 100 : count), '\n');
    return true;
  }
  for (std::string_view drop : {".in", ".ti", ".sk", ".fi", ".nf"}) {
    if (body.starts_with(drop)) return true;
  }
  return false;
}

}  // namespace

std::string Unescape(std::string_view raw, const Delimiters& d) {
  if (d.escape == '\0' || raw.find(d.escape) == std::string_view::npos) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  size_t i = 0;
  while (i < raw.size()) {
    if (raw[i] != d.escape) {
      out.push_back(raw[i++]);
      continue;
    }
    size_t close = raw.find(d.escape, i + 1);
    if (close != std::string_view::npos &&
        AppendEscape(raw.substr(i + 1, close - i - 1), d, &out)) {
      i = close + 1;
    } else {
      out.push_back(raw[i++]);  // not an escape sequence: keep the character
    }
  }
  return out;
}

std::string Escape(std::string_view text, const Delimiters& d) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    char code = 0;
    if (c == d.field)
      code = 'F';
    else if (c == d.component)
      code = 'S';
    else if (d.subcomponent && c == d.subcomponent)
      code = 'T';
    else if (c == d.repetition)
      code = 'R';
    else if (d.escape && c == d.escape)
      code = 'E';
    if (code == 0 && (c == '\r' || c == '\n')) {
      if (d.escape) {
        out += d.escape;
        out += c == '\r' ? "X0D" : "X0A";
        out += d.escape;
      } else {
        out += ' ';
      }
      continue;
    }
    if (code == 0) {
      out.push_back(c);
    } else if (d.escape) {
      out += d.escape;
      out += code;
      out += d.escape;
    } else {
      out.push_back(' ');
    }
  }
  return out;
}

}  // namespace vigil::hl7v2
