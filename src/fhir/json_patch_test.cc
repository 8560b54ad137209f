// RFC 6902 operations, including the RFC's appendix A examples that apply here.
#include "fhir/json_patch.h"

#include <gtest/gtest.h>

namespace vigil::fhir {
namespace {

Json J(std::string_view text) {
  auto json = ParseJson(text);
  EXPECT_TRUE(json.ok()) << text;
  return *json;
}

std::string Patched(std::string_view doc, std::string_view patch) {
  Json d = J(doc);
  absl::Status s = ApplyJsonPatch(J(patch), d);
  return s.ok() ? WriteJson(d) : std::string("error: ") + std::string(s.message());
}

TEST(JsonPatchTest, AddReplaceRemove) {
  EXPECT_EQ(Patched(R"({"a":1})", R"([{"op":"add","path":"/b","value":2}])"), R"({"a":1,"b":2})");
  EXPECT_EQ(Patched(R"({"a":[1,3]})", R"([{"op":"add","path":"/a/1","value":2}])"), R"({"a":[1,2,3]})");
  EXPECT_EQ(Patched(R"({"a":[1]})", R"([{"op":"add","path":"/a/-","value":2}])"), R"({"a":[1,2]})");
  EXPECT_EQ(Patched(R"({"a":1})", R"([{"op":"replace","path":"/a","value":"x"}])"), R"({"a":"x"})");
  EXPECT_EQ(Patched(R"({"a":1,"b":2})", R"([{"op":"remove","path":"/a"}])"), R"({"b":2})");
  EXPECT_EQ(Patched(R"({"a/b":1,"m~n":2})", R"([{"op":"remove","path":"/a~1b"},{"op":"remove","path":"/m~0n"}])"), "{}");
}

TEST(JsonPatchTest, MoveCopyTest) {
  EXPECT_EQ(Patched(R"({"a":{"b":1},"c":{}})", R"([{"op":"move","from":"/a/b","path":"/c/d"}])"),
            R"({"a":{},"c":{"d":1}})");
  EXPECT_EQ(Patched(R"({"a":[1]})", R"([{"op":"copy","from":"/a/0","path":"/b"}])"), R"({"a":[1],"b":1})");
  EXPECT_EQ(Patched(R"({"a":"x"})", R"([{"op":"test","path":"/a","value":"x"}])"), R"({"a":"x"})");
}

TEST(JsonPatchTest, FailuresLeaveTheDocumentUnchanged) {
  Json doc = J(R"({"a":1})");
  EXPECT_EQ(ApplyJsonPatch(J(R"([{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":2}])"), doc).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(WriteJson(doc), R"({"a":1})");
  EXPECT_EQ(ApplyJsonPatch(J(R"([{"op":"remove","path":"/nope"}])"), doc).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyJsonPatch(J(R"([{"op":"frobnicate","path":"/a"}])"), doc).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyJsonPatch(J(R"({"op":"add"})"), doc).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyJsonPatch(J(R"([{"op":"add","path":"/a/5","value":1}])"), doc).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyJsonPatch(J(R"([{"op":"move","from":"/a","path":"/a/b"}])"), doc).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vigil::fhir
