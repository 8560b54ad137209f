#include "ingest/mqtt/reading_ingest.h"

#include <cstdio>

#include "base/status.h"
#include "base/str.h"
#include "fhir/transaction_response.h"
#include "ingest/mqtt/patient_lookup.h"
#include "ingest/mqtt/reading.h"
#include "ingest/mqtt/to_fhir.h"
#include "search/parse.h"

namespace vigil::mqtt {
namespace {

IngestResult Rejected(std::string reason) {
  IngestResult r;
  r.outcome = Outcome::kRejected;
  r.reason = std::move(reason);
  return r;
}

// Whether the transaction-response says the Observation (entry 1) already
// existed: a conditional create that matched answers "200 OK", not "201".
bool ObservationExisted(const std::vector<fhir::EntryResponse>& responses) {
  return responses.size() >= 2 && responses[1].status.starts_with("200");
}

std::string_view Text(const fhir::Json* parent, std::string_view member) {
  const fhir::Json* m = parent != nullptr ? parent->Find(member) : nullptr;
  return m != nullptr ? std::string_view(m->text()) : std::string_view();
}

// Whether the Observation stored under the reading's identifier says the same
// thing (a redelivery), rather than another value or patient (a conflict).
absl::StatusOr<bool> SameAsStored(store::Reader& reader, const search::Registry& registry,
                                  const DeviceReading& r, const std::string& patient_id) {
  VIGIL_ASSIGN_OR_RETURN(
      search::ParsedSearch parsed,
      search::ParseSearch(registry, "Observation",
                          {{"identifier", TokenValue(kReadingSystem, ReadingKey(r))}}, {}));
  VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, reader.Search(parsed.query));
  if (page.resources.size() != 1) return false;
  VIGIL_ASSIGN_OR_RETURN(fhir::Json obs, fhir::ParseJson(page.resources[0].json));
  const fhir::Json* quantity = obs.Find("valueQuantity");
  return Text(quantity, "value") == r.value && Text(quantity, "unit") == r.unit &&
         Text(obs.Find("subject"), "reference") == StrCat("Patient/", patient_id);
}

}  // namespace

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kStored: return "stored";
    case Outcome::kDuplicate: return "duplicate";
    case Outcome::kRejected: return "rejected";
  }
  return "rejected";
}

ReadingIngest::ReadingIngest(store::Reader& reader, const search::Registry& registry,
                             ReadingIngestOptions options)
    : reader_(reader), registry_(registry), options_(std::move(options)) {}

IngestResult ReadingIngest::Process(const ReceivedMessage& message) const {
  IngestResult result = Store(message);
  KeepIfRejected(message, result);
  return result;
}

IngestResult ReadingIngest::Store(const ReceivedMessage& message) const {
  absl::StatusOr<DeviceReading> reading = ParseReading(message.payload, message.topic_device);
  if (!reading.ok()) return Rejected(std::string(Message(reading.status())));
  absl::StatusOr<PatientContext> patient = FindPatient(reader_, registry_, reading->patient);
  if (!patient.ok()) return Rejected(std::string(Message(patient.status())));
  absl::StatusOr<std::string> applied =
      options_.apply(ReadingBundle(*reading, patient->encounter_id));
  if (!applied.ok()) {
    return Rejected(StrCat("the FHIR transaction failed: ", Message(applied.status())));
  }
  IngestResult result;
  std::vector<fhir::EntryResponse> responses = fhir::ParseEntryResponses(*applied);
  if (!ObservationExisted(responses)) {
    result.written = fhir::Locations(responses);
    return result;
  }
  absl::StatusOr<bool> same = SameAsStored(reader_, registry_, *reading, patient->patient_id);
  if (!same.ok()) return Rejected(StrCat("cannot compare with the stored reading: ", Message(same.status())));
  if (!*same) {
    return Rejected(StrCat("device ", reading->device, " already reported a different ", reading->loinc,
                           " reading (value or patient) at ", reading->time));
  }
  result.outcome = Outcome::kDuplicate;
  return result;
}

void ReadingIngest::KeepIfRejected(const ReceivedMessage& message, IngestResult& result) const {
  if (result.outcome != Outcome::kRejected) return;
  std::string kept = "not kept";
  if (options_.keep) {
    absl::StatusOr<std::string> id = options_.keep(message, result.reason);
    if (id.ok()) {
      result.dead_letter_id = *id;
      kept = StrCat("kept as dead letter ", *id);
    } else {
      kept = StrCat("NOT kept as a dead letter: ", Message(id.status()));
    }
  }
  std::fprintf(stderr, "%s: message on '%s' not stored; %s\n", options_.log_prefix.c_str(),
               std::string(message.topic).c_str(), kept.c_str());
}

}  // namespace vigil::mqtt
