// Parser and compile-step behaviour: precedence, literals, and error positions.
#include "fhirpath/parser.h"

#include <gtest/gtest.h>

#include "base/str.h"
#include "fhirpath/fhirpath.h"

namespace vigil::fhirpath {
namespace {

// Renders the tree in prefix form so tests can assert structure.
std::string Show(const Node& n) {
  switch (n.kind) {
    case NodeKind::kLiteral:
      if (n.literal->kind() == ValueKind::kString) return StrCat("'", n.literal->string(), "'");
      return WriteJson(ToJson(*n.literal));
    case NodeKind::kEmpty: return "{}";
    case NodeKind::kMember:
      return n.children.empty() ? n.name : StrCat(Show(*n.children[0]), ".", n.name);
    case NodeKind::kFunction: {
      std::string out = n.children.empty() ? "" : Show(*n.children[0]) + ".";
      out += n.name + "(";
      for (size_t i = 0; i < n.args.size(); ++i) out += (i ? "," : "") + Show(*n.args[i]);
      return out + ")";
    }
    case NodeKind::kIndexer: return StrCat(Show(*n.children[0]), "[", Show(*n.children[1]), "]");
    case NodeKind::kUnary: return StrCat("(", n.name, Show(*n.children[0]), ")");
    case NodeKind::kBinary:
      return StrCat("(", Show(*n.children[0]), " ", n.name, " ", Show(*n.children[1]), ")");
    case NodeKind::kTypeOp:
      return StrCat("(", Show(*n.children[0]), " ", n.name, " ", n.literal->string(), ")");
    case NodeKind::kVariable: return "%" + n.name;
    case NodeKind::kThis: return "$this";
    case NodeKind::kIndex: return "$index";
    case NodeKind::kTotal: return "$total";
  }
  return "?";
}

std::string ParseShow(std::string_view text) {
  auto n = Parse(text);
  if (!n.ok()) return "error: " + std::string(Message(n.status()));
  return Show(**n);
}

TEST(Parser, MultiplicationBindsTighterThanAddition) {
  EXPECT_EQ(ParseShow("1 + 2 * 3"), "(1 + (2 * 3))");
}

TEST(Parser, OperatorsAreLeftAssociative) { EXPECT_EQ(ParseShow("1 - 2 - 3"), "((1 - 2) - 3)"); }

TEST(Parser, BooleanPrecedenceIsImpliesOrAndThenEquality) {
  EXPECT_EQ(ParseShow("a implies b or c and d = e"), "(a implies (b or (c and (d = e))))");
}

TEST(Parser, UnionBindsTighterThanEquality) { EXPECT_EQ(ParseShow("a | b = c"), "((a | b) = c)"); }

TEST(Parser, TypeOperatorTakesQualifiedName) {
  EXPECT_EQ(ParseShow("value is FHIR.Quantity"), "(value is Quantity)");
}

TEST(Parser, PathsFunctionsAndIndexers) {
  EXPECT_EQ(ParseShow("Patient.name[0].given.where(use = 'x').first()"),
            "Patient.name[0].given.where((use = 'x')).first()");
}

TEST(Parser, KeywordsAreNamesAfterDot) {
  EXPECT_EQ(ParseShow("code.contains('a')"), "code.contains('a')");
  EXPECT_EQ(ParseShow("x.as(Quantity)"), "x.as(Quantity)");
}

TEST(Parser, QuantityLiterals) {
  EXPECT_EQ(ParseShow("4.5 'mg'"),
            R"({"value":4.5,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"})");
  EXPECT_EQ(ParseShow("2 years"), R"({"value":2,"unit":"years"})");
}

TEST(Parser, DateTimeLiterals) {
  EXPECT_EQ(ParseShow("@2014-01-25T14:30:14.559+01:00"), R"("2014-01-25T14:30:14.559+01:00")");
  EXPECT_EQ(ParseShow("@T14:30"), R"("14:30")");
}

TEST(Parser, EscapesInStrings) { EXPECT_EQ(ParseShow(R"('a\'b\u0041')"), "'a'bA'"); }

TEST(Parser, SyntaxErrorsGivePosition) {
  EXPECT_EQ(ParseShow("1 +"), "error: line 1, column 4: unexpected end of expression");
  EXPECT_EQ(ParseShow("name.\n  given..x"),
            "error: line 2, column 9: expected a name after '.' but found '.'");
  EXPECT_EQ(ParseShow("'abc"), "error: line 1, column 1: unterminated string");
  EXPECT_EQ(ParseShow("2 + 2 /* x"), "error: line 1, column 7: unterminated comment");
  EXPECT_EQ(ParseShow("a # b"), "error: line 1, column 3: unexpected character '#'");
}

TEST(Parser, DeepNestingIsRejectedNotCrashed) {
  std::string deep(100000, '(');
  deep += "1";
  deep += std::string(100000, ')');
  EXPECT_NE(ParseShow(deep).find("nested too deeply"), std::string::npos);
  std::string minus(100000, '-');
  EXPECT_NE(ParseShow(minus + "1").find("nested too deeply"), std::string::npos);
}

TEST(Compile, UnknownFunctionIsAnError) {
  auto e = Expression::Compile("name.foo()");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(Message(e.status()), "line 1, column 6: unknown function 'foo'");
}

TEST(Compile, WrongArgumentCountIsAnError) {
  EXPECT_FALSE(Expression::Compile("name.where()").ok());
  EXPECT_FALSE(Expression::Compile("name.first(1)").ok());
}

TEST(Compile, UnknownElementIsASemanticErrorWhenRootTypeKnown) {
  CompileOptions options{"Patient"};
  auto e = Expression::Compile("name.given1", options);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(Message(e.status()), "line 1, column 6: 'given1' is not an element of HumanName");
  EXPECT_TRUE(Expression::Compile("name.given", options).ok());
  EXPECT_TRUE(Expression::Compile("Patient.contained.name", options).ok());
  EXPECT_FALSE(Expression::Compile("Encounter.name", options).ok());
}

}  // namespace
}  // namespace vigil::fhirpath
