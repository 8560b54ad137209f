#include "fhirpath/lexer.h"

#include <cctype>

#include "base/str.h"
#include "base/utf8.h"

namespace vigil::fhirpath {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      if (auto s = SkipSpaceAndComments(); !s.ok()) return s;
      if (pos_ >= text_.size()) break;
      auto token = Next();
      if (!token.ok()) return token.status();
      tokens.push_back(std::move(*token));
    }
    tokens.push_back(Token{TokenKind::kEnd, "", line_, Column()});
    return tokens;
  }

 private:
  int Column() const { return static_cast<int>(pos_ - line_start_) + 1; }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  absl::Status Error(int line, int column, std::string_view message) const {
    return absl::InvalidArgumentError(StrCat("line ", line, ", column ", column, ": ", message));
  }

  absl::Status SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        Advance();
      } else if (c == '/' && Peek(1) == '/') {
        while (pos_ < text_.size() && text_[pos_] != '\n') Advance();
      } else if (c == '/' && Peek(1) == '*') {
        int line = line_, column = Column();
        Advance();
        Advance();
        while (pos_ < text_.size() && !(text_[pos_] == '*' && Peek(1) == '/')) Advance();
        if (pos_ >= text_.size()) return Error(line, column, "unterminated comment");
        Advance();
        Advance();
      } else {
        break;
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Token> Next() {
    int line = line_, column = Column();
    char c = text_[pos_];
    if (IsIdentStart(c)) {
      size_t start = pos_;
      while (pos_ < text_.size() && IsIdentChar(text_[pos_])) Advance();
      return Token{TokenKind::kIdentifier, std::string(text_.substr(start, pos_ - start)), line,
                   column};
    }
    if (IsDigit(c)) return Number(line, column);
    if (c == '\'' || c == '`') {
      auto s = Quoted(c);
      if (!s.ok()) return s.status();
      Token t{c == '\'' ? TokenKind::kString : TokenKind::kIdentifier, std::move(*s), line, column};
      t.delimited = c == '`';
      return t;
    }
    if (c == '@') return DateTimeLiteral(line, column);
    if (c == '%') return Variable(line, column);
    if (c == '$') {
      Advance();
      size_t start = pos_;
      while (pos_ < text_.size() && IsIdentChar(text_[pos_])) Advance();
      std::string name(text_.substr(start, pos_ - start));
      if (name != "this" && name != "index" && name != "total") {
        return Error(line, column, StrCat("unknown special variable '$", name, "'"));
      }
      return Token{TokenKind::kSpecial, name, line, column};
    }
    return Symbol(line, column);
  }

  absl::StatusOr<Token> Number(int line, int column) {
    size_t start = pos_;
    while (IsDigit(Peek())) Advance();
    if (Peek() == '.' && IsDigit(Peek(1))) {
      Advance();
      while (IsDigit(Peek())) Advance();
    }
    std::string text(text_.substr(start, pos_ - start));
    if (Peek() == 'L' && !IsIdentChar(Peek(1))) {
      Advance();
      return Token{TokenKind::kLongNumber, text, line, column};
    }
    return Token{TokenKind::kNumber, text, line, column};
  }

  absl::StatusOr<std::string> Quoted(char quote) {
    int line = line_, column = Column();
    Advance();
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) return Error(line, column, "unterminated string");
      char c = text_[pos_];
      if (c == quote) {
        Advance();
        return out;
      }
      if (c != '\\') {
        out.push_back(c);
        Advance();
        continue;
      }
      Advance();
      if (pos_ >= text_.size()) return Error(line, column, "unterminated string");
      char e = text_[pos_];
      Advance();
      switch (e) {
        case '\'':
        case '"':
        case '`':
        case '\\':
        case '/': out.push_back(e); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          if (pos_ + 4 > text_.size()) return Error(line_, Column(), "bad \\u escape");
          uint32_t cp = 0;
          for (int i = 0; i < 4; ++i) {
            char h = text_[pos_];
            if (!std::isxdigit(static_cast<unsigned char>(h))) {
              return Error(line_, Column(), "bad \\u escape");
            }
            cp = cp * 16 +
                 static_cast<uint32_t>(IsDigit(h) ? h - '0' : (std::tolower(h) - 'a' + 10));
            Advance();
          }
          AppendUtf8(cp, &out);
          break;
        }
        default:
          return Error(line_, Column() - 1, StrCat("unknown escape '\\", std::string(1, e), "'"));
      }
    }
  }

  // Consumes n digits; false if fewer are present.
  bool Digits(int n) {
    for (int i = 0; i < n; ++i) {
      if (!IsDigit(Peek(static_cast<size_t>(i)))) return false;
    }
    for (int i = 0; i < n; ++i) Advance();
    return true;
  }

  // HH(:mm(:ss(.fff)?)?)? at the current position.
  void TimePart() {
    if (!Digits(2)) return;
    if (Peek() == ':' && IsDigit(Peek(1))) {
      Advance();
      Digits(2);
      if (Peek() == ':' && IsDigit(Peek(1))) {
        Advance();
        Digits(2);
        if (Peek() == '.' && IsDigit(Peek(1))) {
          Advance();
          while (IsDigit(Peek())) Advance();
        }
      }
    }
  }

  void TimeZone() {
    if (Peek() == 'Z') {
      Advance();
    } else if ((Peek() == '+' || Peek() == '-') && IsDigit(Peek(1)) && IsDigit(Peek(2)) &&
               Peek(3) == ':') {
      Advance();
      Digits(2);
      Advance();
      Digits(2);
    }
  }

  absl::StatusOr<Token> DateTimeLiteral(int line, int column) {
    Advance();  // '@'
    size_t start = pos_;
    if (Peek() == 'T') {
      Advance();
      size_t time_start = pos_;
      TimePart();
      if (pos_ == time_start) return Error(line, column, "malformed time literal");
      return Token{TokenKind::kTime, std::string(text_.substr(time_start, pos_ - time_start)), line,
                   column};
    }
    if (!Digits(4)) return Error(line, column, "malformed date literal");
    if (Peek() == '-' && IsDigit(Peek(1))) {
      Advance();
      Digits(2);
      if (Peek() == '-' && IsDigit(Peek(1))) {
        Advance();
        Digits(2);
      }
    }
    TokenKind kind = TokenKind::kDate;
    if (Peek() == 'T') {
      Advance();
      kind = TokenKind::kDateTime;
      TimePart();
      TimeZone();
    }
    return Token{kind, std::string(text_.substr(start, pos_ - start)), line, column};
  }

  absl::StatusOr<Token> Variable(int line, int column) {
    Advance();  // '%'
    if (Peek() == '`' || Peek() == '\'') {
      auto s = Quoted(Peek());
      if (!s.ok()) return s.status();
      return Token{TokenKind::kVariable, std::move(*s), line, column};
    }
    size_t start = pos_;
    while (pos_ < text_.size() && (IsIdentChar(text_[pos_]) || text_[pos_] == '-')) Advance();
    if (pos_ == start) return Error(line, column, "expected a variable name after '%'");
    return Token{TokenKind::kVariable, std::string(text_.substr(start, pos_ - start)), line,
                 column};
  }

  absl::StatusOr<Token> Symbol(int line, int column) {
    static constexpr std::string_view kTwo[] = {"!=", "!~", "<=", ">="};
    for (std::string_view two : kTwo) {
      if (text_.substr(pos_, 2) == two) {
        Advance();
        Advance();
        return Token{TokenKind::kSymbol, std::string(two), line, column};
      }
    }
    static constexpr std::string_view kOne = ".,()[]{}+-*/|&=~<>";
    char c = text_[pos_];
    if (kOne.find(c) == std::string_view::npos) {
      return Error(line, column, StrCat("unexpected character '", std::string(1, c), "'"));
    }
    Advance();
    return Token{TokenKind::kSymbol, std::string(1, c), line, column};
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view text) { return Lexer(text).Run(); }

}  // namespace vigil::fhirpath
