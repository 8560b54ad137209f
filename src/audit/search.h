// Searching the audit log (GET /fhir/AuditEvent): a scan of the log's event
// records, newest first, filtered by a few R4 AuditEvent search parameters.
//
//   AuditQuery q;
//   q.patient = "Patient/p1";
//   absl::StatusOr<std::vector<FoundEvent>> found = SearchAuditLog(path, q);
//
// Parameters (R4 AuditEvent search), all ANDed:
//   date      recorded, with prefixes eq (default), ne, gt, ge, lt, le on an
//             instant or a date (a date covers its whole day)
//   patient   agent.who or entity.what referencing that Patient ("Patient/x" or "x")
//   entity    entity.what.reference equal to the value ("Observation/1")
//   agent     agent.who.reference equal to the value
//   type, subtype, action, outcome   the code (type.code, subtype[].code, action, outcome)
// An event's id is its index in the log, so a read is GetAuditEvent(path, index).
//
// The log is only appended to while the server runs; a scan sees the records
// complete when it started reading (a record being written is not read).
// Cost: one pass over the log per search.
//
// Errors: InvalidArgument for a malformed value (the message names it); the
// log's I/O errors. A missing log is an empty result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"

namespace vigil::audit {

struct AuditQuery {
  struct DateBound {
    std::string prefix;  // eq ne gt ge lt le
    int64_t low_ms = 0, high_ms = 0;  // the value's range [low, high]
  };
  std::vector<DateBound> dates;
  std::string patient, entity, agent, type, subtype, action, outcome;
  size_t count = 50;  // newest first
};

struct FoundEvent {
  uint64_t index = 0;  // the record's position in the log: the event's id
  fhir::Json event;    // with "id" set
};

// One date parameter value ("ge2026-11-30", "2026-11-30T08:00:00Z") -> bound.
absl::StatusOr<AuditQuery::DateBound> ParseDateBound(std::string_view value);

absl::StatusOr<std::vector<FoundEvent>> SearchAuditLog(const std::string& log_path,
                                                       const AuditQuery& query);
// The event at index; nullopt when there is none (or it is a checkpoint).
absl::StatusOr<std::optional<FoundEvent>> GetAuditEvent(const std::string& log_path,
                                                        uint64_t index);

}  // namespace vigil::audit
