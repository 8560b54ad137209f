// Writing view rows as CSV, NDJSON or a JSON array.
//
//   RowWriter writer(RowFormat::kCsv, view.columns(), std::cout);
//   writer.Begin();                     // CSV header / "["
//   runner.Run(resource, [&](Row row) { writer.Write(row); return absl::OkStatus(); });
//   writer.End();                       // "]" and flush
//
// Cells: an empty cell is null (an empty CSV field); one value is written as its
// JSON scalar (strings, numbers with their original text, booleans, dates as
// strings); a collection column is always a JSON array. Complex values (a whole
// HumanName) are their FHIR JSON; in CSV, arrays and objects are written as JSON
// text inside the field. CSV follows RFC 4180 (fields holding a comma, quote, CR
// or LF are quoted, quotes doubled) except that lines end with "\n", which CSV
// readers accept and which keeps the output friendly to Unix tools.
//
// Thread-safety: a RowWriter is used by one thread.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "sof/view.h"

namespace vigil::sof {

enum class RowFormat { kCsv, kNdjson, kJson };

// "csv", "ndjson", "json"; InvalidArgument otherwise.
absl::StatusOr<RowFormat> ParseRowFormat(std::string_view name);

// A cell as JSON (null, a scalar or object, or an array for collection columns).
fhir::Json CellToJson(const fhirpath::Collection& cell, bool collection);
// A row as a JSON object with the columns' names, in column order.
fhir::Json RowToJson(const std::vector<ColumnInfo>& columns, Row row);
// Appends the CSV field for a cell (quoted when needed).
void AppendCsvField(const fhirpath::Collection& cell, bool collection, std::string* out);

class RowWriter {
 public:
  // REQUIRES: columns and out outlive the writer.
  RowWriter(RowFormat format, const std::vector<ColumnInfo>& columns, std::ostream& out);

  void Begin();
  void Write(Row row);
  void End();
  // Writes the buffered rows out without ending the output (before reporting an
  // error, so that the rows written so far are not lost).
  void Flush();
  size_t rows() const { return rows_; }

 private:
  void FlushIfLarge();

  RowFormat format_;
  const std::vector<ColumnInfo>& columns_;
  std::ostream& out_;
  std::string buffer_;
  size_t rows_ = 0;
};

}  // namespace vigil::sof
