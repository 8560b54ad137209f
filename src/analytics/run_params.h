// The parameters of ViewDefinition/$run (SQL-on-FHIR v2), read from a query
// string (GET) or a Parameters resource (POST), before anything is looked up.
//
//   GET  /fhir/ViewDefinition/bp/$run?_format=csv&patient=Patient/p1&_limit=10
//   POST /fhir/ViewDefinition/$run   {"resourceType":"Parameters","parameter":[
//          {"name":"viewResource","resource":{...}}, {"name":"_format","valueCode":"ndjson"}]}
//
// Supported: _format (csv, ndjson, json or their MIME types), header (CSV
// only), viewReference, viewResource (POST), patient and group (repeatable,
// "Patient/x" / "Group/g" or a bare id), _limit and _count (both: at most this
// many rows), _since (an instant), resource (POST: run over these instead of
// the store). Refused with 400: source, _page and any other name (the spec
// asks servers to refuse what they do not support rather than ignore it).
// In a Parameters resource a resource may be given as `resource` or as
// `valueResource`, a reference as valueReference.reference or a string type.
//
// Thread-safety: pure functions. Errors: HttpError 400 naming the parameter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "sof/row_format.h"

namespace vigil::analytics {

struct RunParams {
  std::string format;                 // as given; "" when absent
  std::optional<bool> header;         // CSV header line; default true
  std::vector<std::string> patients;  // references as given
  std::vector<std::string> groups;
  std::optional<size_t> limit;
  std::optional<int64_t> since;  // ms since the epoch
  std::string view_reference;    // "" when absent
  std::optional<fhir::Json> view_resource;
  std::vector<fhir::Json> resources;
};

absl::StatusOr<RunParams> ParseRunQuery(
    const std::vector<std::pair<std::string, std::string>>& query);
absl::StatusOr<RunParams> ParseRunParameters(const fhir::Json& parameters);

// The output format from _format, else from the Accept header (text/csv,
// ndjson), else JSON. 400 for an unknown _format.
absl::StatusOr<sof::RowFormat> ChooseFormat(std::string_view format, std::string_view accept);

// The id in a reference to `type`: "Type/id", an absolute URL ending in
// "/Type/id", or a bare id. 400 when it names another type or no valid id.
absl::StatusOr<std::string> ReferenceId(std::string_view reference, std::string_view type);

}  // namespace vigil::analytics
