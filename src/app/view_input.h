// The resources `vigil view` reads: NDJSON (one resource per line), a single
// resource, or a Bundle whose entries are flattened.
//
// A file is NDJSON when it is named *.ndjson / *.jsonl, or when it does not parse
// as one JSON document but its first line does. NDJSON is streamed line by line;
// a line that is not valid JSON is an error naming the file and line number (it is
// never skipped). Blank lines are ignored.
//
// Bundle entries are flattened when flatten_bundles is set (the view is not over
// Bundle itself). References between entries written as "urn:uuid:..." fullUrls
// are rewritten to "Type/id" first, as an import would store them, so that
// getReferenceKey() in a view joins to getResourceKey() (Synthea writes such
// transaction Bundles).
//
// Errors: NotFound when a file cannot be read, InvalidArgument for bad JSON (with
// its location); an error returned by fn stops the read and is returned with
// the resource's location prefixed.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fhir/json.h"

namespace vigil::app {

// Called once per resource; location is "FILE:LINE" or "FILE: entry N".
using ResourceFn =
    std::function<absl::Status(const fhir::Json& resource, std::string_view location)>;

absl::Status ForEachResource(const std::string& path, bool flatten_bundles, const ResourceFn& fn);

// The files behind paths: a file as given, a folder as its *.json, *.ndjson and
// *.jsonl files in name order (not recursive). NotFound for a path that does not exist.
absl::StatusOr<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& paths);

}  // namespace vigil::app
