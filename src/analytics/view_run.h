// Running a compiled ViewDefinition for $run: over the live store (current,
// non-deleted resources of the view's type, store_scan.h) or over resources
// given inline, written as CSV, NDJSON or a JSON array (sof/row_format.h).
//
//   RunOptions options;
//   options.format = sof::RowFormat::kCsv;
//   options.limit = 100;
//   VIGIL_ASSIGN_OR_RETURN(std::string body, RunOverStore(store, view, options));
//
// The output is assembled in memory (the HTTP edge answers with a
// Content-Length), while the resources are read a page at a time; `limit`
// stops the scan as soon as enough rows are written.
//
// Thread-safety: independent calls may run on any threads. Errors: the
// store's and the scan's (store_scan.h), and InvalidArgument when a resource
// breaks the view's rules (sof/view.h) or a stored resource is not valid JSON.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/store_scan.h"
#include "fhir/json.h"
#include "sof/row_format.h"
#include "sof/view.h"
#include "store/store.h"

namespace vigil::analytics {

struct RunOptions {
  sof::RowFormat format = sof::RowFormat::kJson;
  bool header = true;  // CSV only: write the header line
  ResourceFilter filter;
  std::optional<size_t> limit;  // at most this many rows
};

absl::StatusOr<std::string> RunOverStore(store::Store& store, const sof::View& view,
                                         const RunOptions& options);

// Over the given resources (those of other types give no rows). The patient
// filter and `since` are not applied.
absl::StatusOr<std::string> RunOverResources(const std::vector<fhir::Json>& resources,
                                             const sof::View& view, const RunOptions& options);

// The MIME type of a format: text/csv, application/x-ndjson, application/json.
const char* ContentTypeOf(sof::RowFormat format);

}  // namespace vigil::analytics
