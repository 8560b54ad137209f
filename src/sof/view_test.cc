// Unit tests of the ViewDefinition engine: compile-time validation, the select
// tree's combination rules, run-time data errors, and the runner's reuse across
// resources. The official suite (conformance_test.cc) covers the spec broadly;
// these pin down behaviour it leaves open and the exact error codes.
#include "sof/view.h"

#include <gtest/gtest.h>

#include "sof/row_format.h"

namespace vigil::sof {
namespace {

fhir::Json Parse(std::string_view text) {
  auto json = fhir::ParseJson(text);
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? std::move(*json) : fhir::Json();
}

absl::StatusOr<View> CompileText(std::string_view text) { return View::Compile(Parse(text)); }

// The rows of view over resources, each as compact JSON.
std::vector<std::string> Rows(const View& view, const std::vector<std::string>& resources) {
  std::vector<std::string> rows;
  ViewRunner runner(view);
  for (const std::string& text : resources) {
    fhir::Json resource = Parse(text);
    absl::Status s = runner.Run(resource, [&](Row row) {
      rows.push_back(fhir::WriteJson(RowToJson(view.columns(), row)));
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
  }
  return rows;
}

constexpr std::string_view kPatient = R"j({"resourceType":"Patient","id":"p1",
  "name":[{"family":"A","given":["a1","a2"]},{"family":"B"}],"active":true})j";

TEST(ViewCompile, ColumnsAreNumberedInOutputOrder) {
  auto view = CompileText(R"j({"resource":"Patient","select":[
    {"column":[{"name":"id","path":"id"}],
     "select":[{"column":[{"name":"n","path":"name.count()"}]}],
     "unionAll":[{"column":[{"name":"u","path":"'x'"}]},{"column":[{"name":"u","path":"'y'"}]}]},
    {"column":[{"name":"last","path":"'z'"}]}]})j");
  ASSERT_TRUE(view.ok()) << view.status();
  std::vector<std::string> names;
  for (const ColumnInfo& c : view->columns()) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "n", "u", "last"}));
  EXPECT_EQ(view->resource_type(), "Patient");
}

TEST(ViewCompile, RejectsInvalidDefinitions) {
  const char* kInvalid[] = {
      R"j([])j",                                                   // not an object
      R"j({"select":[{"column":[{"name":"id","path":"id"}]}]})j",  // no resource
      R"j({"resource":"Nope","select":[{"column":[{"name":"id","path":"id"}]}]})j",
      R"j({"resource":"Patient"})j",  // no select
      R"j({"resource":"Patient","select":[{"column":[{"name":"1id","path":"id"}]}]})j",
      R"j({"resource":"Patient","select":[{"column":[{"name":"a-b","path":"id"}]}]})j",
      R"j({"resource":"Patient","select":[{"column":[{"name":"id","path":"id"},
          {"name":"id","path":"id"}]}]})j",  // duplicate name
      R"j({"resource":"Patient","select":[{"column":[{"name":"id","path":"id("}]}]})j",
      R"j({"resource":"Patient","select":[{"column":[{"name":"id","path":"nope"}]}]})j",
      R"j({"resource":"Patient","select":[{"column":[{"name":"id","path":"id",
          "collection":"yes"}]}]})j",
      R"j({"resource":"Patient","select":[{"column":[{"name":"id","path":"id",
          "type":"varchar"}]}]})j",
      R"j({"resource":"Patient","select":[{"forEach":"name","forEachOrNull":"name",
          "column":[{"name":"f","path":"family"}]}]})j",
      R"j({"resource":"Patient","select":[{"unionAll":[{"column":[{"name":"a","path":"id"}]},
          {"column":[{"name":"b","path":"id"}]}]}]})j",
      R"j({"resource":"Patient","select":[{"unionAll":[{"column":[{"name":"a","path":"id"}]},
          {"column":[{"name":"a","path":"id"},{"name":"b","path":"id"}]}]}]})j",
      R"j({"resource":"Patient","constant":[{"name":"c"}],
          "select":[{"column":[{"name":"id","path":"id"}]}]})j",
      R"j({"resource":"Patient","constant":[{"name":"c","valueString":"a","valueInteger":1}],
          "select":[{"column":[{"name":"id","path":"id"}]}]})j",
      R"j({"resource":"Patient","constant":[{"name":"rowIndex","valueInteger":1}],
          "select":[{"column":[{"name":"id","path":"id"}]}]})j",
      R"j({"resource":"Patient","where":[{"path":1}],
          "select":[{"column":[{"name":"id","path":"id"}]}]})j",
  };
  for (const char* text : kInvalid) {
    auto view = CompileText(text);
    EXPECT_EQ(view.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(ViewCompile, ErrorNamesTheElement) {
  auto view = CompileText(
      R"j({"resource":"Patient","select":[{"column":[{"name":"ok","path":"id"},
          {"name":"bad name","path":"id"}]}]})j");
  ASSERT_FALSE(view.ok());
  EXPECT_NE(view.status().ToString().find("select[0].column[1]"), std::string::npos)
      << view.status();
}

TEST(ViewRun, ForEachCrossesWithSiblingColumns) {
  auto view = CompileText(R"j({"resource":"Patient","select":[
    {"column":[{"name":"id","path":"id"}]},
    {"forEach":"name","column":[{"name":"family","path":"family"},
                                {"name":"i","path":"%rowIndex"}]}]})j");
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(Rows(*view, {std::string(kPatient)}),
            (std::vector<std::string>{R"j({"id":"p1","family":"A","i":0})j",
                                      R"j({"id":"p1","family":"B","i":1})j"}));
}

TEST(ViewRun, ForEachOrNullGivesOneNullRow) {
  auto view = CompileText(R"j({"resource":"Patient","select":[
    {"column":[{"name":"id","path":"id"}]},
    {"forEachOrNull":"address","column":[{"name":"city","path":"city"}],
     "select":[{"column":[{"name":"line","path":"line.first()"}]}]}]})j");
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(Rows(*view, {std::string(kPatient)}),
            (std::vector<std::string>{R"j({"id":"p1","city":null,"line":null})j"}));
}

TEST(ViewRun, CollectionColumnsAreArrays) {
  auto view = CompileText(R"j({"resource":"Patient","select":[{"column":[
    {"name":"given","path":"name.given","collection":true},
    {"name":"none","path":"address.city","collection":true}]}]})j");
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(Rows(*view, {std::string(kPatient)}),
            (std::vector<std::string>{R"j({"given":["a1","a2"],"none":[]})j"}));
}

TEST(ViewRun, SeveralValuesInAPlainColumnIsAnError) {
  auto view = CompileText(
      R"j({"resource":"Patient","select":[{"column":[{"name":"f","path":"name.family"}]}]})j");
  ASSERT_TRUE(view.ok()) << view.status();
  ViewRunner runner(*view);
  fhir::Json patient = Parse(kPatient);
  absl::Status s = runner.Run(patient, [](Row) { return absl::OkStatus(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.ToString().find("column 'f'"), std::string::npos) << s;
}

TEST(ViewRun, WhereMustBeBoolean) {
  auto view = CompileText(R"j({"resource":"Patient","where":[{"path":"name.family.first()"}],
    "select":[{"column":[{"name":"id","path":"id"}]}]})j");
  ASSERT_TRUE(view.ok()) << view.status();
  ViewRunner runner(*view);
  fhir::Json patient = Parse(kPatient);
  EXPECT_EQ(runner.Run(patient, [](Row) { return absl::OkStatus(); }).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ViewRun, WhereFiltersAndOtherTypesGiveNoRows) {
  auto view = CompileText(R"j({"resource":"Patient","where":[{"path":"active"}],
    "select":[{"column":[{"name":"id","path":"id"}]}]})j");
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(Rows(*view, {std::string(kPatient), R"j({"resourceType":"Patient","id":"p2"})j",
                         R"j({"resourceType":"Observation","id":"o1"})j"}),
            (std::vector<std::string>{R"j({"id":"p1"})j"}));
}

TEST(ViewRun, ConstantsKeepTheirFhirType) {
  auto view = CompileText(R"j({"resource":"Patient",
    "constant":[{"name":"born","valueDate":"1970"},{"name":"n","valueInteger":1}],
    "select":[{"column":[{"name":"after","path":"birthDate > %born"},
                         {"name":"second","path":"name[%n].family"}]}]})j");
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(Rows(*view, {R"j({"resourceType":"Patient","birthDate":"1971-02-03",
                             "name":[{"family":"A"},{"family":"B"}]})j"}),
            (std::vector<std::string>{R"j({"after":true,"second":"B"})j"}));
}

TEST(ViewRun, ResourceAndReferenceKeysJoin) {
  auto view = CompileText(R"j({"resource":"Observation","select":[{"column":[
    {"name":"id","path":"getResourceKey()"},
    {"name":"patient","path":"subject.getReferenceKey(Patient)"},
    {"name":"group","path":"subject.getReferenceKey(Group)"}]}]})j");
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(Rows(*view, {R"j({"resourceType":"Observation","id":"o1",
                             "subject":{"reference":"Patient/p1/_history/3"}})j"}),
            (std::vector<std::string>{
                R"j({"id":"Observation/o1","patient":"Patient/p1","group":null})j"}));
}

TEST(ViewRun, RepeatWalksDepthFirst) {
  auto view = CompileText(R"j({"resource":"QuestionnaireResponse","select":[
    {"repeat":["item"],"column":[{"name":"link","path":"linkId"},{"name":"i","path":"%rowIndex"}]}]})j");
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(Rows(*view, {R"j({"resourceType":"QuestionnaireResponse","status":"completed",
      "item":[{"linkId":"1","item":[{"linkId":"1.1"}]},{"linkId":"2"}]})j"}),
            (std::vector<std::string>{R"j({"link":"1","i":0})j", R"j({"link":"1.1","i":1})j",
                                      R"j({"link":"2","i":2})j"}));
}

TEST(ViewRun, CallbackErrorStopsTheRun) {
  auto view = CompileText(R"j({"resource":"Patient","select":[
    {"forEach":"name","column":[{"name":"f","path":"family"}]}]})j");
  ASSERT_TRUE(view.ok()) << view.status();
  ViewRunner runner(*view);
  fhir::Json patient = Parse(kPatient);
  int calls = 0;
  absl::Status s = runner.Run(patient, [&](Row) {
    ++calls;
    return absl::CancelledError("enough");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace vigil::sof
