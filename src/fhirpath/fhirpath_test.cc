// Expression API behaviour: compile once, evaluate many times, from many threads.
#include "fhirpath/fhirpath.h"

#include <gtest/gtest.h>

#include <thread>

#include "base/str.h"

namespace vigil::fhirpath {
namespace {

fhir::Json Patient() {
  return *fhir::ParseJson(R"({"resourceType":"Patient","id":"p",
    "name":[{"family":"Chalmers","given":["Peter","James"]},{"given":["Jim"]}],
    "birthDate":"1974-12-25"})");
}

std::string Eval(std::string_view expression, const fhir::Json& resource,
                 const EvalOptions& options = {}) {
  auto e = Expression::Compile(expression, CompileOptions{"Patient"});
  if (!e.ok()) return "compile error: " + std::string(Message(e.status()));
  auto r = e->Evaluate(resource, options);
  if (!r.ok()) return "error: " + std::string(Message(r.status()));
  return WriteJson(ToJson(*r));
}

TEST(Expression, OneCompiledExpressionEvaluatesConcurrently) {
  const fhir::Json patient = Patient();
  auto e = Expression::Compile(
      "name.given.where(matches('^J')).select(upper()) | birthDate.toString() | (1.5 'kg' + 300 "
      "'g').toString()",
      CompileOptions{"Patient"});
  ASSERT_TRUE(e.ok()) << Message(e.status());
  const std::string expected = R"(["JAMES","JIM","1974-12-25","1.8 'kg'"])";
  auto first = e->Evaluate(patient);
  ASSERT_TRUE(first.ok()) << Message(first.status());
  ASSERT_EQ(WriteJson(ToJson(*first)), expected);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        auto r = e->Evaluate(patient);
        if (!r.ok() || WriteJson(ToJson(*r)) != expected) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(Expression, ExternalConstantsAndTrace) {
  EvalOptions options;
  options.variables["who"] = Collection{Value::String("Jim")};
  std::vector<std::string> traced;
  options.trace = [&](std::string_view name, const Collection& values) {
    traced.push_back(StrCat(name, "=", WriteJson(ToJson(values))));
  };
  EXPECT_EQ(Eval("name.given.trace('g').where($this = %who)", Patient(), options), R"(["Jim"])");
  EXPECT_EQ(traced, std::vector<std::string>{R"(g=["Peter","James","Jim"])"});
}

TEST(Expression, UnknownVariableIsAnEvaluationError) {
  EXPECT_EQ(Eval("%nope", Patient()), "error: line 1, column 1: unknown variable '%nope'");
}

TEST(Expression, ResourceAndContextVariables) {
  EXPECT_EQ(Eval("name.given.first().where(%resource.id = 'p')", Patient()), R"(["Peter"])");
  EXPECT_EQ(Eval("%context.id", Patient()), R"(["p"])");
}

TEST(Expression, ExecutionErrorsCarryPosition) {
  EXPECT_EQ(Eval("name.given + 'x'", Patient()),
            "error: line 1, column 12: '+' needs single items");
}

TEST(Expression, RunawayCollectionsAreStoppedNotExhaustingMemory) {
  EvalOptions options;
  options.max_collection_size = 10'000;
  EXPECT_EQ(Eval("(1 | 2).combine(1 | 2).count()", Patient(), options), "[4]");
  // Each select() doubles the collection: 3 * 2^40 items without the limit.
  std::string expr = "name.given";
  for (int i = 0; i < 40; ++i) expr += ".select($this.combine($this))";
  std::string out = Eval(expr + ".count()", Patient(), options);
  EXPECT_NE(out.find("more than 10000 items"), std::string::npos) << out;

  options.max_string_bytes = 1'000'000;
  std::string doubling = "'ab'";
  for (int i = 0; i < 40; ++i) doubling = StrCat("(", doubling, ").select($this + $this)");
  out = Eval(doubling + ".length()", Patient(), options);
  EXPECT_NE(out.find("longer than 1000000 bytes"), std::string::npos) << out;
}

TEST(Expression, LargeUnionsUseFhirPathEquality) {
  // More than 8 items takes the hashed path: 1 = 1.0 and 2.50 = 2.5 are duplicates.
  EXPECT_EQ(Eval("(1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 1.0 | 2.50 | 2.5 | 'a' | 'a' | true | "
                 "true).count()",
                 Patient()),
            "[12]");
  EXPECT_EQ(
      Eval("(1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10).exclude(2 | 4.0 | 6).count()", Patient()),
      "[7]");
  EXPECT_EQ(Eval("(1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10).intersect(2.0 | 11 | 3)", Patient()),
            "[2,3]");
  EXPECT_EQ(Eval("(name.given | name.given | name.family | 'x' | 'y' | 'z' | 'w' | 'v' | "
                 "'u').isDistinct()",
                 Patient()),
            "[true]");
}

}  // namespace
}  // namespace vigil::fhirpath
