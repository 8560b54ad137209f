#include "server/rest/response.h"

#include <ctime>

#include "base/str.h"

namespace vigil::server {

HttpResponse FhirResponse(int status, const fhir::Json& body, bool pretty) {
  return FhirResponse(status, fhir::WriteJson(body, pretty));
}

HttpResponse FhirResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", std::string(kFhirJson));
  response.body = std::move(body);
  return response;
}

void AddVersionHeaders(const store::StoredResource& resource, std::string_view location,
                       HttpResponse* response) {
  response->headers.emplace_back("ETag", StrCat("W/\"", resource.version, "\""));
  response->headers.emplace_back("Last-Modified", FormatHttpDate(resource.last_updated));
  if (!location.empty()) response->headers.emplace_back("Location", std::string(location));
}

}  // namespace vigil::server
