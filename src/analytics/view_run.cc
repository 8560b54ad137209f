#include "analytics/view_run.h"

#include <sstream>

#include "base/status.h"
#include "base/str.h"

namespace vigil::analytics {
namespace {

// Writes rows up to the limit; full() once it is reached.
class RowSink {
 public:
  RowSink(const sof::View& view, const RunOptions& options)
      : options_(options), writer_(options.format, view.columns(), out_), runner_(view) {
    if (options.format != sof::RowFormat::kCsv || options.header) writer_.Begin();
  }

  bool full() const { return options_.limit && writer_.rows() >= *options_.limit; }

  absl::Status Add(const fhir::Json& resource) {
    return runner_.Run(resource, [this](sof::Row row) {
      if (!full()) writer_.Write(row);
      return absl::OkStatus();
    });
  }

  std::string Finish() {
    writer_.End();
    return out_.str();
  }

 private:
  const RunOptions& options_;
  std::ostringstream out_;
  sof::RowWriter writer_;
  sof::ViewRunner runner_;
};

}  // namespace

absl::StatusOr<std::string> RunOverStore(store::Store& store, const sof::View& view,
                                         const RunOptions& options) {
  RowSink sink(view, options);
  if (sink.full()) return sink.Finish();
  auto add = [&sink](const store::StoredResource& stored) -> absl::StatusOr<bool> {
    absl::StatusOr<fhir::Json> resource = fhir::ParseJson(stored.json);
    if (!resource.ok()) {
      return absl::InvalidArgumentError(
          StrCat(stored.type, "/", stored.id, ": ", Message(resource.status())));
    }
    absl::Status added = sink.Add(*resource);
    if (!added.ok()) {
      return absl::Status(added.code(), StrCat(stored.type, "/", stored.id, ": ", Message(added)));
    }
    return !sink.full();
  };
  VIGIL_RETURN_IF_ERROR(ForEachStoredResource(store, view.resource_type(), options.filter, add));
  return sink.Finish();
}

absl::StatusOr<std::string> RunOverResources(const std::vector<fhir::Json>& resources,
                                             const sof::View& view, const RunOptions& options) {
  RowSink sink(view, options);
  for (size_t i = 0; i < resources.size() && !sink.full(); ++i) {
    absl::Status added = sink.Add(resources[i]);
    if (!added.ok()) {
      return absl::Status(added.code(), StrCat("resource ", i, ": ", Message(added)));
    }
  }
  return sink.Finish();
}

const char* ContentTypeOf(sof::RowFormat format) {
  switch (format) {
    case sof::RowFormat::kCsv: return "text/csv";
    case sof::RowFormat::kNdjson: return "application/x-ndjson";
    case sof::RowFormat::kJson: return "application/json";
  }
  return "application/json";
}

}  // namespace vigil::analytics
