// SQLite-specific behaviour: persistence across reopen, readers running
// concurrently with an open write transaction, and crash consistency.
// (Store semantics are covered by store/store_conformance_test.cc.)
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_query.h"

namespace vigil::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/sqlite_store_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl + "/nested/dir";  // OpenSqliteStore creates missing directories
    root_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<Store> Open(SqliteOptions options = {}) {
    auto store = OpenSqliteStore(dir_, options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  // The first column of the first row `sql` returns, read from the file
  // through a connection of its own ("" on an error or no row).
  std::string FirstValue(const std::string& sql) {
    auto db = sqlite_internal::Connection::Open(dir_ + "/vigil.db", /*writer=*/false, false);
    EXPECT_TRUE(db.ok()) << db.status();
    if (!db.ok()) return "";
    auto st = (*db)->Prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status();
    if (!st.ok()) return "";
    auto row = st->Step();
    return row.ok() && *row ? st->Text(0) : "";
  }

  static ResourceWrite W(std::string id, int64_t version = 1, std::string code = "x") {
    ResourceWrite w;
    w.type = "Observation";
    w.id = std::move(id);
    w.version = version;
    w.last_updated = 1000 + version;
    w.json = "{\"id\":\"" + w.id + "\"}";
    w.index.tokens.push_back({"code", "http://loinc.org", std::move(code), ""});
    w.index.references.push_back({"subject", "Patient", "p1", "Patient/p1"});
    return w;
  }

  static Query ByCode(std::string code) {
    Query q;
    q.type = "Observation";
    q.all_of.push_back({"code", RowKind::kToken, false, {TokenMatch{std::nullopt, code}}});
    q.count = 0;
    return q;
  }

  static int64_t Total(Reader& r, const Query& q) {
    auto page = r.Search(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->total.value_or(-1) : -1;
  }

  std::string root_;
  std::string dir_;
};

// The writer's commits wake the checkpointer thread, which copies the WAL into
// the database file while the store stays open (SQLite's own automatic
// checkpoint is replaced by it, so without it the file would not grow).
TEST_F(SqliteStoreTest, BackgroundCheckpointCopiesTheWalIntoTheDatabaseFile) {
  SqliteOptions options;
  options.checkpoint_pages = 16;
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  const std::string db = dir_ + "/vigil.db";
  const auto initial = std::filesystem::file_size(db);
  for (int t = 0; t < 20; ++t) {
    auto txn = store->BeginWrite();
    ASSERT_TRUE(txn.ok()) << txn.status();
    for (int i = 0; i < 10; ++i) {
      ResourceWrite w = W("o" + std::to_string(t * 10 + i));
      w.json = "{\"pad\":\"" + std::string(4000, 'x') + "\"}";
      ASSERT_TRUE((*txn)->Put(std::move(w)).ok());
    }
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::filesystem::file_size(db) < initial + 200 * 4000 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(std::filesystem::file_size(db), initial + 200 * 4000);
  auto page = store->Search(ByCode("x"));
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total, 200);
}

TEST_F(SqliteStoreTest, CreatesDatabaseFileInDir) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/vigil.db"));
}

TEST_F(SqliteStoreTest, ReopenKeepsCommittedData) {
  {
    auto store = Open();
    auto txn = *store->BeginWrite();
    ASSERT_TRUE(txn->Put(W("a")).ok());
    ASSERT_TRUE(txn->Put(W("b")).ok());
    ASSERT_TRUE(txn->PutMeta("checkpoint", "7").ok());
    ASSERT_TRUE(txn->Commit().ok());
    txn = *store->BeginWrite();
    ASSERT_TRUE(txn->Put(W("a", 2, "y")).ok());
    ASSERT_TRUE(txn->Commit().ok());
    txn = *store->BeginWrite();
    ASSERT_TRUE(txn->Put(W("c")).ok());  // never committed
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ((*store->Read("Observation", "a"))->version, 2);
  EXPECT_FALSE(store->Read("Observation", "c")->has_value());
  EXPECT_EQ(**store->GetMeta("checkpoint"), "7");
  EXPECT_EQ(Total(*store, ByCode("x")), 1);
  EXPECT_EQ(Total(*store, ByCode("y")), 1);
  EXPECT_EQ(store->History({})->total, 3);
  // Version numbering continues where it was.
  auto txn = *store->BeginWrite();
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->Put(W("a", 2))));
  EXPECT_TRUE(txn->Put(W("a", 3)).ok());
  EXPECT_TRUE(txn->Commit().ok());
}

TEST_F(SqliteStoreTest, ReadersRunWhileWriterTxnIsOpen) {
  auto store = Open();
  {
    auto txn = *store->BeginWrite();
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(txn->Put(W("c" + std::to_string(i))).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto txn = *store->BeginWrite();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(txn->Put(W("u" + std::to_string(i))).ok());

  // Readers on other threads neither wait for the open transaction nor see it.
  std::vector<std::future<int64_t>> readers;
  for (int t = 0; t < 4; ++t) {
    readers.push_back(std::async(std::launch::async, [&] {
      int64_t seen = 0;
      for (int i = 0; i < 20; ++i) {
        seen = Total(*store, ByCode("x"));
        auto r = store->Read("Observation", "u1");
        EXPECT_TRUE(r.ok() && !r->has_value());
      }
      return seen;
    }));
  }
  for (auto& f : readers) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_EQ(f.get(), 100);
  }
  EXPECT_EQ(Total(*txn, ByCode("x")), 150);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(Total(*store, ByCode("x")), 150);
}

// BeginRead's reads share one snapshot: what commits after its first read is
// not seen by it, and is by the store and by the next BeginRead.
TEST_F(SqliteStoreTest, BeginReadReadsOneSnapshot) {
  auto store = Open();
  {
    auto txn = *store->BeginWrite();
    ASSERT_TRUE(txn->Put(W("o1")).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto snapshot = *store->BeginRead();
  EXPECT_EQ(Total(*snapshot, ByCode("x")), 1);
  {
    auto txn = *store->BeginWrite();  // the open snapshot does not block it
    ASSERT_TRUE(txn->Put(W("o2")).ok());
    ASSERT_TRUE(txn->Put(W("o1", 2)).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(Total(*snapshot, ByCode("x")), 1);
  EXPECT_FALSE(snapshot->Read("Observation", "o2")->has_value());
  EXPECT_EQ((*snapshot->Read("Observation", "o1"))->version, 1);
  EXPECT_EQ(Total(*store, ByCode("x")), 2);
  snapshot.reset();
  auto next = *store->BeginRead();
  EXPECT_EQ(Total(*next, ByCode("x")), 2);
  EXPECT_EQ((*next->Read("Observation", "o1"))->version, 2);
}

TEST_F(SqliteStoreTest, SecondWriterWaitsForTheFirst) {
  auto store = Open();
  auto first = *store->BeginWrite();
  ASSERT_TRUE(first->Put(W("a")).ok());
  std::atomic<bool> second_started{false};
  std::thread t([&] {
    auto second = *store->BeginWrite();
    second_started = true;
    // It sees the first transaction's committed write.
    EXPECT_TRUE(absl::IsFailedPrecondition(second->Put(W("a", 1))));
    EXPECT_TRUE(second->Put(W("a", 2)).ok());
    EXPECT_TRUE(second->Commit().ok());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(second_started);
  ASSERT_TRUE(first->Commit().ok());
  t.join();
  EXPECT_EQ((*store->Read("Observation", "a"))->version, 2);
}

// Concurrent writers (group commit): every WriteTxn that returned OK is
// readable, the listener sees each version once, numbered 1..n in one commit
// order that keeps each writer's own order, in fewer batches than commits.
TEST_F(SqliteStoreTest, ConcurrentWritersAreAllDurableAndAnnouncedInOneOrder) {
  auto store = Open();
  std::vector<ChangeEvent> seen;
  size_t batches = 0;
  store->SetChangeListener([&](std::vector<ChangeEvent> events) {
    ++batches;
    seen.insert(seen.end(), events.begin(), events.end());
  });
  constexpr int kThreads = 6;
  constexpr int kCommits = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCommits; ++i) {
        auto txn = store->BeginWrite();
        ASSERT_TRUE(txn.ok());
        ASSERT_TRUE((*txn)->Put(W(std::to_string(t) + "-" + std::to_string(i))).ok());
        ASSERT_TRUE((*txn)->Commit().ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(seen.size(), size_t{kThreads * kCommits});
  std::vector<int> next(kThreads, 0);
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].sequence, i + 1);
    int t = std::stoi(seen[i].id.substr(0, seen[i].id.find('-')));
    EXPECT_EQ(seen[i].id, std::to_string(t) + "-" + std::to_string(next[t]++));
  }
  EXPECT_LT(batches, seen.size());  // some commits were shared
  EXPECT_EQ(Total(*store, ByCode("x")), kThreads * kCommits);
}

// A child process commits one batch, then is killed with SIGKILL in the middle
// of a large transaction. Reopening shows exactly the committed data, index
// rows included.
TEST_F(SqliteStoreTest, KilledMidTransactionKeepsOnlyCommittedData) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(ready[0]);
    SqliteOptions options;
    options.durability = SqliteOptions::Durability::kNormal;
    auto store = OpenSqliteStore(dir_, options);
    if (!store.ok()) _exit(2);
    auto txn = *(*store)->BeginWrite();
    for (int i = 0; i < 500; ++i) {
      if (!txn->Put(W("committed" + std::to_string(i))).ok()) _exit(3);
    }
    if (!txn->PutMeta("state", "one").ok() || !txn->Commit().ok()) _exit(4);
    txn = *(*store)->BeginWrite();
    for (int i = 0;; ++i) {
      if (!txn->Put(W("lost" + std::to_string(i))).ok()) _exit(5);
      if (i % 100 == 0 && !txn->PutMeta("state", "two").ok()) _exit(6);
      if (i == 20000) {
        char c = 1;
        if (write(ready[1], &c, 1) != 1) _exit(7);
      }
    }
  }
  close(ready[1]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1) << "the child failed before its big transaction";
  close(ready[0]);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status));

  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Total(*store, ByCode("x")), 500);
  EXPECT_EQ(store->History({})->total, 500);
  EXPECT_EQ(**store->GetMeta("state"), "one");
  EXPECT_TRUE(store->Read("Observation", "committed499")->has_value());
  EXPECT_FALSE(store->Read("Observation", "lost0")->has_value());
  // The store is writable again.
  auto txn = *store->BeginWrite();
  ASSERT_TRUE(txn->Put(W("lost0")).ok());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(Total(*store, ByCode("x")), 501);
}

// The query plan of the hot searches: no full scans, the correlated EXISTS
// probes use the (rid, param) primary key.
TEST_F(SqliteStoreTest, HotQueriesUseIndexes) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/vigil.db").c_str(), &db), SQLITE_OK);
  auto plan = [&](const Query& q) {
    std::string sql = "EXPLAIN QUERY PLAN " + sqlite_internal::SearchPageSql(q, 0).sql;
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    std::string out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      out += reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
      out += "\n";
    }
    sqlite3_finalize(st);
    return out;
  };
  Query q = ByCode("1234-5");
  q.all_of.push_back(
      {"patient", RowKind::kReference, false, {ReferenceMatch{"Patient", "p1", ""}}});
  std::string p = plan(q);
  EXPECT_EQ(p.find("SCAN"), std::string::npos) << p;
  EXPECT_NE(p.find("idx_reference_target_rid"), std::string::npos) << p;
  EXPECT_NE(p.find("idx_reference_target "), std::string::npos) << p;
  EXPECT_EQ(p.find("idx_token_code"), std::string::npos) << p;
  // A typeless id among the parameter's targets, a chain, _has and a compartment.
  for (Predicate reference : std::vector<Predicate>{
           ReferenceMatch{"", "p1", "", {"Patient", "Group"}},
           ChainMatch{std::make_shared<Query>(ByCode("x"))},
       }) {
    Query by_target;
    by_target.type = "Observation";
    by_target.all_of.push_back({"subject", RowKind::kReference, false, {reference}});
    p = plan(by_target);
    EXPECT_EQ(p.find("SCAN"), std::string::npos) << p;
    EXPECT_NE(p.find("idx_reference_target_rid"), std::string::npos) << p;
  }
  Query has;
  has.type = "Patient";
  has.all_of.push_back({"_id", RowKind::kId, false, {IdMatch{"p1"}}});
  has.all_of.push_back({"_has",
                        RowKind::kReference,
                        false,
                        {ReverseChainMatch{"subject", std::make_shared<Query>(ByCode("x"))}}});
  p = plan(has);
  EXPECT_EQ(p.find("SCAN"), std::string::npos) << p;
  EXPECT_NE(p.find("idx_reference_target_rid"), std::string::npos) << p;
  Query compartment;
  compartment.type = "Observation";
  compartment.all_of.push_back({"_compartment",
                                RowKind::kReference,
                                false,
                                {CompartmentMatch{{"subject", "performer"}, "Patient", "p1"}}});
  p = plan(compartment);
  EXPECT_EQ(p.find("SCAN"), std::string::npos) << p;
  EXPECT_NE(p.find("idx_reference_target_rid"), std::string::npos) << p;
  // By id.
  Query by_id;
  by_id.type = "Observation";
  by_id.all_of.push_back({"_id", RowKind::kId, false, {IdMatch{"a"}}});
  p = plan(by_id);
  EXPECT_EQ(p.find("SCAN"), std::string::npos) << p;
  // _revinclude-style search: who refers to Patient/p1.
  Query rev;
  rev.type = "Observation";
  rev.all_of.push_back(
      {"subject", RowKind::kReference, false, {ReferenceMatch{"Patient", "p1", ""}}});
  p = plan(rev);
  EXPECT_EQ(p.find("SCAN"), std::string::npos) << p;
  // A composite alone drives through its first component's code; beside a
  // token clause it is probed by primary key.
  CompositeMatch bp{
      {TokenMatch{"http://loinc.org", "8480-6"},
       QuantityMatch{NumberMatch{Prefix::kGt, 140, 139.5, 140.5}, std::nullopt, std::nullopt}}};
  Query composite;
  composite.type = "Observation";
  composite.all_of.push_back({"component-code-value-quantity", RowKind::kComposite, false, {bp}});
  p = plan(composite);
  EXPECT_EQ(p.find("SCAN"), std::string::npos) << p;
  EXPECT_NE(p.find("idx_composite_code"), std::string::npos) << p;
  Query both = ByCode("1234-5");
  both.all_of.push_back(composite.all_of[0]);
  p = plan(both);
  EXPECT_EQ(p.find("SCAN"), std::string::npos) << p;
  EXPECT_NE(p.find("idx_token_code"), std::string::npos) << p;
  sqlite3_close(db);
}

// A version-2 file (composite index over every part) is moved to version 3 on
// open: the index then holds first components only and searches still use it.
TEST_F(SqliteStoreTest, OpeningAVersion2FileRebuildsTheCompositeIndex) {
  Open().reset();
  std::string path = dir_ + "/vigil.db";
  {
    auto db = sqlite_internal::Connection::Open(path, /*writer=*/true, false);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(
        (*db)
            ->Exec("DROP INDEX idx_composite_code;"
                   "CREATE INDEX idx_composite_code ON idx_composite(param, part, code, system);"
                   "INSERT INTO idx_composite(rid, param, grp, part, code) VALUES "
                   "(1, 'p', 0, 0, 'a'), (1, 'p', 0, 1, 'b');"
                   "PRAGMA user_version = 2")
            .ok());
  }
  ASSERT_NE(Open(), nullptr);
  EXPECT_EQ(FirstValue("PRAGMA user_version"), "5");
  EXPECT_NE(FirstValue("SELECT sql FROM sqlite_master WHERE name = 'idx_composite_code'")
                .find("WHERE part = 0"),
            std::string::npos);
  EXPECT_EQ(FirstValue("SELECT count(*) FROM idx_composite INDEXED BY idx_composite_code "
                       "WHERE param = 'p' AND part = 0 AND code = 'a'"),
            "1");
}

// A version-3 file (reference rows without target_rid, every row in one
// target index) is moved to version 4 on open: rows whose target exists get
// its rid, and searches find both kinds of row.
TEST_F(SqliteStoreTest, OpeningAVersion3FileResolvesReferenceTargets) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    auto txn = *store->BeginWrite();
    ResourceWrite patient = W("p1");
    patient.type = "Patient";
    patient.index = {};
    ASSERT_TRUE(txn->Put(std::move(patient)).ok());
    for (const char* id : {"a", "b"}) {
      ResourceWrite w = W(id);
      w.index.references = {{"subject", "Patient", id == std::string("a") ? "p1" : "p2", ""}};
      ASSERT_TRUE(txn->Put(std::move(w)).ok());
    }
    ASSERT_TRUE(txn->Commit().ok());
  }
  std::string path = dir_ + "/vigil.db";
  {
    auto db = sqlite_internal::Connection::Open(path, /*writer=*/true, false);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)
                    ->Exec("DROP INDEX idx_reference_target_rid; DROP INDEX idx_reference_target;"
                           "ALTER TABLE idx_reference DROP COLUMN target_rid;"
                           "CREATE INDEX idx_reference_target ON "
                           "idx_reference(param, target_id, target_type);"
                           "PRAGMA user_version = 3")
                    .ok());
  }
  std::vector<std::string> notices;
  SqliteOptions told;
  told.notice = [&](std::string_view what) { notices.emplace_back(what); };
  auto store = Open(told);
  ASSERT_NE(store, nullptr);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("schema version 3 to 5"), std::string::npos) << notices[0];
  EXPECT_EQ(FirstValue("PRAGMA user_version"), "5");
  EXPECT_EQ(FirstValue("SELECT group_concat(target_id || ':' || (target_rid IS NOT NULL)) FROM "
                       "(SELECT * FROM idx_reference ORDER BY target_id)"),
            "p1:1,p2:0");
  for (const char* target : {"p1", "p2"}) {
    Query q;
    q.type = "Observation";
    q.all_of.push_back(
        {"subject", RowKind::kReference, false, {ReferenceMatch{"Patient", target, ""}}});
    absl::StatusOr<SearchPage> page = store->Search(q);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(page->resources.size(), 1u) << target;
    EXPECT_EQ(page->resources[0].id, target == std::string("p1") ? "a" : "b");
  }
  store.reset();
  ASSERT_NE(Open(told), nullptr);
  EXPECT_EQ(notices.size(), 1u);  // upgraded once
}

// A Put that fails halfway (here: a trigger aborts the versions insert) makes
// Commit fail and roll back; the listener hears nothing of that transaction,
// and the next one numbers its events as if it had never happened.
TEST_F(SqliteStoreTest, FailedCommitAnnouncesNothing) {
  Open().reset();  // creates the schema
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/vigil.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TRIGGER boom BEFORE INSERT ON versions "
                         "WHEN CAST(NEW.json AS TEXT) = 'boom' "
                         "BEGIN SELECT RAISE(ABORT, 'boom'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = Open();
  std::vector<ChangeEvent> seen;
  store->SetChangeListener([&](std::vector<ChangeEvent> events) {
    seen.insert(seen.end(), events.begin(), events.end());
  });
  auto txn = *store->BeginWrite();
  ASSERT_TRUE(txn->Put(W("a")).ok());
  ResourceWrite bad = W("b");
  bad.json = "boom";
  absl::Status put = txn->Put(bad);
  EXPECT_TRUE(absl::IsInternal(put)) << put;
  EXPECT_FALSE(txn->Commit().ok());
  EXPECT_TRUE(seen.empty());
  EXPECT_FALSE(store->Read("Observation", "a")->has_value());

  txn = *store->BeginWrite();
  ASSERT_TRUE(txn->Put(W("c")).ok());
  ASSERT_TRUE(txn->Commit().ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].sequence, 1u);
  EXPECT_EQ(seen[0].id, "c");
  EXPECT_EQ(seen[0].patient_id, "p1");  // W's "subject" reference row
}

// Another process writing the same file (here: a second Store object with its
// own connections) reaches the listener: by AnnounceExternalWrites, or ahead of
// this store's next own write, in commit order; never twice.
TEST_F(SqliteStoreTest, WritesOfOtherProcessesAreAnnouncedInCommitOrder) {
  auto store = Open();
  auto other = Open();
  auto put = [](Store& s, std::vector<ResourceWrite> writes) {
    auto txn = *s.BeginWrite();
    for (ResourceWrite& w : writes) ASSERT_TRUE(txn->Put(std::move(w)).ok());
    ASSERT_TRUE(txn->Commit().ok());
  };
  put(*other, {W("before")});  // before the listener: not announced
  std::vector<ChangeEvent> seen;
  store->SetChangeListener([&](std::vector<ChangeEvent> events) {
    seen.insert(seen.end(), events.begin(), events.end());
  });
  EXPECT_EQ(*store->AnnounceExternalWrites(), 0u);

  ResourceWrite deleted = W("before", 2);
  deleted.deleted = true;
  deleted.index = {};
  put(*other, {W("x1"), W("x2")});
  put(*other, {std::move(deleted)});
  EXPECT_TRUE(seen.empty());  // nothing until asked
  EXPECT_EQ(*store->AnnounceExternalWrites(), 3u);
  EXPECT_EQ(*store->AnnounceExternalWrites(), 0u);
  put(*other, {W("x3")});
  put(*store, {W("own")});  // picks up x3 first
  put(*other, {W("x1", 2)});
  EXPECT_EQ(*store->AnnounceExternalWrites(), 1u);

  std::vector<std::string> order;
  for (const ChangeEvent& e : seen) {
    order.push_back(e.id + "@" + std::to_string(e.version) + (e.deleted ? "-" : "") + ":" +
                    e.patient_id + "#" + std::to_string(e.sequence));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"x1@1:p1#1", "x2@1:p1#2", "before@2-:#3",
                                             "x3@1:p1#4", "own@1:p1#5", "x1@2:p1#6"}));
  EXPECT_EQ(seen[0].time_ms, 1001);
  EXPECT_EQ(seen[0].type, "Observation");
}

// A large foreign load is announced whole, in chunks.
TEST_F(SqliteStoreTest, LargeForeignLoadsAreAnnouncedWhole) {
  auto store = Open();
  auto other = Open();
  uint64_t seen = 0, last = 0;
  bool ordered = true;
  store->SetChangeListener([&](std::vector<ChangeEvent> events) {
    for (const ChangeEvent& e : events) {
      ordered = ordered && e.sequence == last + 1;
      last = e.sequence;
    }
    seen += events.size();
  });
  auto txn = *other->BeginWrite();
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(txn->Put(W("o" + std::to_string(i))).ok());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(*store->AnnounceExternalWrites(), 10000u);
  EXPECT_EQ(seen, 10000u);
  EXPECT_TRUE(ordered);
}

TEST_F(SqliteStoreTest, RejectsAFileThatIsNotADatabase) {
  std::filesystem::create_directories(dir_);
  FILE* f = fopen((dir_ + "/vigil.db").c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("this is not an sqlite database, just some text that is long enough............", f);
  fclose(f);
  auto store = OpenSqliteStore(dir_, {});
  EXPECT_FALSE(store.ok());
}

}  // namespace
}  // namespace vigil::store
