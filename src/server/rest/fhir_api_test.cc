// The FHIR REST interactions through FhirApi::Handle, on the in-memory store:
// statuses, headers and bodies as the FHIR R4 http page specifies them.
#include "server/rest/fhir_api.h"

#include <gtest/gtest.h>

#include "search/registry.h"
#include "server/rest/rest_test_util.h"
#include "store/memory/memory_store.h"

namespace vigil::server {
namespace {

using testing::Body;
using testing::Header;
using testing::Text;

class FhirApiTest : public ::testing::Test {
 protected:
  FhirApiTest() : store_(store::NewMemoryStore()) {
    FhirApiOptions options;
    options.base_url = "http://test/fhir";
    options.write.now_ms = [this] { return now_ += 1000; };
    options.write.new_id = [this] { return "id" + std::to_string(++next_id_); };
    api_ = std::make_unique<FhirApi>(*store_, search::Registry::Default(), options);
  }

  HttpResponse Call(std::string method, std::string target, std::string body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    return testing::Call(*api_, std::move(method), std::move(target), std::move(body),
                         std::move(headers));
  }

  int64_t now_ = 1'700'000'000'000;
  int next_id_ = 0;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<FhirApi> api_;
};

constexpr char kPatient[] =
    R"({"resourceType":"Patient","identifier":[{"system":"http://mrn","value":"123"}],)"
    R"("name":[{"family":"Chalmers","given":["Peter"]}],"gender":"male","birthDate":"1974-12-25"})";

TEST_F(FhirApiTest, CreateAssignsIdVersionAndLocation) {
  HttpResponse r = Call("POST", "/fhir/Patient", kPatient);
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Header(r, "Location"), "http://test/fhir/Patient/id1/_history/1");
  EXPECT_EQ(Header(r, "ETag"), "W/\"1\"");
  EXPECT_FALSE(Header(r, "Last-Modified").empty());
  fhir::Json body = Body(r);
  EXPECT_EQ(Text(body, {"id"}), "id1");
  EXPECT_EQ(Text(body, {"meta", "versionId"}), "1");
  EXPECT_EQ(Text(body, {"meta", "lastUpdated"}), "2023-11-14T22:13:21.000Z");
}

TEST_F(FhirApiTest, ReadVreadUpdateAndHistory) {
  Call("POST", "/fhir/Patient", kPatient);
  std::string updated = R"({"resourceType":"Patient","id":"id1","gender":"female"})";
  HttpResponse u = Call("PUT", "/fhir/Patient/id1", updated);
  EXPECT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(Header(u, "ETag"), "W/\"2\"");
  HttpResponse read = Call("GET", "/fhir/Patient/id1");
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(Text(Body(read), {"gender"}), "female");
  HttpResponse v1 = Call("GET", "/fhir/Patient/id1/_history/1");
  EXPECT_EQ(Text(Body(v1), {"gender"}), "male");
  HttpResponse history = Call("GET", "/fhir/Patient/id1/_history");
  fhir::Json bundle = Body(history);
  EXPECT_EQ(Text(bundle, {"type"}), "history");
  EXPECT_EQ(Text(bundle, {"total"}), "2");
  EXPECT_EQ(Text(bundle, {"entry", "0", "resource", "meta", "versionId"}), "2");
  EXPECT_EQ(Text(bundle, {"entry", "1", "request", "method"}), "POST");
  EXPECT_EQ(Call("GET", "/fhir/Patient/id1/_history/3").status, 404);
  EXPECT_EQ(Call("GET", "/fhir/Patient/nope").status, 404);
}

TEST_F(FhirApiTest, UpdateAsCreateReturns201) {
  HttpResponse r = Call("PUT", "/fhir/Patient/abc", R"({"resourceType":"Patient","id":"abc"})");
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Header(r, "Location"), "http://test/fhir/Patient/abc/_history/1");
}

TEST_F(FhirApiTest, UpdateWithStaleIfMatchReturns412) {
  Call("PUT", "/fhir/Patient/a", R"({"resourceType":"Patient","id":"a"})");
  Call("PUT", "/fhir/Patient/a", R"({"resourceType":"Patient","id":"a"})");
  HttpResponse stale = Call("PUT", "/fhir/Patient/a", R"({"resourceType":"Patient","id":"a"})",
                            {{"if-match", "W/\"1\""}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(Text(Body(stale), {"resourceType"}), "OperationOutcome");
  HttpResponse fresh = Call("PUT", "/fhir/Patient/a", R"({"resourceType":"Patient","id":"a"})",
                            {{"if-match", "W/\"2\""}});
  EXPECT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(Call("PUT", "/fhir/Patient/a", R"({"resourceType":"Patient","id":"a"})",
                 {{"if-match", "garbage"}}).status, 400);
}

TEST_F(FhirApiTest, JsonPatchMakesANewVersion) {
  Call("PUT", "/fhir/Patient/a", R"({"resourceType":"Patient","id":"a","active":true})");
  auto patch = [&](std::string body, std::string type = "application/json-patch+json") {
    HttpRequest r;
    r.method = "PATCH";
    r.path = "/fhir/Patient/a";
    r.body = std::move(body);
    r.headers.emplace_back("content-type", type);
    return api_->Handle(r);
  };
  HttpResponse ok = patch(R"([{"op":"replace","path":"/active","value":false}])");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Header(ok, "ETag"), "W/\"2\"");
  EXPECT_EQ(Body(Call("GET", "/fhir/Patient/a")).Find("active")->bool_value(), false);
  EXPECT_EQ(patch(R"([{"op":"test","path":"/active","value":true}])").status, 409);
  EXPECT_EQ(patch(R"([{"op":"remove","path":"/nope"}])").status, 422);
  EXPECT_EQ(patch(R"([{"op":"add","path":"/fmaily","value":"x"}])").status, 422);
  EXPECT_EQ(patch(R"([{"op":"replace","path":"/id","value":"b"}])").status, 400);
  EXPECT_EQ(patch("[]", "application/fhir+json").status, 415);
}

TEST_F(FhirApiTest, DeleteLeavesTombstoneAndReadIsGone) {
  Call("PUT", "/fhir/Patient/a", R"({"resourceType":"Patient","id":"a"})");
  EXPECT_EQ(Call("DELETE", "/fhir/Patient/a").status, 204);
  HttpResponse gone = Call("GET", "/fhir/Patient/a");
  EXPECT_EQ(gone.status, 410);
  EXPECT_EQ(Text(Body(gone), {"issue", "0", "code"}), "deleted");
  EXPECT_EQ(Call("DELETE", "/fhir/Patient/a").status, 204);  // idempotent
  EXPECT_EQ(Text(Body(Call("GET", "/fhir/Patient/a/_history")), {"total"}), "2");
  // Re-creating after a delete continues the version numbers.
  HttpResponse again = Call("PUT", "/fhir/Patient/a", R"({"resourceType":"Patient","id":"a"})");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(Header(again, "ETag"), "W/\"3\"");
}

TEST_F(FhirApiTest, PreferReturnMinimalAndOperationOutcome) {
  HttpResponse minimal = Call("POST", "/fhir/Patient", kPatient, {{"prefer", "return=minimal"}});
  EXPECT_EQ(minimal.status, 201);
  EXPECT_TRUE(minimal.body.empty());
  HttpResponse outcome =
      Call("POST", "/fhir/Patient", kPatient, {{"prefer", "return=OperationOutcome"}});
  EXPECT_EQ(Text(Body(outcome), {"resourceType"}), "OperationOutcome");
}

TEST_F(FhirApiTest, ConditionalCreateFindsExisting) {
  Call("POST", "/fhir/Patient", kPatient);
  HttpResponse again =
      Call("POST", "/fhir/Patient", kPatient, {{"if-none-exist", "identifier=http://mrn|123"}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Text(Body(again), {"id"}), "id1");
  HttpResponse fresh =
      Call("POST", "/fhir/Patient", kPatient, {{"if-none-exist", "identifier=http://mrn|999"}});
  EXPECT_EQ(fresh.status, 201);
  HttpResponse two =
      Call("POST", "/fhir/Patient", kPatient, {{"if-none-exist", "identifier=http://mrn|123"}});
  EXPECT_EQ(two.status, 412) << two.body;
  HttpResponse unknown =
      Call("POST", "/fhir/Patient", kPatient, {{"if-none-exist", "nonsense=1"}});
  EXPECT_EQ(unknown.status, 400) << unknown.body;
}

TEST_F(FhirApiTest, ConditionalUpdateAndDelete) {
  Call("POST", "/fhir/Patient", kPatient);
  HttpResponse u = Call("PUT", "/fhir/Patient?identifier=http://mrn|123",
                        R"({"resourceType":"Patient","gender":"other",)"
                        R"("identifier":[{"system":"http://mrn","value":"123"}]})");
  EXPECT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(Text(Body(Call("GET", "/fhir/Patient/id1")), {"gender"}), "other");
  HttpResponse created = Call("PUT", "/fhir/Patient?identifier=http://mrn|777",
                              R"({"resourceType":"Patient","gender":"other"})");
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Call("DELETE", "/fhir/Patient?identifier=http://mrn|123").status, 204);
  EXPECT_EQ(Call("GET", "/fhir/Patient/id1").status, 410);
}

TEST_F(FhirApiTest, BadInputGetsOperationOutcomes) {
  auto code = [&](const HttpResponse& r) { return Text(Body(r), {"resourceType"}); };
  HttpResponse malformed = Call("POST", "/fhir/Patient", R"({"resourceType":"Patient",)");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(code(malformed), "OperationOutcome");
  EXPECT_EQ(Call("POST", "/fhir/Patient", R"({"resourceType":"Observation","status":"final"})").status, 400);
  EXPECT_EQ(Call("GET", "/fhir/Nonsense/1").status, 404);
  EXPECT_EQ(Call("GET", "/fhir/Observation/$lastn").status, 501);  // an operation, not an id
  EXPECT_EQ(Call("GET", "/fhir/Patient/$everything").status, 501);
  EXPECT_EQ(Call("PATCH", "/fhir/metadata").status, 405);
  EXPECT_EQ(Call("POST", "/fhir/Patient", R"({"resourceType":"Patient","fmaily":"x"})").status, 422);
  EXPECT_EQ(Call("PUT", "/fhir/Patient/a", R"({"resourceType":"Patient","id":"b"})").status, 400);
  HttpRequest xml;
  xml.method = "POST";
  xml.path = "/fhir/Patient";
  xml.body = "<Patient/>";
  xml.headers.emplace_back("content-type", "application/fhir+xml");
  EXPECT_EQ(api_->Handle(xml).status, 415);
  EXPECT_EQ(Call("GET", "/fhir/Patient?_format=xml").status, 406);
  EXPECT_EQ(Call("GET", "/fhir/Patient?birthdate=notadate").status, 400);
}

TEST_F(FhirApiTest, InvalidResourceGets422WithEveryIssue) {
  HttpResponse r = Call("POST", "/fhir/Patient",
                        R"({"resourceType":"Patient","gender":"F","birthDate":"1970-13-01"})");
  ASSERT_EQ(r.status, 422) << r.body;
  fhir::Json outcome = Body(r);
  ASSERT_EQ(outcome.Find("issue")->items().size(), 2u) << r.body;
  EXPECT_EQ(Text(outcome, {"issue", "0", "severity"}), "error");
  EXPECT_EQ(Text(outcome, {"issue", "0", "code"}), "value");
  EXPECT_EQ(Text(outcome, {"issue", "0", "expression", "0"}), "Patient.gender");
  EXPECT_EQ(Text(outcome, {"issue", "1", "code"}), "value");
  EXPECT_EQ(Text(outcome, {"issue", "1", "expression", "0"}), "Patient.birthDate");
  EXPECT_NE(Text(outcome, {"issue", "1", "diagnostics"}).find("date"), std::string::npos);
  EXPECT_EQ(Call("GET", "/fhir/Patient").body.find("\"Patient\","), std::string::npos);
}

TEST_F(FhirApiTest, InvalidBatchEntryKeepsItsIssues) {
  std::string bundle = R"({"resourceType":"Bundle","type":"batch","entry":[
    {"resource":{"resourceType":"Observation","status":"done"},"request":{"method":"POST","url":"Observation"}}]})";
  HttpResponse r = Call("POST", "/fhir", bundle);
  ASSERT_EQ(r.status, 422) << r.body;
  fhir::Json outcome = Body(r);
  ASSERT_EQ(outcome.Find("issue")->items().size(), 2u) << r.body;
  EXPECT_EQ(Text(outcome, {"issue", "0", "expression", "0"}), "Bundle.entry[0].resource.status");
  EXPECT_EQ(Text(outcome, {"issue", "1", "code"}), "required");
  EXPECT_EQ(Text(outcome, {"issue", "1", "expression", "0"}), "Bundle.entry[0].resource.code");
}

TEST_F(FhirApiTest, SearchBundleWithPagingAndTotal) {
  for (int i = 0; i < 5; ++i) Call("POST", "/fhir/Patient", kPatient);
  HttpResponse r = Call("GET", "/fhir/Patient?family=chal&_count=2");
  ASSERT_EQ(r.status, 200) << r.body;
  fhir::Json bundle = Body(r);
  EXPECT_EQ(Text(bundle, {"type"}), "searchset");
  EXPECT_EQ(Text(bundle, {"total"}), "5");
  EXPECT_EQ(bundle.Find("entry")->items().size(), 2u);
  EXPECT_EQ(Text(bundle, {"entry", "0", "search", "mode"}), "match");
  EXPECT_EQ(Text(bundle, {"link", "1", "relation"}), "next");
  HttpResponse count = Call("GET", "/fhir/Patient?_summary=count");
  EXPECT_EQ(Text(Body(count), {"total"}), "5");
  EXPECT_EQ(Body(count).Find("entry"), nullptr);
}

TEST_F(FhirApiTest, UnknownSearchParameterIsWarnedOrRejected) {
  Call("POST", "/fhir/Patient", kPatient);
  fhir::Json lenient = Body(Call("GET", "/fhir/Patient?foo=bar"));
  EXPECT_EQ(Text(lenient, {"total"}), "1");
  EXPECT_EQ(Text(lenient, {"entry", "1", "search", "mode"}), "outcome");
  EXPECT_EQ(Call("GET", "/fhir/Patient?foo=bar", "", {{"prefer", "handling=strict"}}).status, 400);
}

TEST_F(FhirApiTest, TransactionRewritesUrnUuidReferences) {
  std::string bundle = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"fullUrl":"urn:uuid:0001","resource":{"resourceType":"Observation","status":"final",
      "code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}]},
      "subject":{"reference":"urn:uuid:0002"}},
     "request":{"method":"POST","url":"Observation"}},
    {"fullUrl":"urn:uuid:0002","resource":{"resourceType":"Patient","name":[{"family":"Tx"}]},
     "request":{"method":"POST","url":"Patient"}}]})";
  HttpResponse r = Call("POST", "/fhir", bundle);
  ASSERT_EQ(r.status, 200) << r.body;
  fhir::Json response = Body(r);
  EXPECT_EQ(Text(response, {"type"}), "transaction-response");
  EXPECT_EQ(Text(response, {"entry", "0", "response", "status"}), "201 Created");
  std::string location = Text(response, {"entry", "1", "response", "location"});
  std::string patient = location.substr(0, location.find("/_history"));
  fhir::Json found = Body(Call("GET", "/fhir/Observation?subject=" + patient));
  EXPECT_EQ(Text(found, {"total"}), "1");
  EXPECT_EQ(Text(found, {"entry", "0", "resource", "subject", "reference"}), patient);
}

TEST_F(FhirApiTest, FailedTransactionChangesNothing) {
  std::string bundle = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"resource":{"resourceType":"Patient","id":"p1"},"request":{"method":"PUT","url":"Patient/p1"}},
    {"resource":{"resourceType":"Patient","id":"p2"},"request":{"method":"PUT","url":"Patient/p2"}},
    {"request":{"method":"PUT","url":"Patient/p3"}}]})";
  HttpResponse r = Call("POST", "/fhir", bundle);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Call("GET", "/fhir/Patient/p1").status, 404);
  std::string dangling = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
      "subject":{"reference":"urn:uuid:missing"}},"request":{"method":"POST","url":"Observation"}}]})";
  EXPECT_EQ(Call("POST", "/fhir", dangling).status, 400);
}

TEST_F(FhirApiTest, BatchEntriesSucceedOrFailAlone) {
  std::string bundle = R"({"resourceType":"Bundle","type":"batch","entry":[
    {"resource":{"resourceType":"Patient","id":"b1"},"request":{"method":"PUT","url":"Patient/b1"}},
    {"request":{"method":"GET","url":"Patient/none"}},
    {"request":{"method":"GET","url":"Patient/b1"}}]})";
  HttpResponse r = Call("POST", "/fhir", bundle);
  ASSERT_EQ(r.status, 200) << r.body;
  fhir::Json response = Body(r);
  EXPECT_EQ(Text(response, {"entry", "0", "response", "status"}), "201 Created");
  EXPECT_EQ(Text(response, {"entry", "1", "response", "status"}), "404 Not Found");
  EXPECT_EQ(Text(response, {"entry", "2", "resource", "id"}), "b1");
}

TEST_F(FhirApiTest, CapabilityStatementListsTypesAndSearchParams) {
  HttpResponse r = Call("GET", "/fhir/metadata");
  ASSERT_EQ(r.status, 200);
  fhir::Json cs = Body(r);
  EXPECT_EQ(Text(cs, {"fhirVersion"}), "4.0.1");
  const fhir::Json* resources = cs.Find("rest")->items()[0].Find("resource");
  EXPECT_EQ(resources->items().size(), 146u);  // every concrete R4 resource type
}

}  // namespace
}  // namespace vigil::server
