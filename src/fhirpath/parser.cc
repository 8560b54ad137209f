#include "fhirpath/parser.h"

#include <array>

#include "base/str.h"
#include "fhirpath/lexer.h"

namespace vigil::fhirpath {
namespace {

constexpr int kMaxDepth = 256;

bool IsCalendarKeyword(std::string_view s) {
  static constexpr std::array<std::string_view, 16> kUnits = {
      "year", "years", "month",  "months",  "week",   "weeks",   "day",         "days",
      "hour", "hours", "minute", "minutes", "second", "seconds", "millisecond", "milliseconds"};
  for (std::string_view u : kUnits) {
    if (u == s) return true;
  }
  return false;
}

using NodePtr = std::unique_ptr<Node>;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  absl::StatusOr<NodePtr> Run() {
    auto root = Expression(0);
    if (!root.ok()) return root;
    if (Cur().kind != TokenKind::kEnd) {
      return Error(Cur(), StrCat("unexpected '", Cur().text, "'"));
    }
    return root;
  }

 private:
  // Binary operators by precedence level, lowest first.
  static int Level(const Token& t) {
    if (t.kind == TokenKind::kIdentifier && !t.delimited) {
      const std::string& s = t.text;
      if (s == "implies") return 1;
      if (s == "or" || s == "xor") return 2;
      if (s == "and") return 3;
      if (s == "in" || s == "contains") return 4;
      if (s == "is" || s == "as") return 8;
      if (s == "div" || s == "mod") return 10;
      return 0;
    }
    if (t.kind != TokenKind::kSymbol) return 0;
    const std::string& s = t.text;
    if (s == "=" || s == "~" || s == "!=" || s == "!~") return 5;
    if (s == "<" || s == ">" || s == "<=" || s == ">=") return 6;
    if (s == "|") return 7;
    if (s == "+" || s == "-" || s == "&") return 9;
    if (s == "*" || s == "/") return 10;
    return 0;
  }

  const Token& Cur() const { return tokens_[pos_]; }
  const Token& PeekTok(size_t n = 1) const {
    return tokens_[std::min(pos_ + n, tokens_.size() - 1)];
  }
  bool IsSymbol(std::string_view s) const {
    return Cur().kind == TokenKind::kSymbol && Cur().text == s;
  }

  absl::Status Error(const Token& t, std::string_view message) const {
    if (t.kind == TokenKind::kEnd) {
      return absl::InvalidArgumentError(
          StrCat("line ", t.line, ", column ", t.column, ": unexpected end of expression"));
    }
    return absl::InvalidArgumentError(
        StrCat("line ", t.line, ", column ", t.column, ": ", message));
  }

  absl::Status Expect(std::string_view symbol) {
    if (!IsSymbol(symbol)) {
      return Error(Cur(), StrCat("expected '", symbol, "' but found '", Cur().text, "'"));
    }
    ++pos_;
    return absl::OkStatus();
  }

  static NodePtr Make(NodeKind kind, const Token& at) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->line = at.line;
    n->column = at.column;
    return n;
  }

  // Precedence climbing; all binary operators are left-associative.
  absl::StatusOr<NodePtr> Expression(int min_level) {
    if (++depth_ > kMaxDepth) return Error(Cur(), "expression nested too deeply");
    auto left = Unary();
    if (!left.ok()) return left;
    NodePtr lhs = std::move(*left);
    while (true) {
      int level = Level(Cur());
      if (level == 0 || level <= min_level) break;
      Token op = Cur();
      ++pos_;
      if (level == 8) {
        auto typed = TypeOperand(std::move(lhs), op);
        if (!typed.ok()) return typed;
        lhs = std::move(*typed);
        continue;
      }
      auto right = Expression(level);
      if (!right.ok()) return right;
      NodePtr bin = Make(NodeKind::kBinary, op);
      bin->name = op.text;
      bin->op = OpFromText(op.text);
      bin->children.push_back(std::move(lhs));
      bin->children.push_back(std::move(*right));
      lhs = std::move(bin);
    }
    --depth_;
    return lhs;
  }

  absl::StatusOr<NodePtr> TypeOperand(NodePtr lhs, const Token& op) {
    NodePtr n = Make(NodeKind::kTypeOp, op);
    n->name = op.text;  // "is" / "as"
    auto type = QualifiedName();
    if (!type.ok()) return type.status();
    n->type_namespace = type->first;
    n->literal = Value::String(type->second);
    n->children.push_back(std::move(lhs));
    return n;
  }

  // identifier ('.' identifier)?  ->  (namespace, name)
  absl::StatusOr<std::pair<std::string, std::string>> QualifiedName() {
    if (Cur().kind != TokenKind::kIdentifier) return Error(Cur(), "expected a type name");
    std::string first = Cur().text;
    ++pos_;
    if (IsSymbol(".") && PeekTok().kind == TokenKind::kIdentifier) {
      ++pos_;
      std::string second = Cur().text;
      ++pos_;
      return std::make_pair(first, second);
    }
    return std::make_pair(std::string(), first);
  }

  absl::StatusOr<NodePtr> Unary() {
    if (IsSymbol("+") || IsSymbol("-")) {
      Token op = Cur();
      ++pos_;
      if (++depth_ > kMaxDepth) return Error(op, "expression nested too deeply");
      auto operand = Unary();
      --depth_;
      if (!operand.ok()) return operand;
      NodePtr n = Make(NodeKind::kUnary, op);
      n->name = op.text;
      n->children.push_back(std::move(*operand));
      return n;
    }
    return Postfix();
  }

  absl::StatusOr<NodePtr> Postfix() {
    auto term = Term();
    if (!term.ok()) return term;
    NodePtr node = std::move(*term);
    while (true) {
      if (IsSymbol(".")) {
        ++pos_;
        auto inv = Invocation(std::move(node));
        if (!inv.ok()) return inv;
        node = std::move(*inv);
      } else if (IsSymbol("[")) {
        Token at = Cur();
        ++pos_;
        auto index = Expression(0);
        if (!index.ok()) return index;
        if (auto s = Expect("]"); !s.ok()) return s;
        NodePtr n = Make(NodeKind::kIndexer, at);
        n->children.push_back(std::move(node));
        n->children.push_back(std::move(*index));
        node = std::move(n);
      } else {
        return node;
      }
    }
  }

  // After '.': identifier or function call. Keywords are allowed as names here.
  absl::StatusOr<NodePtr> Invocation(NodePtr focus) {
    const Token& t = Cur();
    if (t.kind != TokenKind::kIdentifier) {
      return Error(t, StrCat("expected a name after '.' but found '", t.text, "'"));
    }
    return NameOrCall(std::move(focus));
  }

  absl::StatusOr<NodePtr> NameOrCall(NodePtr focus) {
    Token name = Cur();
    ++pos_;
    if (IsSymbol("(")) {
      ++pos_;
      NodePtr fn = Make(NodeKind::kFunction, name);
      fn->name = name.text;
      if (focus) fn->children.push_back(std::move(focus));
      if (!IsSymbol(")")) {
        while (true) {
          auto arg = Expression(0);
          if (!arg.ok()) return arg;
          fn->args.push_back(std::move(*arg));
          if (IsSymbol(",")) {
            ++pos_;
            continue;
          }
          break;
        }
      }
      if (auto s = Expect(")"); !s.ok()) return s;
      return fn;
    }
    NodePtr member = Make(NodeKind::kMember, name);
    member->name = name.text;
    if (focus) member->children.push_back(std::move(focus));
    return member;
  }

  absl::StatusOr<NodePtr> Term() {
    const Token& t = Cur();
    switch (t.kind) {
      case TokenKind::kNumber:
      case TokenKind::kLongNumber: return NumberOrQuantity();
      case TokenKind::kString: {
        NodePtr n = Make(NodeKind::kLiteral, t);
        n->literal = Value::String(t.text);
        ++pos_;
        return n;
      }
      case TokenKind::kDate:
      case TokenKind::kDateTime:
      case TokenKind::kTime: return TemporalLiteral();
      case TokenKind::kVariable: {
        NodePtr n = Make(NodeKind::kVariable, t);
        n->name = t.text;
        ++pos_;
        return n;
      }
      case TokenKind::kSpecial: {
        NodeKind kind = t.text == "this"    ? NodeKind::kThis
                        : t.text == "index" ? NodeKind::kIndex
                                            : NodeKind::kTotal;
        NodePtr n = Make(kind, t);
        ++pos_;
        return n;
      }
      case TokenKind::kIdentifier: return IdentifierTerm();
      case TokenKind::kSymbol: return SymbolTerm();
      case TokenKind::kEnd: break;
    }
    return Error(t, "expected an expression");
  }

  absl::StatusOr<NodePtr> IdentifierTerm() {
    const Token& t = Cur();
    if (!t.delimited && (t.text == "true" || t.text == "false")) {
      NodePtr n = Make(NodeKind::kLiteral, t);
      n->literal = Value::Boolean(t.text == "true");
      ++pos_;
      return n;
    }
    // 'as', 'is', 'in' and 'contains' are also valid identifiers (N1 grammar).
    bool name_keyword = t.text == "as" || t.text == "is" || t.text == "in" || t.text == "contains";
    if (!t.delimited && Level(t) != 0 && !name_keyword &&
        !(PeekTok().kind == TokenKind::kSymbol && PeekTok().text == "(")) {
      return Error(t, StrCat("unexpected keyword '", t.text, "'"));
    }
    return NameOrCall(nullptr);
  }

  absl::StatusOr<NodePtr> SymbolTerm() {
    const Token& t = Cur();
    if (t.text == "(") {
      ++pos_;
      auto inner = Expression(0);
      if (!inner.ok()) return inner;
      if (auto s = Expect(")"); !s.ok()) return s;
      return inner;
    }
    if (t.text == "{") {
      NodePtr n = Make(NodeKind::kEmpty, t);
      ++pos_;
      if (auto s = Expect("}"); !s.ok()) return s;
      return n;
    }
    return Error(t, StrCat("unexpected '", t.text, "'"));
  }

  absl::StatusOr<NodePtr> NumberOrQuantity() {
    Token num = Cur();
    ++pos_;
    NodePtr n = Make(NodeKind::kLiteral, num);
    auto decimal = Decimal::Parse(num.text);
    if (!decimal) return Error(num, "malformed number");
    const Token& next = Cur();
    bool unit_string = next.kind == TokenKind::kString;
    bool unit_word =
        next.kind == TokenKind::kIdentifier && !next.delimited && IsCalendarKeyword(next.text);
    if (unit_string || unit_word) {
      ++pos_;
      n->literal = Value::Quantity(fhirpath::Quantity{*decimal, next.text});
      return n;
    }
    if (num.text.find('.') != std::string::npos) {
      n->literal = Value::Decimal(*decimal);
    } else {
      auto i = decimal->ToInt();
      if (!i) return Error(num, "integer literal out of range");
      n->literal = Value::Integer(*i);
    }
    return n;
  }

  absl::StatusOr<NodePtr> TemporalLiteral() {
    const Token& t = Cur();
    std::optional<Temporal> value;
    if (t.kind == TokenKind::kDate) value = Temporal::ParseDate(t.text);
    if (t.kind == TokenKind::kDateTime) value = Temporal::ParseDateTime(t.text);
    if (t.kind == TokenKind::kTime) value = Temporal::ParseTime(t.text);
    if (!value) return Error(t, StrCat("invalid date/time literal '@", t.text, "'"));
    NodePtr n = Make(NodeKind::kLiteral, t);
    n->literal = Value::Temporal(*value);
    ++pos_;
    return n;
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Node>> Parse(std::string_view text) {
  auto tokens = Tokenize(text);
  if (!tokens.ok()) return tokens.status();
  return Parser(std::move(*tokens)).Run();
}

}  // namespace vigil::fhirpath
