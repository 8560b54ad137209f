// Writes Bundle JSON (searchset, history, batch-response...) by splicing the
// stored resource text into the output instead of parsing and re-printing every
// entry: a search page of 50 resources is one string build.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/json.h"

namespace vigil::server {

// The entry members {"search": {"mode": mode}} ("match", "include", "outcome").
fhir::Json SearchModeMember(std::string_view mode);

class BundleWriter {
 public:
  explicit BundleWriter(std::string_view bundle_type);

  void SetTotal(int64_t total) { total_ = total; }
  void AddLink(std::string_view relation, std::string_view url);
  // One entry. resource_json is compact FHIR JSON or empty (no resource);
  // extra holds further entry members (search, request, response) as an object.
  void AddEntry(std::string_view full_url, std::string_view resource_json,
                const fhir::Json& extra = fhir::Json::Object());

  // The Bundle; pretty re-prints it indented (slower; for humans).
  std::string Finish(bool pretty) const;

 private:
  std::string type_;
  std::optional<int64_t> total_;
  std::string links_;    // comma-separated link objects
  std::string entries_;  // comma-separated entry objects
};

}  // namespace vigil::server
