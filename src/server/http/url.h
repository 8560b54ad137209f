// URL helpers for the HTTP edge: percent-decoding of paths and query strings,
// and percent-encoding for building links (Bundle.link, Location headers).
//
//   PercentDecode("/fhir/Patient/a%2Fb", false)   -> "/fhir/Patient/a/b"
//   ParseQueryString("name=J%C3%B6rg&_count=10")   -> {{"name", "Jörg"}, {"_count", "10"}}
//   PercentEncode("a b/c")                          -> "a%20b%2Fc"
//
// All functions are pure and thread-safe. They work on bytes: decoding does not
// validate UTF-8 (the FHIR layer does that where it matters).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::server {

// Replaces each "%XY" (X, Y hex digits, either case) with the byte 0xXY. A '%' not
// followed by two hex digits is kept verbatim. With plus_as_space, '+' becomes ' '
// (query strings, per application/x-www-form-urlencoded); paths keep '+'.
std::string PercentDecode(std::string_view s, bool plus_as_space);

// Splits a raw query string ("a=1&b=2") on '&' and each part at its first '=',
// decoding names and values with PercentDecode(plus_as_space = true). Empty parts
// ("a=1&&b=2") are skipped; a part without '=' gets an empty value. Order and
// repeated names are preserved (FHIR search gives repeats an AND meaning).
std::vector<std::pair<std::string, std::string>> ParseQueryString(std::string_view query);

// Encodes every byte except the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~) as
// "%XY" with upper-case hex. Safe for a path segment or a query name or value.
std::string PercentEncode(std::string_view s);

// The non-empty segments of a decoded path: "/fhir/Patient/1" -> {"fhir",
// "Patient", "1"}. Views into path.
std::vector<std::string_view> PathSegments(std::string_view path);

}  // namespace vigil::server
