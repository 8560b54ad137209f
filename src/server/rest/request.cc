#include "server/rest/request.h"

#include <algorithm>
#include <charconv>

#include "absl/strings/ascii.h"
#include "base/str.h"
#include "fhir/model.h"
#include "server/http/url.h"
#include "server/rest/outcome.h"

namespace vigil::server {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// JSON is the only format; XML and others are refused with 406 (not silently
// answered in JSON), "json" and the FHIR/JSON media types are accepted.
bool IsJsonFormat(std::string_view format) {
  std::string f = Lower(Trim(format));
  if (size_t semi = f.find(';'); semi != std::string::npos) f = std::string(Trim(f.substr(0, semi)));
  return f == "json" || f == "application/json" || f == "application/fhir+json" ||
         f == "application/json+fhir" || f == "text/json";
}

bool AcceptAllowsJson(std::string_view accept) {
  if (accept.empty()) return true;
  size_t start = 0;
  while (start <= accept.size()) {
    size_t comma = accept.find(',', start);
    std::string_view item =
        accept.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    std::string type = Lower(Trim(item.substr(0, item.find(';'))));
    if (type == "*/*" || type == "application/*" || IsJsonFormat(type)) return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

void ParsePrefer(std::string_view prefer, FhirRequest* out) {
  size_t start = 0;
  while (start <= prefer.size()) {
    size_t comma = prefer.find_first_of(",;", start);
    std::string item = Lower(Trim(prefer.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (item == "return=minimal") out->prefer_return = PreferReturn::kMinimal;
    if (item == "return=operationoutcome") out->prefer_return = PreferReturn::kOperationOutcome;
    if (item == "return=representation") out->prefer_return = PreferReturn::kRepresentation;
    if (item == "handling=strict") out->prefer_strict = true;
    if (item == "handling=lenient") out->prefer_strict = false;
    if (item == "respond-async") out->prefer_async = true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  for (std::string_view s : PathSegments(path)) segments.emplace_back(s);
  return segments;
}

}  // namespace

std::optional<int64_t> ParseVersionTag(std::string_view tag) {
  tag = Trim(tag);
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
  int64_t version = 0;
  auto [end, ec] = std::from_chars(tag.data(), tag.data() + tag.size(), version);
  if (ec != std::errc() || end != tag.data() + tag.size() || tag.empty() || version < 1) {
    return std::nullopt;
  }
  return version;
}

absl::StatusOr<FhirRequest> ParseFhirRequest(const HttpRequest& request,
                                             std::string_view base_path) {
  FhirRequest out;
  out.method = request.method;
  std::string_view path = request.path;
  path.remove_prefix(std::min(path.size(), base_path.size()));
  out.segments = SplitPath(path);
  bool has_format = false;
  for (auto& [name, value] : ParseQueryString(request.query)) {
    if (name == "_format") {
      if (!IsJsonFormat(value)) {
        return HttpError(406, "not-supported",
                         StrCat("_format '", value, "' is not supported; this server speaks JSON"));
      }
      has_format = true;
    } else if (name == "_pretty") {
      out.pretty = value == "true";
    } else {
      out.params.emplace_back(std::move(name), std::move(value));
    }
  }
  // _format overrides Accept (browsers send Accept: text/html).
  if (!has_format && !AcceptAllowsJson(request.Header("accept"))) {
    return HttpError(406, "not-supported",
                     StrCat("Accept '", request.Header("accept"),
                            "' is not supported; this server speaks application/fhir+json"));
  }
  ParsePrefer(request.Header("prefer"), &out);
  if (std::string_view if_match = request.Header("if-match"); !if_match.empty()) {
    out.if_match = ParseVersionTag(if_match);
    if (!out.if_match) {
      return HttpError(400, "invalid", StrCat("malformed If-Match '", if_match,
                                              "'; expected W/\"<versionId>\""));
    }
  }
  out.if_none_exist = std::string(request.Header("if-none-exist"));
  std::string_view content_type = request.Header("content-type");
  out.content_type = Lower(Trim(content_type.substr(0, content_type.find(';'))));
  out.body = request.body;  // a view: the HttpRequest outlives the handling
  return out;
}

absl::StatusOr<std::vector<std::string>> ParseTypeList(std::string_view value) {
  std::vector<std::string> types;
  for (size_t start = 0; start <= value.size();) {
    size_t comma = std::min(value.find(',', start), value.size());
    std::string type(value.substr(start, comma - start));
    if (!fhir::IsResourceType(type)) {
      return HttpError(400, "not-supported", StrCat("_type: unknown resource type '", type, "'"));
    }
    types.push_back(std::move(type));
    start = comma + 1;
  }
  return types;
}

}  // namespace vigil::server
