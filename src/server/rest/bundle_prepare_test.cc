// A transaction Bundle indexes its resources before its store transaction,
// from ids and references resolved against the committed store
// (BundleProcessor::PrepareIndexes). When another writer commits in between
// and the transaction resolves differently, the rows written must be those of
// what is written, not of the guess.
#include <gtest/gtest.h>

#include <functional>

#include "search/registry.h"
#include "server/rest/fhir_api.h"
#include "server/rest/rest_test_util.h"
#include "store/memory/memory_store.h"

namespace vigil::server {
namespace {

using testing::Body;
using testing::EntryKeys;
using testing::Text;

// The in-memory store, with a hook that runs once right before the next
// write transaction begins: another client's commit landing between a
// Bundle's preparation and its transaction.
class RacingStore : public store::Store {
 public:
  RacingStore() : inner_(store::NewMemoryStore()) {}
  std::function<void()> before_next_write;

  absl::StatusOr<std::unique_ptr<store::WriteTxn>> BeginWrite() override {
    if (auto race = std::exchange(before_next_write, nullptr)) race();
    return inner_->BeginWrite();
  }
  absl::StatusOr<std::optional<store::StoredResource>> Read(std::string_view type,
                                                            std::string_view id) override {
    return inner_->Read(type, id);
  }
  absl::StatusOr<std::optional<store::StoredResource>> ReadVersion(std::string_view type,
                                                                   std::string_view id,
                                                                   int64_t version) override {
    return inner_->ReadVersion(type, id, version);
  }
  // Searches outside a write transaction: the preparation's.
  absl::StatusOr<store::SearchPage> Search(const store::Query& query) override {
    ++searches;
    return inner_->Search(query);
  }
  int searches = 0;
  absl::StatusOr<std::vector<store::ResourceKey>> References(
      const std::vector<store::ResourceKey>& sources, std::string_view param) override {
    return inner_->References(sources, param);
  }
  absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override {
    return inner_->GetMeta(key);
  }
  absl::StatusOr<store::HistoryPage> History(const store::HistoryQuery& query) override {
    return inner_->History(query);
  }
  absl::StatusOr<std::vector<store::StoredResource>> Scan(const store::ScanQuery& query) override {
    return inner_->Scan(query);
  }
  void SetChangeListener(store::ChangeListener listener) override {
    inner_->SetChangeListener(std::move(listener));
  }

 private:
  std::unique_ptr<store::Store> inner_;
};

constexpr char kPatient[] =
    R"({"resourceType":"Patient","identifier":[{"system":"urn:mrn","value":"42"}]})";

constexpr char kBundle[] = R"({"resourceType":"Bundle","type":"transaction","entry":[
  {"fullUrl":"urn:uuid:p","request":{"method":"PUT","url":"Patient?identifier=urn:mrn|42"},
   "resource":{"resourceType":"Patient","identifier":[{"system":"urn:mrn","value":"42"}]}},
  {"request":{"method":"POST","url":"Observation"},
   "resource":{"resourceType":"Observation","status":"final",
     "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
     "subject":{"reference":"urn:uuid:p"}}}]})";

class BundlePrepareTest : public ::testing::Test {
 protected:
  BundlePrepareTest() {
    FhirApiOptions options;
    options.base_url = "http://test/fhir";
    options.write.new_id = [this] { return "id" + std::to_string(++next_id_); };
    api_ = std::make_unique<FhirApi>(store_, search::Registry::Default(), options);
  }

  HttpResponse Call(std::string method, std::string target, std::string body = "") {
    return testing::Call(*api_, std::move(method), std::move(target), std::move(body));
  }

  int next_id_ = 0;
  RacingStore store_;
  std::unique_ptr<FhirApi> api_;
};

TEST_F(BundlePrepareTest, WithoutARaceTheGuessIsWhatIsWritten) {
  HttpResponse r = Call("POST", "/fhir", kBundle);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string patient = Text(Body(r), {"entry", "0", "response", "location"});
  patient = patient.substr(0, patient.find("/_history"));
  EXPECT_EQ(EntryKeys(Body(Call("GET", "/fhir/Observation?subject=" + patient))).size(), 1u);
  EXPECT_EQ(EntryKeys(Body(Call("GET", "/fhir/Observation?code=8867-4"))).size(), 1u);
}

TEST_F(BundlePrepareTest, AConditionalUpdateThatMatchesOnlyInTheTransactionIndexesTheMatch) {
  std::string raced;
  store_.before_next_write = [&] {
    HttpResponse created = Call("PUT", "/fhir/Patient?identifier=urn:mrn|42", kPatient);
    ASSERT_EQ(created.status, 201) << created.body;
    raced = Text(Body(created), {"id"});
  };
  HttpResponse r = Call("POST", "/fhir", kBundle);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_FALSE(raced.empty());
  // The transaction updated the Patient the other client created...
  EXPECT_EQ(Text(Body(r), {"entry", "0", "response", "location"}),
            "Patient/" + raced + "/_history/2");
  EXPECT_EQ(EntryKeys(Body(Call("GET", "/fhir/Patient?identifier=urn:mrn|42"))),
            std::vector<std::string>{"Patient/" + raced});
  // ...and the Observation's rows point at it, not at the id guessed before.
  fhir::Json found = Body(Call("GET", "/fhir/Observation?subject=Patient/" + raced));
  ASSERT_EQ(EntryKeys(found).size(), 1u);
  EXPECT_EQ(Text(found, {"entry", "0", "resource", "subject", "reference"}), "Patient/" + raced);
  EXPECT_TRUE(EntryKeys(Body(Call("GET", "/fhir/Observation?subject=Patient/id1"))).empty());
}

// A transaction that updates one Patient by a new identifier each time
// (urn:mrn|<mrn>) and creates an Observation about it.
std::string NewPatientBundle(const std::string& mrn) {
  return R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"fullUrl":"urn:uuid:p","request":{"method":"PUT","url":"Patient?identifier=urn:mrn|)" +
         mrn + R"("},
     "resource":{"resourceType":"Patient","identifier":[{"system":"urn:mrn","value":")" +
         mrn +
         R"("}]}},
    {"request":{"method":"POST","url":"Observation"},
     "resource":{"resourceType":"Observation","status":"final",
       "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
       "subject":{"reference":"urn:uuid:p"}}}]})";
}

TEST_F(BundlePrepareTest, ConditionalUpdatesThatNeverMatchAreNoLongerSearchedBeforehand) {
  int searched_at = 0;
  for (int i = 0; i < 20; ++i) {
    store_.searches = 0;
    ASSERT_EQ(Call("POST", "/fhir", NewPatientBundle("new-" + std::to_string(i))).status, 200);
    if (store_.searches > 0) searched_at = i;
  }
  // The first 16 were searched for before their transactions (ConditionalMatchRates).
  EXPECT_EQ(searched_at, 15);
}

TEST_F(BundlePrepareTest, AnUpdateMatchingWhenTheTypeWasNotSearchedIndexesTheMatch) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(Call("POST", "/fhir", NewPatientBundle("new-" + std::to_string(i))).status, 200);
  }
  store_.searches = 0;
  HttpResponse r = Call("POST", "/fhir", NewPatientBundle("new-3"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(store_.searches, 0);  // prepared under a new id
  // The transaction updated the existing Patient, and the new Observation's
  // rows point at it.
  std::vector<std::string> patient =
      EntryKeys(Body(Call("GET", "/fhir/Patient?identifier=urn:mrn|new-3")));
  ASSERT_EQ(patient.size(), 1u);
  EXPECT_EQ(Text(Body(r), {"entry", "0", "response", "location"}), patient[0] + "/_history/2");
  EXPECT_EQ(EntryKeys(Body(Call("GET", "/fhir/Observation?subject=" + patient[0]))).size(), 2u);
  // That match makes Patient updates searched for again.
  store_.searches = 0;
  ASSERT_EQ(Call("POST", "/fhir", NewPatientBundle("new-30")).status, 200);
  EXPECT_GT(store_.searches, 0);
}

}  // namespace
}  // namespace vigil::server
