// Change events: one per committed resource version, handed by a Store to its
// change listener right after the transaction that wrote it commits.
//
//   store.SetChangeListener([&bus](std::vector<store::ChangeEvent> events) {
//     bus.Publish(std::move(events));  // enqueue only
//   });
//
// Contract (every Store implementation; checked by store_conformance_test.cc):
//   - Only committed writes produce events: none for a rolled-back or failed
//     transaction, none for a Put that was rejected. PutMeta produces none.
//   - The listener is called once per successful Commit that wrote at least one
//     resource, with that transaction's events in Put order, while the store
//     still holds its writer lock: calls never overlap, and their order is the
//     commit order. The committed data is already visible to store reads.
//   - `sequence` is 1, 2, 3... over every resource version committed through
//     this Store object (it counts writes made while no listener was attached,
//     so a listener attached late sees a first sequence above 1), and over the
//     versions other processes committed to the same data once announced
//     (Store::AnnounceExternalWrites). It is not persisted: a reopened store
//     starts again at 1.
//   - The listener runs on the committing thread and delays every writer while
//     it runs: it must only enqueue, must not throw, and must not use the
//     store's write side (BeginWrite would deadlock).
//
// Thread-safety: ChangeEvent is a plain value; PatientOf is a pure function.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/index.h"

namespace vigil::store {

struct ChangeEvent {
  uint64_t sequence = 0;  // see above
  std::string type;
  std::string id;
  int64_t version = 0;
  bool deleted = false;  // the version is a tombstone
  int64_t time_ms = 0;   // the version's last_updated, ms since the Unix epoch
  // The Patient the resource belongs to (PatientOf); for a delete, the Patient
  // of the version it replaces. "" when none.
  std::string patient_id;
};

// Receives one committed transaction's events. nullptr (an empty function)
// means no listener.
using ChangeListener = std::function<void(std::vector<ChangeEvent> events)>;

// The id of the Patient a resource version belongs to, from its index rows:
//   - a Patient: its own id;
//   - otherwise the target of the first reference row whose param is "patient"
//     and whose target type is Patient (Observation, Encounter, Condition,
//     RiskAssessment, ... index `subject.where(resolve() is Patient)` so);
//   - failing that, the first "subject" row that targets a Patient;
//   - otherwise "" (also for references kept only as an absolute URL).
std::string PatientOf(std::string_view type, std::string_view id, const IndexEntries& index);

}  // namespace vigil::store
