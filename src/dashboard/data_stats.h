// GET /api/stats: the data page (format in docs/dashboard.md): how many
// resources of each type the store holds (the total a FHIR client gets from
// GET /fhir/[type]?_summary=count, for every R4 resource type; types with none
// are left out), the write rate per minute over the last hour (WriteRate: change
// events since the server started), and the HL7 v2 dead letters waiting.
//
// Errors: the store's. Thread-safety: functions of their arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "dashboard/write_rate.h"
#include "fhir/json.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::dashboard {

struct DeadLetters {
  std::string folder;
  absl::StatusOr<size_t> count = size_t{0};  // an error is shown, not fatal
};

absl::StatusOr<fhir::Json> DataStats(store::Reader& reader, const search::Registry& registry, const WriteRate& rate,
                                     const DeadLetters& dead_letters, int64_t now_ms);

// {"since","perMinute":[{"minute","writes"}],"lastHour","sinceStart"}.
fhir::Json IngestionJson(const WriteRate& rate, int64_t now_ms);

}  // namespace vigil::dashboard
