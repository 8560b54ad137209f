// Internal: conversion between Beast messages and the public HttpRequest /
// HttpResponse. Includes Beast, so only the server's own .cc files include it.
#pragma once

// clang-format off
#include <utility>  // before asio: Boost 1.74 asio needs std::exchange under C++20
// clang-format on

#include <boost/beast/http.hpp>
#include <string>

#include "server/http/http_server.h"

namespace vigil::server::http_internal {

namespace bhttp = boost::beast::http;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

// Moves the parsed request into an HttpRequest (path decoded, header names lower-cased).
HttpRequest ToHttpRequest(BeastRequest&& request, std::string remote_address);

struct ResponseShape {
  unsigned version = 11;   // the request's HTTP version, 10 or 11
  bool head = false;       // HEAD: body dropped, Content-Length kept
  bool keep_alive = true;  // false: "Connection: close" (1.1) / no keep-alive (1.0)
};

// Builds the wire response. Sets *handler_asked_close when the response carried
// "Connection: close" (the caller then closes; shape.keep_alive should be false
// too, and is forced to false here).
BeastResponse ToBeastResponse(HttpResponse&& response, ResponseShape shape,
                              bool* handler_asked_close);

}  // namespace vigil::server::http_internal
