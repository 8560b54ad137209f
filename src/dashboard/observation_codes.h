// The numeric Observation codes of one patient, for the patient page's chart
// list: every (system, code) with a numeric valueQuantity, on the Observation or
// on one of its components, with how many there are and the latest value.
//
// kind: "vital" or "lab" from the signal table (ai/signals.h) for its LOINC
// codes, else from Observation.category (vital-signs -> vital, laboratory ->
// lab), else "other". Sorted by kind (vital, lab, other), then by the signal
// table's order, then by display.
//
// Thread-safety: an ObservationCodes is used by one thread.
#pragma once

#include <climits>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "fhir/json.h"

namespace vigil::dashboard {

class ObservationCodes {
 public:
  // Reads one Observation (entered-in-error and cancelled ones are ignored).
  void Add(const fhir::Json& observation);
  // [{"system","code","display","unit","kind","count","latest":{"time","value"}}]
  fhir::Json ToJson() const;

 private:
  struct Entry {
    std::string display;
    std::string unit;  // of the latest value, as written
    std::string kind;
    int64_t count = 0;
    int64_t latest_ms = INT64_MIN;
    double latest_value = 0;
  };
  void AddValue(const fhir::Json& holder, std::string_view category_kind, std::optional<int64_t> time);

  std::map<std::pair<std::string, std::string>, Entry> entries_;  // (system, code) -> entry
};

}  // namespace vigil::dashboard
