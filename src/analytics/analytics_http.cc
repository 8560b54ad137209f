#include "analytics/analytics_http.h"

#include <algorithm>
#include <charconv>

#include "analytics/view_run.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "server/http/url.h"
#include "server/rest/outcome.h"
#include "server/rest/response.h"

namespace vigil::analytics {
namespace {

constexpr std::string_view kRun = "$run";

absl::Status MethodNotAllowed(const server::HttpRequest& request) {
  return HttpError(405, "not-supported",
                   StrCat(request.method, " is not supported on ", request.path));
}

server::HttpResponse Answer(absl::StatusOr<server::HttpResponse> response) {
  if (response.ok()) return *std::move(response);
  return server::ErrorResponse(response.status());
}

// The segments after kViewsPath: "" -> {}, "/a/$run" -> {"a", "$run"}.
std::vector<std::string> Segments(std::string_view path) {
  path.remove_prefix(std::min(path.size(), kViewsPath.size()));
  std::vector<std::string> out;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    size_t end = std::min(path.find('/'), path.size());
    out.emplace_back(path.substr(0, end));
    path.remove_prefix(end);
  }
  return out;
}

absl::StatusOr<std::optional<bool>> MaterializeParam(std::string_view query) {
  std::optional<bool> materialize;
  for (const auto& [name, value] : server::ParseQueryString(query)) {
    if (name != "materialize") {
      return HttpError(400, "not-supported", StrCat("unknown parameter '", name, "' on PUT"));
    }
    if (value != "true" && value != "false") {
      return HttpError(400, "invalid", "materialize must be true or false");
    }
    materialize = value == "true";
  }
  return materialize;
}

server::HttpResponse ViewResponse(int status, const StoredView& view, std::string_view location) {
  server::HttpResponse response = server::FhirResponse(status, view.json);
  response.headers.emplace_back("ETag", StrCat("W/\"", view.version, "\""));
  response.headers.emplace_back("Last-Modified", FormatHttpDate(view.updated_ms));
  if (!location.empty()) response.headers.emplace_back("Location", std::string(location));
  return response;
}

// $run's parameters: the query string, plus a Parameters body on POST.
absl::StatusOr<RunParams> RunParamsOf(const server::HttpRequest& request) {
  VIGIL_ASSIGN_OR_RETURN(RunParams params, ParseRunQuery(server::ParseQueryString(request.query)));
  if (request.method != "POST" || request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return params;
  }
  if (!request.query.empty()) {
    return HttpError(400, "invalid",
                     "$run: give the parameters in the URL or in the body, not both");
  }
  absl::StatusOr<fhir::Json> body = fhir::ParseJson(request.body);
  if (!body.ok()) {
    return HttpError(400, "structure", StrCat("the body is not JSON: ", Message(body.status())));
  }
  return ParseRunParameters(*body);
}

}  // namespace

server::HttpResponse AnalyticsHttp::HandleViews(const server::HttpRequest& request) const {
  return Answer(Views(request));
}

absl::StatusOr<server::HttpResponse> AnalyticsHttp::Views(
    const server::HttpRequest& request) const {
  std::vector<std::string> segments = Segments(request.path);
  if (segments.empty()) {
    if (request.method != "GET") return MethodNotAllowed(request);
    return List();
  }
  if (segments.size() == 1 && segments[0] == kRun) {
    if (request.method != "GET" && request.method != "POST") return MethodNotAllowed(request);
    return RunView(request, "");
  }
  if (segments.size() == 1) return Instance(request, segments[0]);
  if (segments.size() == 2 && segments[1] == kRun) {
    if (request.method != "GET" && request.method != "POST") return MethodNotAllowed(request);
    return RunView(request, segments[0]);
  }
  return HttpError(404, "not-found", StrCat("no analytics route for ", request.path));
}

absl::StatusOr<server::HttpResponse> AnalyticsHttp::Instance(const server::HttpRequest& request,
                                                             const std::string& id) const {
  if (request.method == "PUT") return Put(request, id);
  if (request.method == "GET" || request.method == "HEAD") {
    VIGIL_ASSIGN_OR_RETURN(std::optional<StoredView> view, service_.GetView(id));
    if (!view) return HttpError(404, "not-found", StrCat("ViewDefinition/", id, " is not known"));
    return ViewResponse(200, *view, "");
  }
  if (request.method == "DELETE") {
    VIGIL_ASSIGN_OR_RETURN(bool deleted, service_.DeleteView(id));
    if (!deleted)
      return HttpError(404, "not-found", StrCat("ViewDefinition/", id, " is not known"));
    server::HttpResponse response;
    response.status = 204;
    return response;
  }
  return MethodNotAllowed(request);
}

absl::StatusOr<server::HttpResponse> AnalyticsHttp::Put(const server::HttpRequest& request,
                                                        const std::string& id) const {
  VIGIL_ASSIGN_OR_RETURN(std::optional<bool> materialize, MaterializeParam(request.query));
  VIGIL_ASSIGN_OR_RETURN(PutViewResult put, service_.PutView(id, request.body, materialize));
  std::string location = StrCat(base_url_, "/ViewDefinition/", id, "/_history/", put.view.version);
  return ViewResponse(put.created ? 201 : 200, put.view, location);
}

absl::StatusOr<server::HttpResponse> AnalyticsHttp::List() const {
  VIGIL_ASSIGN_OR_RETURN(std::vector<StoredView> views, service_.ListViews());
  fhir::Json bundle = fhir::Json::Object();
  bundle.Set("resourceType", fhir::Json::String("Bundle"));
  bundle.Set("type", fhir::Json::String("searchset"));
  bundle.Set("total", fhir::Json::Number(std::to_string(views.size())));
  fhir::Json self = fhir::Json::Object();
  self.Set("relation", fhir::Json::String("self"));
  self.Set("url", fhir::Json::String(StrCat(base_url_, "/ViewDefinition")));
  bundle.Set("link", fhir::Json::Array()).Push(std::move(self));
  fhir::Json& entries = bundle.Set("entry", fhir::Json::Array());
  for (const StoredView& view : views) {
    VIGIL_ASSIGN_OR_RETURN(fhir::Json resource, fhir::ParseJson(view.json));
    fhir::Json entry = fhir::Json::Object();
    entry.Set("fullUrl", fhir::Json::String(StrCat(base_url_, "/ViewDefinition/", view.id)));
    entry.Set("resource", std::move(resource));
    fhir::Json search = fhir::Json::Object();
    search.Set("mode", fhir::Json::String("match"));
    entry.Set("search", std::move(search));
    entries.Push(std::move(entry));
  }
  return server::FhirResponse(200, bundle, false);
}

absl::StatusOr<server::HttpResponse> AnalyticsHttp::RunView(const server::HttpRequest& request,
                                                            const std::string& id) const {
  VIGIL_ASSIGN_OR_RETURN(RunParams params, RunParamsOf(request));
  VIGIL_ASSIGN_OR_RETURN(RunOutput output, service_.Run(id, params, request.Header("accept")));
  server::HttpResponse response;
  response.headers.emplace_back("Content-Type", ContentTypeOf(output.format));
  response.body = std::move(output.body);
  return response;
}

}  // namespace vigil::analytics
