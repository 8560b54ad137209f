// ReadingIngest against the real transaction path (FhirApi::ApplyTransaction)
// on the in-memory store: what is stored, redeliveries, rejected messages.
#include "ingest/mqtt/reading_ingest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/str.h"
#include "search/parse.h"
#include "search/registry.h"
#include "server/rest/fhir_api.h"
#include "store/memory/memory_store.h"

namespace vigil::mqtt {
namespace {

struct Kept {
  std::string topic, device, payload, reason;
};

std::string HeartRate(std::string_view time, std::string_view patient = "urn:mrn|12345") {
  return StrCat(R"({"patient":")", patient, R"(","name":"heart_rate","value":72,"unit":"bpm","time":")",
                time, R"("})");
}

class ReadingIngestTest : public ::testing::Test {
 protected:
  ReadingIngestTest() : store_(store::NewMemoryStore()) {
    server::FhirApiOptions options;
    options.base_url = "http://test/fhir";
    options.write.new_id = [this] { return "id" + std::to_string(++next_id_); };
    api_ = std::make_unique<server::FhirApi>(*store_, search::Registry::Default(), options);
    ReadingIngestOptions ingest;
    ingest.apply = [this](fhir::Json bundle) { return api_->ApplyTransaction(std::move(bundle), nullptr, {}); };
    ingest.keep = [this](const ReceivedMessage& m, std::string_view reason) -> absl::StatusOr<std::string> {
      kept_.push_back({std::string(m.topic), std::string(m.topic_device), std::string(m.payload),
                       std::string(reason)});
      return "dl" + std::to_string(kept_.size());
    };
    ingest.log_prefix = "test: mqtt";
    ingest_ = std::make_unique<ReadingIngest>(*store_, search::Registry::Default(), ingest);
  }

  // Creates Patient urn:mrn|<mrn> (id p-<mrn>) with `encounters` in-progress Encounters.
  void AddPatient(std::string_view mrn, int encounters) {
    std::string entries = StrCat(
        R"({"resource":{"resourceType":"Patient","id":"p-)", mrn,
        R"(","identifier":[{"system":"urn:mrn","value":")", mrn,
        R"("}]},"request":{"method":"PUT","url":"Patient/p-)", mrn, R"("}})");
    for (int i = 0; i < encounters; ++i) {
      entries += StrCat(R"(,{"resource":{"resourceType":"Encounter","id":"e-)", mrn, "-", i,
                        R"(","status":"in-progress","class":{"code":"IMP"},"subject":{"reference":"Patient/p-)",
                        mrn, R"("}},"request":{"method":"PUT","url":"Encounter/e-)", mrn, "-", i, R"("}})");
    }
    absl::StatusOr<fhir::Json> bundle = fhir::ParseJson(
        StrCat(R"({"resourceType":"Bundle","type":"transaction","entry":[)", entries, "]}"));
    ASSERT_TRUE(bundle.ok()) << bundle.status();
    absl::StatusOr<std::string> applied = api_->ApplyTransaction(*std::move(bundle), nullptr, {});
    ASSERT_TRUE(applied.ok()) << applied.status();
  }

  IngestResult Process(std::string_view payload, std::string_view device = "monitor-7") {
    ReceivedMessage m;
    m.topic = "devices/monitor-7/vitals";
    m.topic_device = device;
    m.payload = payload;
    return ingest_->Process(m);
  }

  std::vector<fhir::Json> All(std::string_view type) {
    auto parsed = search::ParseSearch(search::Registry::Default(), type, {}, search::SearchOptions{});
    EXPECT_TRUE(parsed.ok());
    absl::StatusOr<store::SearchPage> page = store_->Search(parsed->query);
    EXPECT_TRUE(page.ok());
    std::vector<fhir::Json> out;
    if (!page.ok()) return out;
    for (const store::StoredResource& r : page->resources) out.push_back(*fhir::ParseJson(r.json));
    return out;
  }

  int64_t Versions() {
    store::HistoryQuery all;
    all.count = 1;
    return store_->History(all)->total;
  }

  static std::string Ref(const fhir::Json& resource, std::string_view member) {
    const fhir::Json* r = resource.Find(member);
    return r == nullptr ? "" : r->Find("reference")->text();
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<server::FhirApi> api_;
  std::unique_ptr<ReadingIngest> ingest_;
  std::vector<Kept> kept_;
  int next_id_ = 0;
};

TEST_F(ReadingIngestTest, StoresTheReadingWithPatientEncounterAndDevice) {
  AddPatient("12345", 1);
  IngestResult result = Process(HeartRate("2026-05-01T08:15:00Z"));
  EXPECT_EQ(result.outcome, Outcome::kStored);
  EXPECT_EQ(result.reason, "");
  std::vector<fhir::Json> obs = All("Observation");
  std::vector<fhir::Json> devices = All("Device");
  ASSERT_EQ(obs.size(), 1u);
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(Ref(obs[0], "subject"), "Patient/p-12345");
  EXPECT_EQ(Ref(obs[0], "encounter"), "Encounter/e-12345-0");
  EXPECT_EQ(Ref(obs[0], "device"), "Device/" + devices[0].Find("id")->text());
  EXPECT_EQ(fhir::WriteJson(*obs[0].Find("valueQuantity")),
            R"({"value":72,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"})");
  EXPECT_EQ(devices[0].Find("identifier")->items()[0].Find("value")->text(), "monitor-7");
  EXPECT_TRUE(kept_.empty());
}

TEST_F(ReadingIngestTest, RedeliveredMessageStoresNothingTwice) {
  AddPatient("12345", 1);
  ASSERT_EQ(Process(HeartRate("2026-05-01T08:15:00Z")).outcome, Outcome::kStored);
  int64_t versions = Versions();
  EXPECT_EQ(Process(HeartRate("2026-05-01T08:15:00Z")).outcome, Outcome::kDuplicate);
  // The same instant written in another zone is the same reading.
  EXPECT_EQ(Process(HeartRate("2026-05-01T10:15:00+02:00")).outcome, Outcome::kDuplicate);
  EXPECT_EQ(Versions(), versions);
  EXPECT_EQ(All("Observation").size(), 1u);
}

TEST_F(ReadingIngestTest, ConflictingReadingIsRejectedNotDropped) {
  AddPatient("1", 1);
  AddPatient("2", 1);
  ASSERT_EQ(Process(HeartRate("2026-05-01T08:15:00Z", "urn:mrn|1")).outcome, Outcome::kStored);
  // Same device, code and time: another patient, then another value.
  IngestResult other_patient = Process(HeartRate("2026-05-01T08:15:00Z", "urn:mrn|2"));
  EXPECT_EQ(other_patient.outcome, Outcome::kRejected);
  EXPECT_EQ(other_patient.reason,
            "device monitor-7 already reported a different 8867-4 reading (value or patient) at "
            "2026-05-01T08:15:00Z");
  std::string other_value = HeartRate("2026-05-01T08:15:00Z", "urn:mrn|1");
  other_value.replace(other_value.find("72"), 2, "73");
  EXPECT_EQ(Process(other_value).outcome, Outcome::kRejected);
  EXPECT_EQ(kept_.size(), 2u);
  EXPECT_EQ(All("Observation").size(), 1u);
}

TEST_F(ReadingIngestTest, LaterReadingReusesTheDevice) {
  AddPatient("12345", 1);
  ASSERT_EQ(Process(HeartRate("2026-05-01T08:15:00Z")).outcome, Outcome::kStored);
  ASSERT_EQ(Process(HeartRate("2026-05-01T08:16:00Z")).outcome, Outcome::kStored);
  std::vector<fhir::Json> obs = All("Observation");
  ASSERT_EQ(obs.size(), 2u);
  EXPECT_EQ(All("Device").size(), 1u);
  EXPECT_EQ(Ref(obs[0], "device"), Ref(obs[1], "device"));
}

TEST_F(ReadingIngestTest, UnknownPatientIsRejectedAndKeptNotCreated) {
  AddPatient("12345", 1);
  std::string payload = HeartRate("2026-05-01T08:15:00Z", "urn:mrn|999");
  IngestResult result = Process(payload);
  EXPECT_EQ(result.outcome, Outcome::kRejected);
  EXPECT_EQ(result.reason,
            "no Patient has the identifier urn:mrn|999; device readings are only stored for known patients");
  EXPECT_EQ(result.dead_letter_id, "dl1");
  ASSERT_EQ(kept_.size(), 1u);
  EXPECT_EQ(kept_[0].topic, "devices/monitor-7/vitals");
  EXPECT_EQ(kept_[0].device, "monitor-7");
  EXPECT_EQ(kept_[0].payload, payload);
  EXPECT_EQ(kept_[0].reason, result.reason);
  EXPECT_EQ(All("Patient").size(), 1u);
  EXPECT_EQ(All("Observation").size(), 0u);
  EXPECT_EQ(All("Device").size(), 0u);
}

TEST_F(ReadingIngestTest, UnparseablePayloadIsKeptWithTheReason) {
  IngestResult result = Process("not json");
  EXPECT_EQ(result.outcome, Outcome::kRejected);
  EXPECT_TRUE(result.reason.starts_with("the payload is not JSON: ")) << result.reason;
  ASSERT_EQ(kept_.size(), 1u);
  EXPECT_EQ(kept_[0].payload, "not json");
}

TEST_F(ReadingIngestTest, NoEncounterLinkWithoutExactlyOneInProgress) {
  AddPatient("1", 0);
  AddPatient("2", 2);
  ASSERT_EQ(Process(HeartRate("2026-05-01T08:15:00Z", "urn:mrn|1"), "bed-1").outcome, Outcome::kStored);
  ASSERT_EQ(Process(HeartRate("2026-05-01T08:15:00Z", "urn:mrn|2"), "bed-2").outcome, Outcome::kStored);
  std::vector<fhir::Json> obs = All("Observation");
  ASSERT_EQ(obs.size(), 2u);
  EXPECT_EQ(Ref(obs[0], "encounter"), "");
  EXPECT_EQ(Ref(obs[1], "encounter"), "");
}

TEST_F(ReadingIngestTest, RejectedWithoutKeepIsOnlyReported) {
  ReadingIngestOptions options;
  options.apply = [this](fhir::Json bundle) { return api_->ApplyTransaction(std::move(bundle), nullptr, {}); };
  ReadingIngest replay(*store_, search::Registry::Default(), options);
  ReceivedMessage m;
  m.topic = "t";
  m.payload = "{}";
  IngestResult result = replay.Process(m);
  EXPECT_EQ(result.outcome, Outcome::kRejected);
  EXPECT_EQ(result.dead_letter_id, "");
  EXPECT_EQ(result.reason, "no device id: give 'device', or publish on a topic whose filter has a '+' "
                           "for it (devices/+/vitals)");
}

}  // namespace
}  // namespace vigil::mqtt
