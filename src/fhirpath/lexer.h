// FHIRPath tokenizer: turns expression text into tokens with line/column.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace vigil::fhirpath {

enum class TokenKind : uint8_t {
  kIdentifier,  // name or `delimited name`
  kString,      // 'text' (unescaped)
  kNumber,      // 12, 3.14
  kLongNumber,  // 12L
  kDateTime,    // @2014-01-01T... (text without '@')
  kDate,        // @2014-01-01 (text without '@')
  kTime,        // @T12:00 (text without "@T")
  kVariable,    // %name, %`name`, %'name' (text without '%')
  kSpecial,     // $this, $index, $total (text without '$')
  kSymbol,      // operators and punctuation: . , ( ) [ ] { } + - * / | & = ~ != !~ < > <= >=
  kEnd,
};

struct Token {
  TokenKind kind;
  std::string text;
  int line;
  int column;
  bool delimited = false;  // identifier written with backticks (never a keyword)
};

// Errors: InvalidArgument "line L, column C: ..." for unterminated strings or
// comments, bad escapes and unknown characters.
absl::StatusOr<std::vector<Token>> Tokenize(std::string_view text);

}  // namespace vigil::fhirpath
