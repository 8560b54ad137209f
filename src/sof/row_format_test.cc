#include "sof/row_format.h"

#include <gtest/gtest.h>

#include <sstream>

namespace vigil::sof {
namespace {

using fhirpath::Collection;
using fhirpath::Value;

std::vector<ColumnInfo> Columns() {
  ColumnInfo a, b, c;
  a.name = "a";
  b.name = "b";
  c.name = "c";
  c.collection = true;
  return {a, b, c};
}

std::string Write(RowFormat format, const std::vector<std::vector<Collection>>& rows) {
  std::vector<ColumnInfo> columns = Columns();
  std::ostringstream out;
  RowWriter writer(format, columns, out);
  writer.Begin();
  for (const auto& row : rows) writer.Write(Row(row));
  writer.End();
  return out.str();
}

std::vector<std::vector<Collection>> SampleRows() {
  return {{Collection{Value::String("x,\"y\"")}, Collection{},
           Collection{Value::Integer(1), Value::Integer(2)}},
          {Collection{Value::Boolean(true)}, Collection{Value::String("plain")}, Collection{}}};
}

TEST(RowFormat, ParsesFormatNames) {
  EXPECT_EQ(*ParseRowFormat("csv"), RowFormat::kCsv);
  EXPECT_EQ(*ParseRowFormat("ndjson"), RowFormat::kNdjson);
  EXPECT_EQ(*ParseRowFormat("json"), RowFormat::kJson);
  EXPECT_EQ(ParseRowFormat("xml").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RowFormat, CsvQuotesFieldsAndWritesNullsAsEmpty) {
  EXPECT_EQ(Write(RowFormat::kCsv, SampleRows()),
            "a,b,c\n"
            "\"x,\"\"y\"\"\",,\"[1,2]\"\n"
            "true,plain,[]\n");
}

TEST(RowFormat, NdjsonWritesOneObjectPerRow) {
  EXPECT_EQ(Write(RowFormat::kNdjson, SampleRows()),
            "{\"a\":\"x,\\\"y\\\"\",\"b\":null,\"c\":[1,2]}\n"
            "{\"a\":true,\"b\":\"plain\",\"c\":[]}\n");
}

TEST(RowFormat, JsonWritesAnArray) {
  std::string out = Write(RowFormat::kJson, SampleRows());
  auto parsed = fhir::ParseJson(out);
  ASSERT_TRUE(parsed.ok()) << out;
  ASSERT_TRUE(parsed->is_array());
  EXPECT_EQ(parsed->items().size(), 2u);
  EXPECT_EQ(Write(RowFormat::kJson, {}), "[]\n");
}

TEST(RowFormat, FhirNodesKeepTheirJsonText) {
  fhir::Json decimal = fhir::Json::Number("1.50");
  Collection cell{Value::Node(fhirpath::NodeRef{&decimal, fhir::FindType("decimal")})};
  std::string field;
  AppendCsvField(cell, false, &field);
  EXPECT_EQ(field, "1.50");
  EXPECT_EQ(fhir::WriteJson(CellToJson(cell, false)), "1.50");
}

}  // namespace
}  // namespace vigil::sof
