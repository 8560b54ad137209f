#include "sof/row_format.h"

#include "base/str.h"

namespace vigil::sof {
namespace {

constexpr size_t kFlushBytes = 1 << 16;

// The text of a single-value cell as CSV shows it: strings and dates unquoted,
// numbers as written, booleans as true/false, anything else as JSON.
void AppendScalarText(const fhirpath::Value& value, std::string* out) {
  switch (value.kind()) {
    case fhirpath::ValueKind::kNode: {
      const fhir::Json& json = *value.node().json;
      if (json.is_string() || json.is_number()) {
        out->append(json.text());
      } else if (json.is_bool()) {
        out->append(json.bool_value() ? "true" : "false");
      } else {
        fhir::AppendJson(json, false, out);
      }
      return;
    }
    case fhirpath::ValueKind::kString: out->append(value.string()); return;
    case fhirpath::ValueKind::kBoolean: out->append(value.boolean() ? "true" : "false"); return;
    case fhirpath::ValueKind::kInteger: out->append(std::to_string(value.integer())); return;
    default: {
      fhir::Json json = fhirpath::ToJson(value);
      if (json.is_string() || json.is_number()) {
        out->append(json.text());
      } else {
        fhir::AppendJson(json, false, out);
      }
    }
  }
}

bool NeedsQuotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

void AppendQuoted(std::string_view field, std::string* out) {
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

absl::StatusOr<RowFormat> ParseRowFormat(std::string_view name) {
  if (name == "csv") return RowFormat::kCsv;
  if (name == "ndjson") return RowFormat::kNdjson;
  if (name == "json") return RowFormat::kJson;
  return absl::InvalidArgumentError(
      StrCat("unknown format '", name, "' (expected csv, ndjson or json)"));
}

fhir::Json CellToJson(const fhirpath::Collection& cell, bool collection) {
  if (collection) {
    fhir::Json array = fhir::Json::Array();
    for (const fhirpath::Value& v : cell) array.Push(fhirpath::ToJson(v));
    return array;
  }
  if (cell.empty()) return fhir::Json();
  return fhirpath::ToJson(cell[0]);
}

fhir::Json RowToJson(const std::vector<ColumnInfo>& columns, Row row) {
  fhir::Json object = fhir::Json::Object();
  for (size_t i = 0; i < columns.size(); ++i) {
    object.members().emplace_back(columns[i].name, CellToJson(row[i], columns[i].collection));
  }
  return object;
}

void AppendCsvField(const fhirpath::Collection& cell, bool collection, std::string* out) {
  size_t start = out->size();
  if (collection) {
    fhir::AppendJson(CellToJson(cell, true), false, out);
  } else if (!cell.empty()) {
    AppendScalarText(cell[0], out);
  }
  std::string_view field(out->data() + start, out->size() - start);
  if (!NeedsQuotes(field)) return;
  std::string text(field);
  out->resize(start);
  AppendQuoted(text, out);
}

RowWriter::RowWriter(RowFormat format, const std::vector<ColumnInfo>& columns, std::ostream& out)
    : format_(format), columns_(columns), out_(out) {}

void RowWriter::Begin() {
  if (format_ == RowFormat::kJson) buffer_.push_back('[');
  if (format_ != RowFormat::kCsv) return;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) buffer_.push_back(',');
    if (NeedsQuotes(columns_[i].name)) {
      AppendQuoted(columns_[i].name, &buffer_);
    } else {
      buffer_.append(columns_[i].name);
    }
  }
  buffer_.push_back('\n');
}

void RowWriter::Write(Row row) {
  switch (format_) {
    case RowFormat::kCsv:
      for (size_t i = 0; i < columns_.size(); ++i) {
        if (i > 0) buffer_.push_back(',');
        AppendCsvField(row[i], columns_[i].collection, &buffer_);
      }
      buffer_.push_back('\n');
      break;
    case RowFormat::kNdjson:
      fhir::AppendJson(RowToJson(columns_, row), false, &buffer_);
      buffer_.push_back('\n');
      break;
    case RowFormat::kJson:
      buffer_.append(rows_ == 0 ? "\n" : ",\n");
      fhir::AppendJson(RowToJson(columns_, row), false, &buffer_);
      break;
  }
  ++rows_;
  FlushIfLarge();
}

void RowWriter::End() {
  if (format_ == RowFormat::kJson) buffer_.append(rows_ == 0 ? "]\n" : "\n]\n");
  Flush();
}

void RowWriter::Flush() {
  out_ << buffer_;
  buffer_.clear();
  out_.flush();
}

void RowWriter::FlushIfLarge() {
  if (buffer_.size() < kFlushBytes) return;
  out_ << buffer_;
  buffer_.clear();
}

}  // namespace vigil::sof
