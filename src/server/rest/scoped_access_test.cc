// What a token may see and write on every REST path (access_filter.h), through
// FhirApi::Handle with real signed tokens: a patient-context token on two
// patients' data (_include/_revinclude, chains and _has, type and system
// history, batch and transaction Bundles, writes, $everything, $export), and
// granular scopes (searches, reads, writes).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "search/registry.h"
#include "server/rest/export.h"
#include "server/rest/fhir_api.h"
#include "server/rest/rest_test_util.h"
#include "server/rest/token_test_util.h"
#include "store/memory/memory_store.h"

namespace vigil::server {
namespace {

using testing::Body;
using testing::EntryKeys;
using testing::Header;
using testing::Link;
using testing::Text;
using Keys = std::vector<std::string>;
using Headers = std::vector<std::pair<std::string, std::string>>;

std::string Obs(std::string_view id, std::string_view patient, std::string_view category,
                std::string_view more = "") {
  return std::string(R"({"resourceType":"Observation","id":")") + std::string(id) +
         R"(","status":"final","code":{"text":"x"},"category":[{"coding":[{)" +
         R"("system":"http://terminology.hl7.org/CodeSystem/observation-category","code":")" +
         std::string(category) + R"("}]}],"subject":{"reference":"Patient/)" +
         std::string(patient) + "\"}" + std::string(more) + "}";
}

class ScopedAccessTest : public ::testing::Test {
 protected:
  ScopedAccessTest() : store_(store::NewMemoryStore()) {
    std::string tmpl = ::testing::TempDir() + "/scoped_access_XXXXXX";
    EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    FhirApiOptions options;
    options.base_url = "http://test/fhir";
    options.write.now_ms = [this] { return now_ms_ += 1000; };
    open_ = std::make_unique<FhirApi>(*store_, search::Registry::Default(), options);
    options.verifier = tokens_.Verifier();
    options.export_dir = dir_ + "/exports";
    api_ = std::make_unique<FhirApi>(*store_, search::Registry::Default(), options);
    Seed();
  }
  ~ScopedAccessTest() override {
    api_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Seed() {
    Put("Patient/p1", R"({"resourceType":"Patient","id":"p1","name":[{"family":"One"}]})");
    Put("Patient/p2", R"({"resourceType":"Patient","id":"p2","name":[{"family":"Two"}]})");
    Put("Practitioner/dr", R"({"resourceType":"Practitioner","id":"dr","name":[{"family":"Who"}]})");
    for (const char* p : {"1", "2"}) {
      std::string patient = std::string("p") + p, enc = std::string("e") + p;
      Put("Encounter/" + enc, R"({"resourceType":"Encounter","id":")" + enc +
                                  R"(","status":"finished","class":{"code":"AMB"},)" +
                                  R"("subject":{"reference":"Patient/)" + patient + "\"}}");
      std::string links = R"(,"encounter":{"reference":"Encounter/)" + enc +
                          R"("},"performer":[{"reference":"Practitioner/dr"}])";
      Put(std::string("Observation/v") + p, Obs(std::string("v") + p, patient, "vital-signs", links));
      Put(std::string("Observation/l") + p, Obs(std::string("l") + p, patient, "laboratory"));
    }
    Put("Group/g", R"({"resourceType":"Group","id":"g","type":"person","actual":true,)"
                   R"("member":[{"entity":{"reference":"Patient/p1"}},{"entity":{"reference":"Patient/p2"}}]})");
  }

  void Put(const std::string& path, const std::string& body) {
    HttpResponse r = testing::Call(*open_, "PUT", "/fhir/" + path, body);
    ASSERT_TRUE(r.status == 200 || r.status == 201) << path << ": " << r.body;
  }
  HttpResponse Call(std::string method, std::string target, const std::string& token,
                    std::string body = "", Headers headers = {}) {
    headers.emplace_back("authorization", "Bearer " + token);
    return testing::Call(*api_, std::move(method), std::move(target), std::move(body), headers);
  }
  fhir::Json Get(std::string target, const std::string& token) {
    HttpResponse r = Call("GET", target, token);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return Body(r);
  }
  Keys Matches(std::string target, const std::string& token) {
    return EntryKeys(Get(std::move(target), token), "match");
  }
  // The current resource as the unauthenticated API reads it.
  fhir::Json Stored(const std::string& path) {
    return Body(testing::Call(*open_, "GET", "/fhir/" + path));
  }
  static std::vector<std::string> Statuses(const fhir::Json& bundle) {
    std::vector<std::string> out;
    for (const fhir::Json& e : bundle.Find("entry")->items()) {
      out.push_back(Text(e, {"response", "status"}));
    }
    return out;
  }

  std::string dir_;
  int64_t now_ms_ = 1'700'000'000'000;
  std::unique_ptr<store::Store> store_;
  testing::TestTokens tokens_;
  std::unique_ptr<FhirApi> open_;  // no authentication: seeds and checks the data
  std::unique_ptr<FhirApi> api_;   // --auth smart
  std::string p1_ = tokens_.Sign("launch/patient patient/*.rs", "p1");
  std::string writer_ = tokens_.Sign("patient/*.cruds", "p1");
};

TEST_F(ScopedAccessTest, IncludesAndRevincludesDropWhatTheTokenMayNotSee) {
  fhir::Json obs = Get(
      "/fhir/Observation?_include=Observation:performer&_include=Observation:encounter", p1_);
  EXPECT_EQ(EntryKeys(obs, "match"), (Keys{"Observation/v1", "Observation/l1"}));
  EXPECT_EQ(EntryKeys(obs, "include"), Keys{"Encounter/e1"});  // not Practitioner/dr
  fhir::Json patients = Get("/fhir/Patient?_revinclude=Observation:subject", p1_);
  EXPECT_EQ(EntryKeys(patients, "match"), Keys{"Patient/p1"});
  EXPECT_EQ(EntryKeys(patients, "include"), (Keys{"Observation/v1", "Observation/l1"}));
  fhir::Json group = Get("/fhir/Group?_include=Group:member", p1_);
  EXPECT_EQ(EntryKeys(group, "match"), Keys{"Group/g"});
  EXPECT_EQ(EntryKeys(group, "include"), Keys{"Patient/p1"});  // not the other member
  // Any token: included types it has no read scope for are dropped.
  fhir::Json user = Get("/fhir/Observation?_include=Observation:subject",
                        tokens_.Sign("user/Observation.rs"));
  EXPECT_EQ(EntryKeys(user, "match").size(), 4u);
  EXPECT_EQ(EntryKeys(user, "include"), Keys{});
}

TEST_F(ScopedAccessTest, ChainsAndHasSearchOnlyInsideTheCompartment) {
  EXPECT_EQ(Matches("/fhir/Observation?subject:Patient.name=Two", p1_), Keys{});
  EXPECT_EQ(Matches("/fhir/Observation?subject:Patient.name=One", p1_),
            (Keys{"Observation/v1", "Observation/l1"}));
  EXPECT_EQ(Matches("/fhir/Observation?subject.name=One", p1_),
            (Keys{"Observation/v1", "Observation/l1"}));
  EXPECT_EQ(Matches("/fhir/Observation?encounter:Encounter._id=e2", p1_), Keys{});
  EXPECT_EQ(Matches("/fhir/Patient?_has:Observation:subject:category=vital-signs", p1_),
            Keys{"Patient/p1"});
  EXPECT_EQ(Matches("/fhir/Encounter?_has:Observation:encounter:_id=v2", p1_), Keys{});
  // In both compartments (performer p1, subject p2): visible, but a chain
  // through its subject into p2 must not match, in searches and in the
  // criteria of conditional interactions.
  Put("Observation/shared", Obs("shared", "p2", "laboratory",
                                R"(,"performer":[{"reference":"Patient/p1"}])"));
  EXPECT_EQ(Matches("/fhir/Observation?_id=shared", p1_), Keys{"Observation/shared"});
  EXPECT_EQ(Matches("/fhir/Observation?_id=shared&subject:Patient.name=Two", p1_), Keys{});
  HttpResponse conditional = Call("PUT", "/fhir/Observation?subject:Patient.name=Two", writer_,
                                  Obs("new", "p1", "laboratory"));
  EXPECT_EQ(conditional.status, 201) << conditional.body;  // not an update of "shared"
  EXPECT_EQ(Text(Stored("Observation/shared"), {"subject", "reference"}), "Patient/p2");
  HttpResponse outside = Call("GET", "/fhir/Observation?performer:Practitioner.name=Who", p1_);
  EXPECT_EQ(outside.status, 403);
  EXPECT_EQ(Text(Body(outside), {"issue", "0", "code"}), "forbidden");
}

TEST_F(ScopedAccessTest, TypeAndSystemHistoryHoldOnlyTheCompartment) {
  Put("Observation/v2", Obs("v2", "p2", "vital-signs"));  // a second version of p2's
  testing::Call(*open_, "DELETE", "/fhir/Observation/l1");
  testing::Call(*open_, "DELETE", "/fhir/Observation/l2");
  fhir::Json type = Get("/fhir/Observation/_history", p1_);
  std::vector<std::string> requests;
  for (const fhir::Json& e : type.Find("entry")->items()) {
    requests.push_back(Text(e, {"request", "method"}) + " " + Text(e, {"request", "url"}));
  }
  std::sort(requests.begin(), requests.end());
  EXPECT_EQ(requests, (Keys{"DELETE Observation/l1", "POST Observation", "POST Observation"}));
  EXPECT_EQ(Text(type, {"total"}), "<missing>");  // a filtered history has no total

  std::set<std::string> all;
  std::string url = "/fhir/_history?_count=2";
  for (int pages = 0; !url.empty() && pages < 20; ++pages) {
    fhir::Json page = Get(url, p1_);
    Keys keys = EntryKeys(page);
    EXPECT_LE(keys.size(), 2u);
    for (const std::string& k : keys) EXPECT_TRUE(all.insert(k).second) << k;
    std::string next = Link(page, "next");
    url = next.empty() ? "" : next.substr(std::string("http://test").size());
  }
  // The tombstone of l1 has no resource: EntryKeys shows it as "<missing>/<missing>".
  EXPECT_EQ(all, (std::set<std::string>{"Patient/p1", "Encounter/e1", "Observation/v1",
                                        "Observation/l1", "Group/g", "<missing>/<missing>"}));
  EXPECT_EQ(Call("GET", "/fhir/Practitioner/_history", p1_).status, 403);  // outside, as a search
  // Without "*" the token has no system history.
  EXPECT_EQ(Call("GET", "/fhir/_history", tokens_.Sign("patient/Observation.rs", "p1")).status, 403);
}

TEST_F(ScopedAccessTest, BatchEntriesAreAuthorizedAndConfinedOneByOne) {
  std::string batch = R"({"resourceType":"Bundle","type":"batch","entry":[
    {"request":{"method":"GET","url":"Observation/v2"}},
    {"request":{"method":"GET","url":"Observation/v1"}},
    {"request":{"method":"GET","url":"Observation?category=laboratory"}},
    {"resource":)" + Obs("x", "p2", "laboratory") + R"(,"request":{"method":"POST","url":"Observation"}},
    {"resource":)" + Obs("x", "p1", "laboratory") + R"(,"request":{"method":"POST","url":"Observation"}}]})";
  HttpResponse r = Call("POST", "/fhir", writer_, batch);
  ASSERT_EQ(r.status, 200) << r.body;
  fhir::Json response = Body(r);
  EXPECT_EQ(Statuses(response), (Keys{"404 Not Found", "200 OK", "200 OK", "403", "201 Created"}));
  const fhir::Json& labs = *response.Find("entry")->items()[2].Find("resource");
  EXPECT_EQ(EntryKeys(labs, "match"), Keys{"Observation/l1"});
  EXPECT_EQ(Text(Body(testing::Call(*open_, "GET", "/fhir/Observation?subject=Patient/p2")),
                 {"total"}),
            "2");
}

TEST_F(ScopedAccessTest, TransactionFailsAsAWholeWhenOneEntryIsOutside) {
  std::string outside = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"resource":)" + Obs("x", "p1", "laboratory") + R"(,"request":{"method":"POST","url":"Observation"}},
    {"resource":)" + Obs("v2", "p1", "vital-signs") + R"(,"request":{"method":"PUT","url":"Observation/v2"}}]})";
  HttpResponse r = Call("POST", "/fhir", writer_, outside);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Text(Stored("Observation/v2"), {"subject", "reference"}), "Patient/p2");
  EXPECT_EQ(Text(Body(testing::Call(*open_, "GET", "/fhir/Observation?subject=Patient/p1")),
                 {"total"}),
            "2");  // nothing of the transaction was written
  // Conditional references and ifNoneExist search only the compartment.
  std::string conditional = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
      "subject":{"reference":"Patient?name=Two"}},"request":{"method":"POST","url":"Observation"}}]})";
  EXPECT_EQ(Call("POST", "/fhir", writer_, conditional).status, 412);
  std::string own = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
      "subject":{"reference":"Patient?name=One"}},"request":{"method":"POST","url":"Observation",
      "ifNoneExist":"_id=v2"}}]})";
  HttpResponse created = Call("POST", "/fhir", writer_, own);
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(Statuses(Body(created)), Keys{"201 Created"});  // v2 is not a match for p1's token
}

TEST_F(ScopedAccessTest, WritesStayInsideTheCompartmentBeforeAndAfter) {
  EXPECT_EQ(Call("POST", "/fhir/Observation", writer_, Obs("x", "p1", "laboratory")).status, 201);
  EXPECT_EQ(Call("POST", "/fhir/Observation", writer_, Obs("x", "p2", "laboratory")).status, 403);
  EXPECT_EQ(Call("PUT", "/fhir/Observation/v2", writer_, Obs("v2", "p1", "x")).status, 403);
  EXPECT_EQ(Call("PUT", "/fhir/Observation/v1", writer_, Obs("v1", "p2", "x")).status, 403);
  EXPECT_EQ(Text(Stored("Observation/v1"), {"subject", "reference"}), "Patient/p1");
  HttpRequest patch;
  patch.method = "PATCH";
  patch.path = "/fhir/Observation/v1";
  patch.body = R"([{"op":"replace","path":"/subject/reference","value":"Patient/p2"}])";
  patch.headers = {{"content-type", "application/json-patch+json"},
                   {"authorization", "Bearer " + writer_}};
  EXPECT_EQ(api_->Handle(patch).status, 403);
  patch.body = R"([{"op":"replace","path":"/status","value":"amended"}])";
  EXPECT_EQ(api_->Handle(patch).status, 200);
  EXPECT_EQ(Call("DELETE", "/fhir/Observation/v2", writer_).status, 403);
  EXPECT_EQ(Call("PUT", "/fhir/Patient/p1", writer_,
                 R"({"resourceType":"Patient","id":"p1","name":[{"family":"Uno"}]})")
                .status,
            200);
  EXPECT_EQ(Call("PUT", "/fhir/Patient/p2", writer_, R"({"resourceType":"Patient","id":"p2"})")
                .status,
            403);
  EXPECT_EQ(Call("POST", "/fhir/Patient", writer_, R"({"resourceType":"Patient"})").status, 403);
  // Conditional update: the criteria see only the compartment, so p2's v2 is
  // not overwritten; a new resource is made instead.
  EXPECT_EQ(Call("PUT", "/fhir/Observation?_id=v2", writer_,
                 R"({"resourceType":"Observation","status":"final","code":{"text":"x"},)"
                 R"("subject":{"reference":"Patient/p1"}})")
                .status,
            201);
  EXPECT_EQ(Text(Stored("Observation/v2"), {"subject", "reference"}), "Patient/p2");
  EXPECT_EQ(Call("DELETE", "/fhir/Observation?category=vital-signs", writer_).status, 204);
  EXPECT_EQ(testing::Call(*open_, "GET", "/fhir/Observation/v1").status, 410);
  EXPECT_EQ(testing::Call(*open_, "GET", "/fhir/Observation/v2").status, 200);
}

TEST_F(ScopedAccessTest, EverythingOnlyForTheTokensOwnPatient) {
  fhir::Json own = Get("/fhir/Patient/p1/$everything", p1_);
  Keys matches = EntryKeys(own, "match");
  std::sort(matches.begin(), matches.end());
  EXPECT_EQ(matches, (Keys{"Encounter/e1", "Group/g", "Observation/l1", "Observation/v1",
                           "Patient/p1"}));
  EXPECT_EQ(EntryKeys(own, "include"), Keys{});  // Practitioner/dr is outside
  HttpResponse other = Call("GET", "/fhir/Patient/p2/$everything", p1_);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(Text(Body(other), {"issue", "0", "diagnostics"}), "Patient/p2 is not known");
  Keys type_level = EntryKeys(Get("/fhir/Patient/$everything", p1_), "match");
  std::sort(type_level.begin(), type_level.end());
  EXPECT_EQ(type_level, matches);
  std::string vitals = tokens_.Sign("patient/Patient.rs patient/Observation.rs?category=vital-signs", "p1");
  EXPECT_EQ(Matches("/fhir/Patient/p1/$everything", vitals),
            (Keys{"Patient/p1", "Observation/v1"}));
  EXPECT_EQ(Call("GET", "/fhir/Patient/$everything", tokens_.Sign("user/*.rs")).status, 501);
}

TEST_F(ScopedAccessTest, GranularScopesRestrictSearchesReadsAndWrites) {
  std::string vitals = tokens_.Sign("patient/Observation.rs?category=vital-signs", "p1");
  fhir::Json search = Get("/fhir/Observation", vitals);
  EXPECT_EQ(Text(search, {"total"}), "1");
  EXPECT_EQ(EntryKeys(search), Keys{"Observation/v1"});
  EXPECT_EQ(Text(Get("/fhir/Observation?category=laboratory", vitals), {"total"}), "0");
  EXPECT_EQ(Call("GET", "/fhir/Observation/v1", vitals).status, 200);
  HttpResponse lab = Call("GET", "/fhir/Observation/l1", vitals);
  EXPECT_EQ(lab.status, 404);
  EXPECT_EQ(Text(Body(lab), {"issue", "0", "diagnostics"}), "Observation/l1 is not known");

  EXPECT_EQ(Text(Get("/fhir/Observation", tokens_.Sign("user/Observation.rs?category=laboratory")),
                 {"total"}),
            "2");
  std::string both = tokens_.Sign(
      "user/Observation.rs?category=laboratory user/Observation.rs?category=vital-signs");
  EXPECT_EQ(Text(Get("/fhir/Observation", both), {"total"}), "4");
  std::string mixed =
      tokens_.Sign("user/Observation.rs?category=laboratory user/Observation.rs?status=final");
  EXPECT_EQ(Call("GET", "/fhir/Observation", mixed).status, 403);
  EXPECT_EQ(Call("GET", "/fhir/Observation/v1", mixed).status, 200);

  std::string labs = tokens_.Sign("user/Observation.cru?category=laboratory");
  EXPECT_EQ(Call("POST", "/fhir/Observation", labs, Obs("x", "p2", "laboratory")).status, 201);
  EXPECT_EQ(Call("POST", "/fhir/Observation", labs, Obs("x", "p2", "vital-signs")).status, 403);
  EXPECT_EQ(Call("PUT", "/fhir/Observation/l2", labs, Obs("l2", "p2", "vital-signs")).status, 403);
  EXPECT_EQ(Call("PUT", "/fhir/Observation/v2", labs, Obs("v2", "p2", "laboratory")).status, 403);
  EXPECT_EQ(Call("GET", "/fhir/Observation", tokens_.Sign("user/Observation.rs?date=2020")).status,
            403);  // a restriction the server cannot evaluate grants nothing
}

TEST_F(ScopedAccessTest, ExportIsConfinedToThePatientAndItsJobs) {
  Headers async = {{"prefer", "respond-async"}};
  EXPECT_EQ(Call("GET", "/fhir/$export", p1_, "", async).status, 403);
  auto run = [&](const std::string& target) {
    HttpResponse kick = Call("GET", target, p1_, "", async);
    EXPECT_EQ(kick.status, 202) << kick.body;
    api_->exports()->WaitIdle();
    return Header(kick, "Content-Location").substr(std::string("http://test").size());
  };
  // type -> ids in the NDJSON files.
  auto files = [&](const std::string& status) {
    std::map<std::string, Keys> out;
    fhir::Json manifest = Get(status, p1_);
    for (const fhir::Json& o : manifest.Find("output")->items()) {
      std::string path = Text(o, {"url"}).substr(std::string("http://test").size());
      HttpResponse file = Call("GET", path, p1_);
      EXPECT_EQ(file.status, 200);
      std::istringstream lines(file.body);
      for (std::string line; std::getline(lines, line);) {
        absl::StatusOr<fhir::Json> json = fhir::ParseJson(line);
        EXPECT_TRUE(json.ok()) << line;
        if (json.ok()) out[Text(o, {"type"})].push_back(Text(*json, {"id"}));
      }
    }
    for (auto& [type, ids] : out) std::sort(ids.begin(), ids.end());
    return out;
  };
  std::string status = run("/fhir/Patient/$export");
  std::map<std::string, Keys> exported = files(status);
  EXPECT_EQ(exported["Patient"], Keys{"p1"});
  EXPECT_EQ(exported["Observation"], (Keys{"l1", "v1"}));
  EXPECT_EQ(exported["Encounter"], Keys{"e1"});
  EXPECT_EQ(exported.count("Practitioner"), 0u);
  // Another patient's token does not see the job; an unconfined one does.
  std::string p2 = tokens_.Sign("patient/*.rs", "p2");
  EXPECT_EQ(Call("GET", status, p2).status, 404);
  EXPECT_EQ(Call("GET", status, tokens_.Sign("system/*.rs")).status, 200);
  EXPECT_EQ(files(run("/fhir/Group/g/$export"))["Patient"], Keys{"p1"});
}

}  // namespace
}  // namespace vigil::server
