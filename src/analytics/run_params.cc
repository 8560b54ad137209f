#include "analytics/run_params.h"

#include <charconv>

#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "persist/resource_writes.h"

namespace vigil::analytics {
namespace {

absl::Status Bad(std::string_view name, std::string_view why) {
  return HttpError(400, "invalid", StrCat("$run parameter '", name, "': ", why));
}

absl::StatusOr<size_t> ParseCount(std::string_view name, std::string_view text) {
  size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Bad(name, "expected a non-negative integer");
  }
  return value;
}

absl::StatusOr<bool> ParseBool(std::string_view name, std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return Bad(name, "expected true or false");
}

// Sets one parameter from its text value (the query-string form).
absl::Status SetText(RunParams& p, const std::string& name, const std::string& value) {
  if (name == "_format") {
    p.format = value;
  } else if (name == "header") {
    VIGIL_ASSIGN_OR_RETURN(p.header, ParseBool(name, value));
  } else if (name == "patient") {
    p.patients.push_back(value);
  } else if (name == "group") {
    p.groups.push_back(value);
  } else if (name == "_limit" || name == "_count") {
    VIGIL_ASSIGN_OR_RETURN(size_t limit, ParseCount(name, value));
    p.limit = p.limit ? std::min(*p.limit, limit) : limit;
  } else if (name == "_since") {
    std::optional<int64_t> since = ParseFhirDateTimeMs(value);
    if (!since) return Bad(name, "expected an instant (2026-01-02T03:04:05Z)");
    p.since = since;
  } else if (name == "viewReference") {
    p.view_reference = value;
  } else if (name == "viewResource" || name == "resource") {
    return Bad(name, "resources can only be given in a POST Parameters body");
  } else {
    return HttpError(400, "not-supported", StrCat("$run parameter '", name, "' is not supported"));
  }
  return absl::OkStatus();
}

// The text of a parameter's primitive value[x] (or of a Reference's reference).
absl::StatusOr<std::string> ValueText(const fhir::Json& parameter, const std::string& name) {
  for (const fhir::Json::Member& member : parameter.members()) {
    if (!member.first.starts_with("value")) continue;
    const fhir::Json& v = member.second;
    if (v.is_string() || v.is_number()) return v.text();
    if (v.is_bool()) return std::string(v.bool_value() ? "true" : "false");
    if (const fhir::Json* ref = v.Find("reference"); ref != nullptr && ref->is_string()) {
      return ref->text();
    }
  }
  return Bad(name, "needs a value");
}

const fhir::Json* ResourceOf(const fhir::Json& parameter) {
  if (const fhir::Json* r = parameter.Find("resource")) return r;
  return parameter.Find("valueResource");
}

absl::Status SetParameter(RunParams& p, const fhir::Json& parameter) {
  const fhir::Json* name_json = parameter.Find("name");
  if (name_json == nullptr || !name_json->is_string()) {
    return HttpError(400, "invalid", "every Parameters.parameter needs a name");
  }
  const std::string& name = name_json->text();
  if (name == "viewResource" || name == "resource") {
    const fhir::Json* resource = ResourceOf(parameter);
    if (resource == nullptr || !resource->is_object()) return Bad(name, "needs a resource");
    if (name == "resource") {
      p.resources.push_back(*resource);
    } else if (p.view_resource) {
      return Bad(name, "only one view can be run at a time");
    } else {
      p.view_resource = *resource;
    }
    return absl::OkStatus();
  }
  VIGIL_ASSIGN_OR_RETURN(std::string text, ValueText(parameter, name));
  return SetText(p, name, text);
}

}  // namespace

absl::StatusOr<RunParams> ParseRunQuery(
    const std::vector<std::pair<std::string, std::string>>& query) {
  RunParams params;
  for (const auto& [name, value] : query) VIGIL_RETURN_IF_ERROR(SetText(params, name, value));
  return params;
}

absl::StatusOr<RunParams> ParseRunParameters(const fhir::Json& parameters) {
  const fhir::Json* type = parameters.Find("resourceType");
  if (type == nullptr || !type->is_string() || type->text() != "Parameters") {
    return HttpError(400, "invalid", "the POST body of $run must be a Parameters resource");
  }
  RunParams params;
  if (const fhir::Json* list = parameters.Find("parameter")) {
    for (const fhir::Json& parameter : list->items()) {
      VIGIL_RETURN_IF_ERROR(SetParameter(params, parameter));
    }
  }
  return params;
}

absl::StatusOr<sof::RowFormat> ChooseFormat(std::string_view format, std::string_view accept) {
  if (format.empty()) {
    if (accept.find("text/csv") != std::string_view::npos) return sof::RowFormat::kCsv;
    if (accept.find("ndjson") != std::string_view::npos) return sof::RowFormat::kNdjson;
    return sof::RowFormat::kJson;
  }
  if (format == "csv" || format == "text/csv") return sof::RowFormat::kCsv;
  if (format == "ndjson" || format == "application/x-ndjson" || format == "application/ndjson") {
    return sof::RowFormat::kNdjson;
  }
  if (format == "json" || format == "application/json" || format == "application/fhir+json") {
    return sof::RowFormat::kJson;
  }
  return HttpError(400, "not-supported",
                   StrCat("$run: unsupported _format '", format, "' (csv, ndjson or json)"));
}

absl::StatusOr<std::string> ReferenceId(std::string_view reference, std::string_view type) {
  std::string_view id = reference;
  if (size_t slash = reference.rfind('/'); slash != std::string_view::npos) {
    std::string_view head = reference.substr(0, slash);
    size_t type_start = head.rfind('/');
    std::string_view named =
        type_start == std::string_view::npos ? head : head.substr(type_start + 1);
    if (named != type) {
      return HttpError(400, "invalid", StrCat("'", reference, "' is not a reference to a ", type));
    }
    id = reference.substr(slash + 1);
  }
  if (!persist::IsValidId(id)) {
    return HttpError(400, "invalid", StrCat("'", reference, "' is not a reference to a ", type));
  }
  return std::string(id);
}

}  // namespace vigil::analytics
