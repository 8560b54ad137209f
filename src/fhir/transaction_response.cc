#include "fhir/transaction_response.h"

#include "fhir/json.h"

namespace vigil::fhir {
namespace {

std::string TextOf(const Json* parent, std::string_view member) {
  const Json* m = parent != nullptr ? parent->Find(member) : nullptr;
  return m != nullptr && m->is_string() ? m->text() : std::string();
}

}  // namespace

std::vector<EntryResponse> ParseEntryResponses(std::string_view text) {
  std::vector<EntryResponse> out;
  absl::StatusOr<Json> bundle = ParseJson(text);
  const Json* entries = bundle.ok() ? bundle->Find("entry") : nullptr;
  if (entries == nullptr || !entries->is_array()) return out;
  for (const Json& entry : entries->items()) {
    const Json* response = entry.Find("response");
    out.push_back(EntryResponse{TextOf(response, "status"), TextOf(response, "location")});
  }
  return out;
}

std::vector<std::string> Locations(const std::vector<EntryResponse>& responses) {
  std::vector<std::string> out;
  for (const EntryResponse& r : responses) {
    if (!r.location.empty()) out.push_back(r.location);
  }
  return out;
}

}  // namespace vigil::fhir
