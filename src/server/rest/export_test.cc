// Bulk Data $export (https://hl7.org/fhir/uv/bulkdata/export.html) through
// FhirApi::Handle, on the memory and the SQLite store: kick-off, status,
// manifest, files, cancel, errors, and a restart that still serves a finished
// job.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

#include "base/time.h"
#include "search/registry.h"
#include "server/rest/export.h"
#include "server/rest/fhir_api.h"
#include "server/rest/rest_test_util.h"
#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"

namespace vigil::server {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using testing::Body;
using testing::Header;
using testing::Text;

using Headers = std::vector<std::pair<std::string, std::string>>;
const Headers kAsync = {{"prefer", "respond-async"}};

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<store::Store>(const std::string& dir)> open;
};
std::ostream& operator<<(std::ostream& os, const StoreFactory& f) { return os << f.name; }

class ExportTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/export_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    store_ = GetParam().open(dir_ + "/db");
    ASSERT_NE(store_, nullptr);
    StartApi();
    Put("Patient", "p", R"("name":[{"family":"Chalmers"}])");
    Put("Patient", "q", R"("name":[{"family":"Other"}])");
    Put("Practitioner", "dr", R"("name":[{"family":"Who"}])");
    Put("Observation", "o1", R"("status":"final","code":{"text":"hr"},"subject":{"reference":"Patient/p"})");
    Put("Observation", "o2", R"("status":"final","code":{"text":"x"},"performer":[{"reference":"Patient/p"}])");
    Put("Observation", "o3", R"("status":"final","code":{"text":"hr"},"subject":{"reference":"Patient/q"})");
    // In no Patient's compartment: only a system-level export has it.
    Put("Observation", "orphan", R"("status":"final","code":{"text":"qc"},"subject":{"reference":"Group/g"})");
    Put("Encounter", "e1", R"("status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/p"})");
    Put("Group", "g",
        R"("type":"person","actual":true,"member":[{"entity":{"reference":"Patient/p"}},)"
        R"({"entity":{"reference":"Practitioner/dr"}}])");
  }
  void TearDown() override {
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void StartApi() {
    FhirApiOptions options;
    options.base_url = "http://test/fhir";
    options.write.now_ms = [this] { return now_ += 1000; };
    options.export_dir = dir_ + "/exports";
    api_ = std::make_unique<FhirApi>(*store_, search::Registry::Default(), options);
  }

  void Put(const std::string& type, const std::string& id, const std::string& members) {
    std::string body = "{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\"," + members + "}";
    HttpResponse r = Call("PUT", "/fhir/" + type + "/" + id, body);
    ASSERT_TRUE(r.status == 200 || r.status == 201) << type << "/" << id << ": " << r.body;
  }
  HttpResponse Call(std::string method, std::string target, std::string body = "", Headers headers = {}) {
    return testing::Call(*api_, std::move(method), std::move(target), std::move(body), std::move(headers));
  }
  static std::string Path(const std::string& url) { return url.substr(std::string("http://test").size()); }

  // Kicks off, waits for the worker, returns the status URL's path.
  std::string Export(const std::string& target, std::string body = "") {
    std::string method = body.empty() ? "GET" : "POST";
    HttpResponse r = Call(method, target, std::move(body), kAsync);
    EXPECT_EQ(r.status, 202) << r.body;
    std::string location = Header(r, "Content-Location");
    EXPECT_TRUE(location.starts_with("http://test/fhir/$export-status/")) << location;
    api_->exports()->WaitIdle();
    return location.empty() ? "" : Path(location);
  }
  // type -> (count from the manifest, ids read from the files).
  struct TypeOutput {
    int64_t count = 0;
    std::vector<std::string> ids;
  };
  std::map<std::string, TypeOutput> Files(const std::string& status_path) {
    HttpResponse status = Call("GET", status_path);
    EXPECT_EQ(status.status, 200) << status.body;
    fhir::Json manifest = Body(status);
    std::map<std::string, TypeOutput> out;
    EXPECT_EQ(Text(manifest, {"requiresAccessToken"}), "<not text>");  // a bool: false
    EXPECT_NE(manifest.Find("error"), nullptr);
    for (const fhir::Json& o : manifest.Find("output")->items()) {
      TypeOutput& t = out[Text(o, {"type"})];
      t.count += std::stoll(Text(o, {"count"}));
      HttpResponse file = Call("GET", Path(Text(o, {"url"})));
      EXPECT_EQ(file.status, 200) << file.body;
      EXPECT_EQ(Header(file, "Content-Type"), "application/fhir+ndjson");
      std::istringstream lines(file.body);
      for (std::string line; std::getline(lines, line);) {
        auto json = fhir::ParseJson(line);
        EXPECT_TRUE(json.ok()) << line;
        if (json.ok()) t.ids.push_back(Text(*json, {"id"}));
      }
    }
    return out;
  }

  std::string dir_;
  int64_t now_ = 1'700'000'000'000;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<FhirApi> api_;
};

TEST_P(ExportTest, PatientLevelExportsPatientsAndTheirCompartments) {
  std::string status = Export("/fhir/Patient/$export");
  HttpResponse r = Call("GET", status);
  fhir::Json manifest = Body(r);
  EXPECT_EQ(Text(manifest, {"request"}), "http://test/fhir/Patient/$export");
  EXPECT_NE(Text(manifest, {"transactionTime"}), "<missing>");
  auto files = Files(status);
  EXPECT_THAT(files["Patient"].ids, ElementsAre("p", "q"));
  EXPECT_EQ(files["Patient"].count, 2);
  EXPECT_THAT(files["Observation"].ids, ElementsAre("o1", "o2", "o3"));
  EXPECT_EQ(files["Observation"].count, 3);
  EXPECT_THAT(files["Encounter"].ids, ElementsAre("e1"));
  EXPECT_FALSE(files.contains("Practitioner"));
  // A Group is in the compartment of its member Patients (Group.member).
  EXPECT_THAT(files["Group"].ids, ElementsAre("g"));
}

TEST_P(ExportTest, SystemLevelExportsEveryTypeAndTypeFilters) {
  auto all = Files(Export("/fhir/$export?_outputFormat=application%2Ffhir%2Bndjson"));
  EXPECT_THAT(all["Observation"].ids, ElementsAre("o1", "o2", "o3", "orphan"));
  EXPECT_THAT(all["Practitioner"].ids, ElementsAre("dr"));
  EXPECT_THAT(all["Group"].ids, ElementsAre("g"));
  auto some = Files(Export("/fhir/$export?_type=Practitioner,Group&_outputFormat=ndjson"));
  EXPECT_EQ(some.size(), 2u);
  EXPECT_THAT(some["Group"].ids, ElementsAre("g"));
}

TEST_P(ExportTest, SinceKeepsRecentlyUpdatedResources) {
  std::string since = FormatInstant(now_ + 1);
  Put("Observation", "o3", R"("status":"amended","code":{"text":"hr"},"subject":{"reference":"Patient/q"})");
  auto recent = Files(Export("/fhir/Patient/$export?_type=Observation,Patient&_since=" + since));
  EXPECT_EQ(recent.size(), 1u);
  EXPECT_THAT(recent["Observation"].ids, ElementsAre("o3"));
}

TEST_P(ExportTest, GroupLevelExportsTheMembersCompartments) {
  auto files = Files(Export("/fhir/Group/g/$export"));
  EXPECT_THAT(files["Patient"].ids, ElementsAre("p"));
  EXPECT_THAT(files["Observation"].ids, UnorderedElementsAre("o1", "o2"));
  EXPECT_THAT(files["Encounter"].ids, ElementsAre("e1"));
  EXPECT_EQ(Call("GET", "/fhir/Group/nope/$export", "", kAsync).status, 404);
}

TEST_P(ExportTest, PostWithParametersBody) {
  auto files = Files(Export("/fhir/$export",
                            R"({"resourceType":"Parameters","parameter":[)"
                            R"({"name":"_outputFormat","valueString":"application/fhir+ndjson"},)"
                            R"({"name":"_type","valueString":"Patient"}]})"));
  EXPECT_EQ(files.size(), 1u);
  EXPECT_THAT(files["Patient"].ids, ElementsAre("p", "q"));
  EXPECT_EQ(Call("POST", "/fhir/$export", R"({"resourceType":"Patient"})", kAsync).status, 400);
}

TEST_P(ExportTest, KickOffErrors) {
  EXPECT_EQ(Call("GET", "/fhir/$export").status, 400);  // no Prefer: respond-async
  EXPECT_EQ(Call("GET", "/fhir/$export?_outputFormat=text%2Fcsv", "", kAsync).status, 400);
  EXPECT_EQ(Call("GET", "/fhir/$export?_type=Patient,Nope", "", kAsync).status, 400);
  EXPECT_EQ(Call("GET", "/fhir/$export?_since=soon", "", kAsync).status, 400);
  EXPECT_EQ(Call("GET", "/fhir/$export?_typeFilter=Patient%3Factive%3Dtrue", "", kAsync).status, 400);
  EXPECT_EQ(Call("PUT", "/fhir/$export", "{}", kAsync).status, 405);
}

TEST_P(ExportTest, StatusAndFileErrors) {
  EXPECT_EQ(Call("GET", "/fhir/$export-status/0123abcd").status, 404);
  EXPECT_EQ(Call("GET", "/fhir/$export-status/..").status, 404);
  EXPECT_EQ(Call("DELETE", "/fhir/$export-status/0123abcd").status, 404);
  std::string status = Export("/fhir/$export?_type=Patient");
  std::string job = status.substr(status.rfind('/') + 1);
  EXPECT_EQ(Call("GET", "/fhir/$export-file/" + job + "/Patient-1.ndjson").status, 200);
  EXPECT_EQ(Call("GET", "/fhir/$export-file/" + job + "/Patient-1.ndjson", "",
                 {{"accept", "application/fhir+ndjson"}}).status, 200);
  EXPECT_EQ(Call("GET", "/fhir/$export-file/" + job + "/Patient-2.ndjson").status, 404);
  EXPECT_EQ(Call("GET", "/fhir/$export-file/" + job + "/..%2Fjob.json").status, 404);
  EXPECT_EQ(Call("GET", "/fhir/$export-file/" + job + "/job.json").status, 404);
}

TEST_P(ExportTest, DeleteCancelsAndRemovesTheJob) {
  std::string status = Export("/fhir/$export?_type=Patient");
  ASSERT_EQ(Call("GET", status).status, 200);
  std::string job = status.substr(status.rfind('/') + 1);
  EXPECT_EQ(Call("DELETE", status).status, 202);
  EXPECT_EQ(Call("GET", status).status, 404);
  EXPECT_EQ(Call("GET", "/fhir/$export-file/" + job + "/Patient-1.ndjson").status, 404);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/exports/" + job));
  EXPECT_EQ(Call("DELETE", status).status, 404);
}

TEST_P(ExportTest, FinishedJobSurvivesARestart) {
  std::string status = Export("/fhir/Patient/$export?_type=Patient");
  std::string manifest = Call("GET", status).body;
  api_->Stop();
  StartApi();
  HttpResponse again = Call("GET", status);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, manifest);
  EXPECT_THAT(Files(status)["Patient"].ids, ElementsAre("p", "q"));
}

TEST_P(ExportTest, StopRefusesNewJobs) {
  api_->Stop();
  EXPECT_EQ(Call("GET", "/fhir/$export", "", kAsync).status, 503);
}

TEST_P(ExportTest, CapabilityStatementListsExport) {
  fhir::Json cs = Body(Call("GET", "/fhir/metadata"));
  EXPECT_EQ(Text(cs, {"rest", "0", "operation", "0", "name"}), "export");
}

INSTANTIATE_TEST_SUITE_P(
    Stores, ExportTest,
    ::testing::Values(StoreFactory{"Memory", [](const std::string&) { return store::NewMemoryStore(); }},
                      StoreFactory{"Sqlite",
                                   [](const std::string& dir) -> std::unique_ptr<store::Store> {
                                     store::SqliteOptions options;
                                     options.durability = store::SqliteOptions::Durability::kNormal;
                                     auto s = store::OpenSqliteStore(dir, options);
                                     EXPECT_TRUE(s.ok()) << s.status();
                                     return s.ok() ? std::move(*s) : nullptr;
                                   }}),
    [](const ::testing::TestParamInfo<StoreFactory>& info) { return info.param.name; });

// Direct ExportManager use: files split after max_resources_per_file, status
// while queued, cancel of a queued job.
TEST(ExportManagerTest, SplitsFilesAndCancelsQueuedJobs) {
  std::string tmpl = ::testing::TempDir() + "/export_split_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  std::unique_ptr<store::Store> store = store::NewMemoryStore();
  {
    auto txn = store->BeginWrite();
    ASSERT_TRUE(txn.ok());
    for (int i = 0; i < 5; ++i) {
      store::ResourceWrite w;
      w.type = "Patient";
      w.id = "p" + std::to_string(i);
      w.json = R"({"resourceType":"Patient","id":")" + w.id + R"("})";
      ASSERT_TRUE((*txn)->Put(std::move(w)).ok());
    }
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  ExportOptions options;
  options.dir = tmpl;
  options.base_url = "http://test/fhir";
  options.max_resources_per_file = 2;
  options.page_size = 2;
  ExportManager exports(*store, options);
  FhirRequest kick;
  kick.method = "GET";
  kick.segments = {"$export"};
  kick.prefer_async = true;
  kick.params = {{"_type", "Patient"}};
  auto r = exports.Handle(kick);
  ASSERT_TRUE(r.ok()) << r.status();
  std::string location = testing::Header(*r, "Content-Location");
  std::string job = location.substr(location.rfind('/') + 1);
  exports.WaitIdle();
  FhirRequest status;
  status.method = "GET";
  status.segments = {"$export-status", job};
  auto done = exports.Handle(status);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->status, 200) << done->body;
  fhir::Json manifest = testing::Body(*done);
  EXPECT_EQ(manifest.Find("output")->items().size(), 3u);
  EXPECT_EQ(Text(manifest, {"output", "0", "count"}), "2");
  EXPECT_EQ(Text(manifest, {"output", "2", "count"}), "1");
  EXPECT_TRUE(Text(manifest, {"output", "2", "url"}).ends_with("/" + job + "/Patient-3.ndjson"));
  exports.Stop();
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace vigil::server
