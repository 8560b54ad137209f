#include "search/normalize.h"

#include <array>
#include <cstdint>

namespace vigil::search {
namespace {

// Replacement of each code point U+00C0..U+017F; an empty entry keeps the
// character (U+00D7 '×', U+00F7 '÷').
struct Fold {
  char32_t first, last;
  const char* to;
};
constexpr Fold kFolds[] = {
    {0xC0, 0xC5, "a"},   {0xC6, 0xC6, "ae"},   {0xC7, 0xC7, "c"},   {0xC8, 0xCB, "e"},
    {0xCC, 0xCF, "i"},   {0xD0, 0xD0, "d"},    {0xD1, 0xD1, "n"},   {0xD2, 0xD6, "o"},
    {0xD8, 0xD8, "o"},   {0xD9, 0xDC, "u"},    {0xDD, 0xDD, "y"},   {0xDE, 0xDE, "th"},
    {0xDF, 0xDF, "ss"},  {0xE0, 0xE5, "a"},    {0xE6, 0xE6, "ae"},  {0xE7, 0xE7, "c"},
    {0xE8, 0xEB, "e"},   {0xEC, 0xEF, "i"},    {0xF0, 0xF0, "d"},   {0xF1, 0xF1, "n"},
    {0xF2, 0xF6, "o"},   {0xF8, 0xF8, "o"},    {0xF9, 0xFC, "u"},   {0xFD, 0xFD, "y"},
    {0xFE, 0xFE, "th"},  {0xFF, 0xFF, "y"},    {0x100, 0x105, "a"}, {0x106, 0x10D, "c"},
    {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"},  {0x11C, 0x123, "g"}, {0x124, 0x127, "h"},
    {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"}, {0x136, 0x138, "k"},
    {0x139, 0x142, "l"}, {0x143, 0x14B, "n"},  {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"},
    {0x154, 0x159, "r"}, {0x15A, 0x161, "s"},  {0x162, 0x167, "t"}, {0x168, 0x173, "u"},
    {0x174, 0x175, "w"}, {0x176, 0x178, "y"},  {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"},
};

constexpr char32_t kTableFirst = 0xC0, kTableLast = 0x17F;

using Table = std::array<const char*, kTableLast - kTableFirst + 1>;

constexpr Table MakeTable() {
  Table t{};
  for (const Fold& f : kFolds) {
    for (char32_t c = f.first; c <= f.last; ++c) t[c - kTableFirst] = f.to;
  }
  return t;
}
constexpr Table kTable = MakeTable();

// Decodes one 2-byte UTF-8 sequence at s[i] (all of U+0080..U+07FF; that covers
// every code point folded here). Returns 0 when s[i] does not start one.
char32_t DecodeTwoByte(std::string_view s, size_t i) {
  auto b0 = static_cast<uint8_t>(s[i]);
  if ((b0 & 0xE0) != 0xC0 || i + 1 >= s.size()) return 0;
  auto b1 = static_cast<uint8_t>(s[i + 1]);
  if ((b1 & 0xC0) != 0x80) return 0;
  char32_t c = ((b0 & 0x1Fu) << 6) | (b1 & 0x3Fu);
  return c >= 0x80 ? c : 0;  // overlong forms are not valid UTF-8
}

}  // namespace

void AppendNormalized(std::string_view text, std::string* out) {
  out->reserve(out->size() + text.size());
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (static_cast<uint8_t>(c) < 0x80) {
      out->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      ++i;
      continue;
    }
    char32_t cp = DecodeTwoByte(text, i);
    if (cp >= 0x300 && cp <= 0x36F) {  // combining mark: drop
      i += 2;
      continue;
    }
    if (cp >= kTableFirst && cp <= kTableLast && kTable[cp - kTableFirst] != nullptr) {
      out->append(kTable[cp - kTableFirst]);
      i += 2;
      continue;
    }
    out->push_back(c);  // anything else: copied byte by byte
    ++i;
  }
}

std::string NormalizeString(std::string_view text) {
  std::string out;
  AppendNormalized(text, &out);
  return out;
}

}  // namespace vigil::search
