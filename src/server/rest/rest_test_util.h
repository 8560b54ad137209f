// Test helpers for the REST layer: calls into FhirApi::Handle without a socket,
// and small readers for headers and JSON bodies.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/json.h"
#include "server/http/url.h"
#include "server/rest/fhir_api.h"

namespace vigil::server::testing {

inline HttpResponse Call(const FhirApi& api, std::string method, std::string target,
                         std::string body = "",
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest request;
  request.method = std::move(method);
  request.target = target;
  size_t q = target.find('?');
  request.path = PercentDecode(target.substr(0, q), false);
  request.query = q == std::string::npos ? "" : target.substr(q + 1);
  request.body = std::move(body);
  if (!request.body.empty()) request.headers.emplace_back("content-type", "application/fhir+json");
  for (auto& h : headers) request.headers.push_back(std::move(h));
  return api.Handle(request);
}

inline std::string Header(const HttpResponse& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

inline fhir::Json Body(const HttpResponse& r) {
  auto json = fhir::ParseJson(r.body);
  EXPECT_TRUE(json.ok()) << r.body;
  return json.ok() ? *json : fhir::Json();
}

// The text at a path of member names and array indexes; "<missing>" if absent.
inline std::string Text(const fhir::Json& json, std::initializer_list<std::string_view> path) {
  const fhir::Json* node = &json;
  for (std::string_view step : path) {
    if (node->is_array()) {
      size_t index = std::stoul(std::string(step));
      if (index >= node->items().size()) return "<missing>";
      node = &node->items()[index];
    } else {
      node = node->Find(step);
    }
    if (node == nullptr) return "<missing>";
  }
  return node->is_string() || node->is_number() ? node->text() : "<not text>";
}

// "Type/id" of each entry of a Bundle with search.mode == mode ("" = any).
inline std::vector<std::string> EntryKeys(const fhir::Json& bundle, std::string_view mode = "") {
  std::vector<std::string> keys;
  const fhir::Json* entries = bundle.Find("entry");
  if (entries == nullptr) return keys;
  for (const fhir::Json& e : entries->items()) {
    if (!mode.empty() && Text(e, {"search", "mode"}) != mode) continue;
    keys.push_back(Text(e, {"resource", "resourceType"}) + "/" + Text(e, {"resource", "id"}));
  }
  return keys;
}

// The link with relation rel, or "".
inline std::string Link(const fhir::Json& bundle, std::string_view rel) {
  const fhir::Json* links = bundle.Find("link");
  if (links == nullptr) return "";
  for (const fhir::Json& l : links->items()) {
    if (Text(l, {"relation"}) == rel) return Text(l, {"url"});
  }
  return "";
}

}  // namespace vigil::server::testing
