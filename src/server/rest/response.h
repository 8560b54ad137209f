// Building FHIR HTTP responses: content type, ETag, Last-Modified, Location.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/time.h"
#include "fhir/json.h"
#include "server/http/http_server.h"
#include "store/store.h"

namespace vigil::server {

inline constexpr std::string_view kFhirJson = "application/fhir+json; charset=utf-8";

HttpResponse FhirResponse(int status, const fhir::Json& body, bool pretty);
// A body that is already serialized FHIR JSON.
HttpResponse FhirResponse(int status, std::string body);

// ETag W/"<version>", Last-Modified, and (when location is set) Location.
void AddVersionHeaders(const store::StoredResource& resource, std::string_view location,
                       HttpResponse* response);

}  // namespace vigil::server
