// Reading a transaction-response (or batch-response) Bundle as returned by
// the REST layer: each entry's response.status and response.location.
//
//   for (const EntryResponse& e : ParseEntryResponses(bundle_json)) ...
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::fhir {

struct EntryResponse {
  std::string status;    // "201 Created"
  std::string location;  // "Patient/p1/_history/2"; "" when the entry has none
};

// In entry order; empty when text is not a Bundle with entries.
std::vector<EntryResponse> ParseEntryResponses(std::string_view text);

// The non-empty locations of responses, in order.
std::vector<std::string> Locations(const std::vector<EntryResponse>& responses);

}  // namespace vigil::fhir
