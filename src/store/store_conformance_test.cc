// The store conformance suite: every store::Store implementation runs these
// tests unchanged (store.h, index.h and query.h are the specification).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace vigil::store {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

// ms since the epoch of a UTC calendar day (days_from_civil, H. Hinnant).
int64_t Day(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468) * 86400000;
}
constexpr int64_t kDayMs = 86400000;
const int64_t kNow = Day(2024, 1, 1);

struct Factory {
  std::string name;
  // Opens a store in `dir` (an empty directory it may use) with clock kNow.
  std::function<std::unique_ptr<Store>(const std::string& dir)> open;
};

std::ostream& operator<<(std::ostream& os, const Factory& f) { return os << f.name; }

class StoreTest : public ::testing::TestWithParam<Factory> {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/store_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static ResourceWrite W(std::string type, std::string id, int64_t version = 1,
                         IndexEntries index = {}) {
    ResourceWrite w;
    w.type = std::move(type);
    w.id = std::move(id);
    w.version = version;
    w.last_updated = Day(2023, 1, 1) + version;
    w.json = "{\"resourceType\":\"" + w.type + "\",\"id\":\"" + w.id +
             "\",\"v\":" + std::to_string(version) + "}";
    w.index = std::move(index);
    return w;
  }
  static ResourceWrite Tombstone(std::string type, std::string id, int64_t version) {
    ResourceWrite w = W(std::move(type), std::move(id), version);
    w.deleted = true;
    w.json.clear();
    return w;
  }

  // Writes and commits `writes` in one transaction.
  void Commit(std::vector<ResourceWrite> writes) {
    absl::StatusOr<std::unique_ptr<WriteTxn>> txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok()) << txn.status();
    for (ResourceWrite& w : writes) ASSERT_TRUE((*txn)->Put(std::move(w)).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  SearchPage Search(const Query& q, Reader* reader = nullptr) {
    absl::StatusOr<SearchPage> page = (reader ? reader : store_.get())->Search(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : SearchPage{};
  }
  // Ids of the matches in result order.
  std::vector<std::string> Ids(const Query& q, Reader* reader = nullptr) {
    std::vector<std::string> ids;
    for (const StoredResource& r : Search(q, reader).resources) ids.push_back(r.id);
    return ids;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
};

Clause C(std::string param, RowKind kind, std::vector<Predicate> any_of, bool negate = false) {
  return Clause{std::move(param), kind, negate, std::move(any_of)};
}
Query Q(std::string type, std::vector<Clause> all_of = {}) {
  Query q;
  q.type = std::move(type);
  q.all_of = std::move(all_of);
  q.count = 1000;
  return q;
}
IndexEntries Tokens(std::vector<TokenRow> rows) {
  IndexEntries ix;
  ix.tokens = std::move(rows);
  return ix;
}
IndexEntries Ref(std::string param, std::string type, std::string id) {
  IndexEntries ix;
  ix.references.push_back({std::move(param), type, id, type + "/" + id});
  return ix;
}

// --- Versions, tombstones, history, transactions -------------------------------------------

TEST_P(StoreTest, CreateReadAndVersionNumbering) {
  Commit({W("Patient", "p1")});
  auto r = store_->Read("Patient", "p1");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->type, "Patient");
  EXPECT_EQ((*r)->id, "p1");
  EXPECT_EQ((*r)->version, 1);
  EXPECT_EQ((*r)->last_updated, Day(2023, 1, 1) + 1);
  EXPECT_FALSE((*r)->deleted);
  EXPECT_EQ((*r)->json, W("Patient", "p1").json);
  EXPECT_FALSE(store_->Read("Patient", "nope")->has_value());
  EXPECT_FALSE(store_->Read("Observation", "p1")->has_value());

  auto txn = *store_->BeginWrite();
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->Put(W("Patient", "p1", 1))));
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->Put(W("Patient", "p1", 3))));
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->Put(W("Patient", "p2", 2))));
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->Put(W("Patient", "p2", 0))));
  // A rejected Put leaves the transaction usable.
  ASSERT_TRUE(txn->Put(W("Patient", "p1", 2)).ok());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ((*store_->Read("Patient", "p1"))->version, 2);
  EXPECT_FALSE(store_->Read("Patient", "p2")->has_value());
}

TEST_P(StoreTest, ReadVersionReturnsEveryVersion) {
  Commit({W("Patient", "p1", 1)});
  Commit({W("Patient", "p1", 2)});
  for (int64_t v : {1, 2}) {
    auto r = store_->ReadVersion("Patient", "p1", v);
    ASSERT_TRUE(r.ok() && r->has_value());
    EXPECT_EQ((*r)->version, v);
    EXPECT_EQ((*r)->json, W("Patient", "p1", v).json);
  }
  EXPECT_FALSE(store_->ReadVersion("Patient", "p1", 3)->has_value());
  EXPECT_FALSE(store_->ReadVersion("Patient", "p1", 0)->has_value());
  EXPECT_FALSE(store_->ReadVersion("Patient", "p9", 1)->has_value());
}

TEST_P(StoreTest, TombstoneIsReadableButNotSearchable) {
  TokenRow code{"code", "http://loinc.org", "1234-5", ""};
  Commit({W("Observation", "o1", 1, Tokens({code}))});
  Query q = Q("Observation", {C("code", RowKind::kToken, {TokenMatch{std::nullopt, "1234-5"}})});
  EXPECT_THAT(Ids(q), ElementsAre("o1"));

  Commit({Tombstone("Observation", "o1", 2)});
  auto r = store_->Read("Observation", "o1");
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_TRUE((*r)->deleted);
  EXPECT_EQ((*r)->version, 2);
  EXPECT_EQ((*r)->json, "");
  EXPECT_THAT(Ids(q), IsEmpty());
  EXPECT_EQ(Search(q).total, 0);
  EXPECT_THAT(Ids(Q("Observation")), IsEmpty());
  EXPECT_EQ((*store_->ReadVersion("Observation", "o1", 1))->json, W("Observation", "o1").json);

  // Writing again after a delete revives it.
  Commit({W("Observation", "o1", 3, Tokens({code}))});
  EXPECT_THAT(Ids(q), ElementsAre("o1"));
}

// A resource's many rows of one table (the SQLite store inserts them 8 to
// a statement) are all written: 20 codes, each found.
TEST_P(StoreTest, EveryOneOfManyRowsIsWritten) {
  std::vector<TokenRow> rows;
  for (int i = 0; i < 20; ++i) rows.push_back({"code", "s", "c" + std::to_string(i), ""});
  rows.push_back(rows[3]);  // a duplicate is one row
  Commit({W("Observation", "o1", 1, Tokens(rows))});
  for (int i = 0; i < 20; ++i) {
    EXPECT_THAT(Ids(Q("Observation",
                      {C("code", RowKind::kToken, {TokenMatch{"s", "c" + std::to_string(i)}})})),
                ElementsAre("o1"))
        << i;
  }
}

TEST_P(StoreTest, UpdateReplacesIndexRows) {
  Commit({W("Observation", "o1", 1, Tokens({{"code", "s", "old", ""}}))});
  Commit({W("Observation", "o1", 2, Tokens({{"code", "s", "new", ""}}))});
  EXPECT_THAT(Ids(Q("Observation", {C("code", RowKind::kToken, {TokenMatch{"s", "old"}})})),
              IsEmpty());
  EXPECT_THAT(Ids(Q("Observation", {C("code", RowKind::kToken, {TokenMatch{"s", "new"}})})),
              ElementsAre("o1"));
}

std::vector<std::string> Versions(const HistoryPage& page) {
  std::vector<std::string> out;
  for (const StoredResource& r : page.versions) {
    out.push_back(r.type + "/" + r.id + "/" + std::to_string(r.version) + (r.deleted ? "x" : ""));
  }
  return out;
}

TEST_P(StoreTest, HistoryNewestFirstWithTombstones) {
  Commit({W("Patient", "p1", 1), W("Observation", "o1", 1)});
  Commit({W("Patient", "p2", 1)});
  Commit({W("Patient", "p1", 2)});
  Commit({Tombstone("Observation", "o1", 2)});
  Commit({Tombstone("Patient", "p1", 3)});

  HistoryQuery all;
  auto sys = store_->History(all);
  ASSERT_TRUE(sys.ok());
  EXPECT_EQ(sys->total, 6);
  EXPECT_THAT(Versions(*sys), ElementsAre("Patient/p1/3x", "Observation/o1/2x", "Patient/p1/2",
                                          "Patient/p2/1", "Observation/o1/1", "Patient/p1/1"));

  auto type = store_->History({"Patient", "", std::nullopt, 0, 50});
  EXPECT_EQ(type->total, 4);
  EXPECT_THAT(Versions(*type),
              ElementsAre("Patient/p1/3x", "Patient/p1/2", "Patient/p2/1", "Patient/p1/1"));

  auto instance = store_->History({"Patient", "p1", std::nullopt, 0, 50});
  EXPECT_EQ(instance->total, 3);
  EXPECT_THAT(Versions(*instance), ElementsAre("Patient/p1/3x", "Patient/p1/2", "Patient/p1/1"));
  EXPECT_EQ(instance->versions[1].json, W("Patient", "p1", 2).json);

  // Paging: total stays the full count.
  auto page = store_->History({"Patient", "", std::nullopt, 1, 2});
  EXPECT_EQ(page->total, 4);
  EXPECT_THAT(Versions(*page), ElementsAre("Patient/p1/2", "Patient/p2/1"));

  // since: W() sets last_updated = 2023-01-01 + version ms.
  auto since = store_->History({"", "", Day(2023, 1, 1) + 2, 0, 50});
  EXPECT_EQ(since->total, 3);
  EXPECT_THAT(Versions(*since), ElementsAre("Patient/p1/3x", "Observation/o1/2x", "Patient/p1/2"));

  auto none = store_->History({"Encounter", "", std::nullopt, 0, 50});
  EXPECT_EQ(none->total, 0);
  EXPECT_THAT(none->versions, IsEmpty());
}

TEST_P(StoreTest, DestroyingTxnWithoutCommitRollsBack) {
  Commit({W("Patient", "p1", 1)});
  {
    auto txn = *store_->BeginWrite();
    ASSERT_TRUE(txn->Put(W("Patient", "p1", 2, Tokens({{"code", "", "x", ""}}))).ok());
    ASSERT_TRUE(txn->Put(W("Patient", "p2", 1)).ok());
    ASSERT_TRUE(txn->PutMeta("k", "v").ok());
  }
  EXPECT_EQ((*store_->Read("Patient", "p1"))->version, 1);
  EXPECT_FALSE(store_->Read("Patient", "p2")->has_value());
  EXPECT_FALSE(store_->GetMeta("k")->has_value());
  EXPECT_EQ(store_->History({})->total, 1);
  EXPECT_THAT(Ids(Q("Patient", {C("code", RowKind::kToken, {TokenMatch{std::nullopt, "x"}})})),
              IsEmpty());
  // The next transaction starts from the committed state.
  Commit({W("Patient", "p1", 2), W("Patient", "p2", 1)});
  EXPECT_THAT(Ids(Q("Patient")), UnorderedElementsAre("p1", "p2"));
}

TEST_P(StoreTest, ReadsInTxnSeeOwnWritesAndOthersDoNot) {
  Commit({W("Patient", "p1", 1)});
  auto txn = *store_->BeginWrite();
  ASSERT_TRUE(txn->Put(W("Patient", "p1", 2, Ref("organization", "Organization", "o1"))).ok());
  ASSERT_TRUE(txn->Put(W("Patient", "p2", 1)).ok());
  ASSERT_TRUE(txn->PutMeta("cursor", "42").ok());

  EXPECT_EQ((*txn->Read("Patient", "p1"))->version, 2);
  EXPECT_EQ((*txn->ReadVersion("Patient", "p1", 2))->version, 2);
  EXPECT_TRUE(txn->Read("Patient", "p2")->has_value());
  EXPECT_THAT(Ids(Q("Patient"), txn.get()), UnorderedElementsAre("p1", "p2"));
  EXPECT_EQ(**txn->GetMeta("cursor"), "42");
  auto refs = txn->References({{"Patient", "p1"}}, "");
  ASSERT_TRUE(refs.ok());
  EXPECT_THAT(*refs, ElementsAre(ResourceKey{"Organization", "o1"}));
  // Version checks see the txn's own writes.
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->Put(W("Patient", "p2", 1))));

  // The store, even from this thread, sees only committed data.
  EXPECT_EQ((*store_->Read("Patient", "p1"))->version, 1);
  EXPECT_THAT(Ids(Q("Patient")), ElementsAre("p1"));
  EXPECT_FALSE(store_->GetMeta("cursor")->has_value());

  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->Commit()));
  EXPECT_THAT(Ids(Q("Patient")), UnorderedElementsAre("p1", "p2"));
  EXPECT_EQ(**store_->GetMeta("cursor"), "42");
}

// BeginRead's Reader reads what is committed, through every Reader call, and
// holds nothing that keeps a writer from committing while it is open.
TEST_P(StoreTest, BeginReadReadsWhatIsCommitted) {
  {
    auto txn = *store_->BeginWrite();
    ASSERT_TRUE(txn->Put(W("Patient", "p1", 1, Ref("organization", "Organization", "o1"))).ok());
    ASSERT_TRUE(txn->PutMeta("cursor", "7").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  absl::StatusOr<std::unique_ptr<Reader>> reader = store_->BeginRead();
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*(*reader)->Read("Patient", "p1"))->version, 1);
  EXPECT_EQ((*(*reader)->ReadVersion("Patient", "p1", 1))->json, W("Patient", "p1").json);
  EXPECT_FALSE((*reader)->Read("Patient", "p2")->has_value());
  EXPECT_THAT(Ids(Q("Patient"), reader->get()), ElementsAre("p1"));
  EXPECT_EQ(**(*reader)->GetMeta("cursor"), "7");
  auto refs = (*reader)->References({{"Patient", "p1"}}, "");
  ASSERT_TRUE(refs.ok());
  EXPECT_THAT(*refs, ElementsAre(ResourceKey{"Organization", "o1"}));

  Commit({W("Patient", "p2", 1)});
  reader->reset();
  EXPECT_THAT(Ids(Q("Patient")), UnorderedElementsAre("p1", "p2"));
}

TEST_P(StoreTest, MetaGetAndPut) {
  EXPECT_FALSE(store_->GetMeta("a")->has_value());
  auto txn = *store_->BeginWrite();
  ASSERT_TRUE(txn->PutMeta("a", "1").ok());
  ASSERT_TRUE(txn->PutMeta("b", std::string("bin\0ary", 7)).ok());
  ASSERT_TRUE(txn->PutMeta("a", "2").ok());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(**store_->GetMeta("a"), "2");
  EXPECT_EQ(**store_->GetMeta("b"), std::string("bin\0ary", 7));
}

// --- Search: one test per predicate kind ---------------------------------------------------

TEST_P(StoreTest, TokenSystemCodeForms) {
  Commit({
      W("Observation", "a", 1, Tokens({{"code", "http://loinc.org", "1234-5", ""}})),
      W("Observation", "b", 1, Tokens({{"code", "", "1234-5", ""}})),
      W("Observation", "c", 1, Tokens({{"code", "http://loinc.org", "9999-9", ""}})),
      W("Observation", "d", 1, Tokens({{"category", "http://loinc.org", "1234-5", ""}})),
      W("Observation", "e"),
  });
  auto tok = [&](std::optional<std::string> system, std::optional<std::string> code,
                 bool negate = false) {
    return Ids(Q("Observation", {C("code", RowKind::kToken, {TokenMatch{system, code}}, negate)}));
  };
  EXPECT_THAT(tok("http://loinc.org", "1234-5"), UnorderedElementsAre("a"));  // system|code
  EXPECT_THAT(tok("", "1234-5"), UnorderedElementsAre("b"));                  // |code
  EXPECT_THAT(tok(std::nullopt, "1234-5"), UnorderedElementsAre("a", "b"));   // code
  EXPECT_THAT(tok("http://loinc.org", std::nullopt), UnorderedElementsAre("a", "c"));  // system|
  // :not matches resources without any matching row, including those without rows.
  EXPECT_THAT(tok(std::nullopt, "1234-5", true), UnorderedElementsAre("c", "d", "e"));
  // OR of one URL parameter.
  EXPECT_THAT(
      Ids(Q("Observation", {C("code", RowKind::kToken,
                              {TokenMatch{"", "1234-5"}, TokenMatch{std::nullopt, "9999-9"}})})),
      UnorderedElementsAre("b", "c"));
}

TEST_P(StoreTest, TokenText) {
  Commit({
      W("Condition", "a", 1, Tokens({{"code", "s", "1", "type 2 diabetes mellitus"}})),
      W("Condition", "b", 1, Tokens({{"code", "s", "2", "diabetic foot"}})),
      W("Condition", "c", 1, Tokens({{"code", "s", "3", "prediabetes"}})),
  });
  auto text = [&](std::string t) {
    return Ids(Q("Condition", {C("code", RowKind::kToken, {TokenTextMatch{t}})}));
  };
  EXPECT_THAT(text("diabet"), UnorderedElementsAre("a", "b"));  // prefix or word prefix
  EXPECT_THAT(text("type 2"), UnorderedElementsAre("a"));
  EXPECT_THAT(text("mell"), UnorderedElementsAre("a"));
  EXPECT_THAT(text("pred"), UnorderedElementsAre("c"));
  EXPECT_THAT(text("abetes"), IsEmpty());
}

TEST_P(StoreTest, StringStartsWithExactContains) {
  auto names = [](std::vector<StringRow> rows) {
    IndexEntries ix;
    ix.strings = std::move(rows);
    return ix;
  };
  Commit({
      W("Patient", "a", 1, names({{"name", "smith", "Smith"}})),
      W("Patient", "b", 1, names({{"name", "smithson", "Smithson"}})),
      W("Patient", "c", 1, names({{"name", "goldsmith", "Goldsmith"}, {"name", "eve", "Eve"}})),
      W("Patient", "d", 1, names({{"family", "smith", "Smith"}})),
  });
  auto str = [&](StringMatch::Mode mode, std::string v) {
    return Ids(Q("Patient", {C("name", RowKind::kString, {StringMatch{mode, v}})}));
  };
  using M = StringMatch::Mode;
  EXPECT_THAT(str(M::kStartsWith, "smith"), UnorderedElementsAre("a", "b"));
  EXPECT_THAT(str(M::kStartsWith, ""), UnorderedElementsAre("a", "b", "c"));
  EXPECT_THAT(str(M::kExact, "Smith"), UnorderedElementsAre("a"));
  EXPECT_THAT(str(M::kExact, "smith"), IsEmpty());
  EXPECT_THAT(str(M::kContains, "mith"), UnorderedElementsAre("a", "b", "c"));
  EXPECT_THAT(str(M::kContains, "ve"), UnorderedElementsAre("c"));
}

// Five date rows against the search interval "2020" (store/query.h table).
TEST_P(StoreTest, DatePrefixes) {
  auto date = [](int64_t low, int64_t high) {
    IndexEntries ix;
    ix.dates.push_back({"date", low, high});
    return ix;
  };
  auto day = [&](int y, unsigned m, unsigned d) {
    return date(Day(y, m, d), Day(y, m, d) + kDayMs - 1);
  };
  Commit({
      W("Observation", "A", 1, day(2019, 6, 1)),                           // before
      W("Observation", "B", 1, day(2020, 3, 1)),                           // within
      W("Observation", "C", 1, date(Day(2020, 12, 1), Day(2021, 2, 1))),   // overlaps the end
      W("Observation", "D", 1, day(2021, 6, 1)),                           // after, beyond ap
      W("Observation", "E", 1, date(Day(2019, 12, 1), Day(2021, 1, 31))),  // contains
      W("Observation", "F", 1, day(2021, 3, 1)),                           // after, within ap
      W("Observation", "G", 1, date(kMinTime, Day(2019, 1, 1))),           // open start
  });
  const int64_t low = Day(2020, 1, 1);
  const int64_t high = Day(2021, 1, 1) - 1;
  struct Case {
    Prefix prefix;
    std::vector<std::string> expected;
  };
  // ap: now = 2024-01-01 is ~3 years after the interval; widened by ~110 days.
  for (const Case& c : std::vector<Case>{
           {Prefix::kEq, {"B"}},
           {Prefix::kNe, {"A", "C", "D", "E", "F", "G"}},
           {Prefix::kGt, {"C", "D", "E", "F"}},
           {Prefix::kLt, {"A", "E", "G"}},
           {Prefix::kGe, {"B", "C", "D", "E", "F"}},
           {Prefix::kLe, {"A", "B", "C", "E", "G"}},
           {Prefix::kSa, {"D", "F"}},
           {Prefix::kEb, {"A", "G"}},
           {Prefix::kAp, {"B", "C", "E", "F"}},
       }) {
    SCOPED_TRACE(static_cast<int>(c.prefix));
    EXPECT_THAT(
        Ids(Q("Observation", {C("date", RowKind::kDate, {DateMatch{c.prefix, low, high}})})),
        UnorderedElementsAreArray(c.expected));
  }
}

IndexEntries Number(std::string param, double value, double half) {
  IndexEntries ix;
  ix.numbers.push_back({std::move(param), value, value - half, value + half});
  return ix;
}

TEST_P(StoreTest, NumberPrefixes) {
  Commit({
      W("RiskAssessment", "a", 1, Number("probability", 50, 0.5)),
      W("RiskAssessment", "b", 1, Number("probability", 100, 0.5)),
      W("RiskAssessment", "c", 1, Number("probability", 100.2, 0.05)),
      W("RiskAssessment", "d", 1, Number("probability", 105, 0.5)),
      W("RiskAssessment", "e", 1, Number("probability", 200, 0.5)),
      W("RiskAssessment", "f", 1, Number("probability", 95, 0.5)),
  });
  struct Case {
    Prefix prefix;
    std::vector<std::string> expected;
  };
  // Search "100" = [99.5, 100.5]; ap widens by 10 to [89.5, 110.5]. The row value
  // is a point: gt/lt/ge/le compare it with 100 itself, so 100.2 is gt100.
  for (const Case& c : std::vector<Case>{
           {Prefix::kEq, {"b", "c"}},
           {Prefix::kNe, {"a", "d", "e", "f"}},
           {Prefix::kGt, {"c", "d", "e"}},
           {Prefix::kLt, {"a", "f"}},
           {Prefix::kGe, {"b", "c", "d", "e"}},
           {Prefix::kLe, {"a", "b", "f"}},
           {Prefix::kSa, {"d", "e"}},
           {Prefix::kEb, {"a", "f"}},
           {Prefix::kAp, {"b", "c", "d", "f"}},
       }) {
    SCOPED_TRACE(static_cast<int>(c.prefix));
    EXPECT_THAT(Ids(Q("RiskAssessment", {C("probability", RowKind::kNumber,
                                           {NumberMatch{c.prefix, 100, 99.5, 100.5}})})),
                UnorderedElementsAreArray(c.expected));
  }
}

TEST_P(StoreTest, QuantityWithAndWithoutSystemAndCode) {
  auto qty = [](double v, std::string system, std::string code, std::string unit) {
    IndexEntries ix;
    ix.quantities.push_back({"value-quantity", v, v - 0.5, v + 0.5, system, code, unit});
    return ix;
  };
  const std::string ucum = "http://unitsofmeasure.org";
  Commit({
      W("Observation", "a", 1, qty(5, ucum, "mg", "milligram")),
      W("Observation", "b", 1, qty(5, ucum, "g", "gram")),
      W("Observation", "c", 1, qty(5, "", "", "mg")),
      W("Observation", "d", 1, qty(9, ucum, "mg", "mg")),
  });
  auto search = [&](std::optional<std::string> system, std::optional<std::string> code,
                    Prefix prefix = Prefix::kEq) {
    QuantityMatch m{NumberMatch{prefix, 5, 4.5, 5.5}, system, code};
    return Ids(Q("Observation", {C("value-quantity", RowKind::kQuantity, {m})}));
  };
  EXPECT_THAT(search(std::nullopt, std::nullopt), UnorderedElementsAre("a", "b", "c"));
  EXPECT_THAT(search(ucum, "mg"), UnorderedElementsAre("a"));
  EXPECT_THAT(search(ucum, std::nullopt), UnorderedElementsAre("a", "b"));
  // Without a system the code also matches the unit text.
  EXPECT_THAT(search(std::nullopt, "mg"), UnorderedElementsAre("a", "c"));
  EXPECT_THAT(search(ucum, "mg", Prefix::kGt), UnorderedElementsAre("d"));
  EXPECT_THAT(search(std::nullopt, "mg", Prefix::kGe), UnorderedElementsAre("a", "c", "d"));
}

TEST_P(StoreTest, ReferenceByTypeIdAndUrl) {
  IndexEntries canonical;
  canonical.references.push_back({"subject", "", "", "http://other.org/fhir/Patient/9"});
  Commit({
      W("Observation", "a", 1, Ref("subject", "Patient", "p1")),
      W("Observation", "b", 1, Ref("subject", "Group", "p1")),
      W("Observation", "c", 1, Ref("subject", "Patient", "p2")),
      W("Observation", "d", 1, canonical),
      W("Observation", "e", 1, Ref("performer", "Patient", "p1")),
  });
  auto ref = [&](ReferenceMatch m) {
    return Ids(Q("Observation", {C("subject", RowKind::kReference, {m})}));
  };
  EXPECT_THAT(ref({"Patient", "p1", ""}), UnorderedElementsAre("a"));
  EXPECT_THAT(ref({"", "p1", ""}), UnorderedElementsAre("a", "b"));
  EXPECT_THAT(ref({"", "", "http://other.org/fhir/Patient/9"}), UnorderedElementsAre("d"));
  EXPECT_THAT(ref({"Patient", "p9", ""}), IsEmpty());
  // An empty type is any of the parameter's targets when they are given.
  EXPECT_THAT(ref({"", "p1", "", {"Patient", "Device"}}), UnorderedElementsAre("a"));
  EXPECT_THAT(ref({"", "p1", "", {"Patient", "Group"}}), UnorderedElementsAre("a", "b"));
}

// A reference written before its target existed matches the same searches as
// one written after (the SQLite store finds the two kinds of row by different
// indexes: sqlite_schema.cc, version 4).
TEST_P(StoreTest, ReferencesMatchWhetherTheTargetCameFirstOrLater) {
  IndexEntries x = Ref("subject", "Patient", "p1");
  x.tokens.push_back({"code", "", "X", ""});
  Commit({W("Observation", "before", 1, x)});
  IndexEntries named;
  named.strings.push_back({"name", "smith", "Smith"});
  Commit({W("Patient", "p1", 1, named), W("Group", "p1")});
  Commit({W("Observation", "after", 1, x),
          W("Observation", "group", 1, Ref("subject", "Group", "p1"))});
  auto ref = [&](ReferenceMatch m) {
    return Ids(Q("Observation", {C("subject", RowKind::kReference, {m})}));
  };
  EXPECT_THAT(ref({"Patient", "p1", ""}), UnorderedElementsAre("before", "after"));
  EXPECT_THAT(ref({"", "p1", "", {"Patient"}}), UnorderedElementsAre("before", "after"));
  EXPECT_THAT(ref({"", "p1", ""}), UnorderedElementsAre("before", "after", "group"));
  auto smith = std::make_shared<Query>(
      Q("Patient",
        {C("name", RowKind::kString, {StringMatch{StringMatch::Mode::kStartsWith, "smith"}})}));
  EXPECT_THAT(Ids(Q("Observation", {C("subject", RowKind::kReference, {ChainMatch{smith}})})),
              UnorderedElementsAre("before", "after"));
  auto coded = std::make_shared<Query>(
      Q("Observation", {C("code", RowKind::kToken, {TokenMatch{std::nullopt, "X"}})}));
  EXPECT_THAT(
      Ids(Q("Patient", {C("_has", RowKind::kReference, {ReverseChainMatch{"subject", coded}})})),
      UnorderedElementsAre("p1"));
  Query in =
      Q("Observation",
        {C("_compartment", RowKind::kReference, {CompartmentMatch{{"subject"}, "Patient", "p1"}})});
  EXPECT_THAT(Ids(in), UnorderedElementsAre("before", "after"));
  // Updating the early one resolves its row; it still matches once.
  Commit({W("Observation", "before", 2, x)});
  EXPECT_THAT(ref({"Patient", "p1", ""}), UnorderedElementsAre("before", "after"));
  EXPECT_THAT(Ids(in), UnorderedElementsAre("before", "after"));
}

TEST_P(StoreTest, UriExactBelowAbove) {
  auto uri = [](std::string v) {
    IndexEntries ix;
    ix.uris.push_back({"url", std::move(v)});
    return ix;
  };
  Commit({
      W("ValueSet", "a", 1, uri("http://acme.org/fhir/ValueSet/123")),
      W("ValueSet", "b", 1, uri("http://acme.org/fhir/ValueSet/456")),
      W("ValueSet", "c", 1, uri("http://acme.org/fhir")),
      W("ValueSet", "d", 1, uri("http://other.org/fhir/ValueSet/123")),
  });
  auto search = [&](UriMatch::Mode mode, std::string v) {
    return Ids(Q("ValueSet", {C("url", RowKind::kUri, {UriMatch{mode, v}})}));
  };
  EXPECT_THAT(search(UriMatch::Mode::kExact, "http://acme.org/fhir/ValueSet/123"),
              UnorderedElementsAre("a"));
  EXPECT_THAT(search(UriMatch::Mode::kBelow, "http://acme.org/fhir/"),
              UnorderedElementsAre("a", "b"));
  EXPECT_THAT(search(UriMatch::Mode::kAbove, "http://acme.org/fhir/ValueSet/123/_history/5"),
              UnorderedElementsAre("a", "c"));
}

TEST_P(StoreTest, MissingTrueAndFalse) {
  IndexEntries both = Tokens({{"code", "", "x", ""}});
  both.dates.push_back({"date", 1, 2});
  Commit({
      W("Observation", "a", 1, both),
      W("Observation", "b", 1, Tokens({{"code", "", "y", ""}})),
      W("Observation", "c"),
  });
  auto missing = [&](std::string param, RowKind kind, bool m) {
    return Ids(Q("Observation", {C(param, kind, {MissingMatch{m}})}));
  };
  EXPECT_THAT(missing("date", RowKind::kDate, true), UnorderedElementsAre("b", "c"));
  EXPECT_THAT(missing("date", RowKind::kDate, false), UnorderedElementsAre("a"));
  EXPECT_THAT(missing("code", RowKind::kToken, true), UnorderedElementsAre("c"));
  EXPECT_THAT(missing("code", RowKind::kToken, false), UnorderedElementsAre("a", "b"));
}

TEST_P(StoreTest, ChainTwoLevels) {
  auto name = [](std::string n) {
    IndexEntries ix;
    ix.strings.push_back({"name", n, n});
    return ix;
  };
  Commit({
      W("Organization", "acme", 1, name("acme")),
      W("Organization", "other", 1, name("other")),
      W("Organization", "gone", 1, name("acme gone")),
      W("Patient", "pa", 1, Ref("organization", "Organization", "acme")),
      W("Patient", "pb", 1, Ref("organization", "Organization", "other")),
      W("Patient", "pc", 1, Ref("organization", "Organization", "gone")),
      W("Observation", "o1", 1, Ref("subject", "Patient", "pa")),
      W("Observation", "o2", 1, Ref("subject", "Patient", "pb")),
      W("Observation", "o3", 1, Ref("subject", "Group", "pa")),
      W("Observation", "o4", 1, Ref("subject", "Patient", "pc")),
  });
  Commit({Tombstone("Organization", "gone", 2)});
  // Observation?subject:Patient.organization.name=acme
  auto org = std::make_shared<Query>(
      Q("Organization",
        {C("name", RowKind::kString, {StringMatch{StringMatch::Mode::kStartsWith, "acme"}})}));
  auto patient = std::make_shared<Query>(
      Q("Patient", {C("organization", RowKind::kReference, {ChainMatch{org}})}));
  EXPECT_THAT(Ids(Q("Observation", {C("subject", RowKind::kReference, {ChainMatch{patient}})})),
              UnorderedElementsAre("o1"));
  EXPECT_THAT(Ids(*patient), UnorderedElementsAre("pa"));
}

TEST_P(StoreTest, ReverseChain) {
  Commit({
      W("Patient", "pa"),
      W("Patient", "pb"),
      W("Patient", "pc"),
      W("Group", "pa"),
  });
  IndexEntries o1 = Ref("subject", "Patient", "pa");
  o1.tokens.push_back({"code", "", "X", ""});
  IndexEntries o2 = Ref("subject", "Patient", "pb");
  o2.tokens.push_back({"code", "", "Y", ""});
  IndexEntries o3 = Ref("subject", "Patient", "pc");
  o3.tokens.push_back({"code", "", "X", ""});
  IndexEntries o4 = Ref("performer", "Patient", "pb");
  o4.tokens.push_back({"code", "", "X", ""});
  IndexEntries o5 = Ref("subject", "Group", "pa");
  o5.tokens.push_back({"code", "", "X", ""});
  Commit({W("Observation", "o1", 1, o1), W("Observation", "o2", 1, o2),
          W("Observation", "o3", 1, o3), W("Observation", "o4", 1, o4),
          W("Observation", "o5", 1, o5)});
  Commit({Tombstone("Observation", "o3", 2)});
  // Patient?_has:Observation:subject:code=X
  auto obs = std::make_shared<Query>(
      Q("Observation", {C("code", RowKind::kToken, {TokenMatch{std::nullopt, "X"}})}));
  EXPECT_THAT(
      Ids(Q("Patient", {C("_has", RowKind::kReference, {ReverseChainMatch{"subject", obs}})})),
      UnorderedElementsAre("pa"));
  EXPECT_THAT(
      Ids(Q("Group", {C("_has", RowKind::kReference, {ReverseChainMatch{"subject", obs}})})),
      UnorderedElementsAre("pa"));
}

TEST_P(StoreTest, IdMatchAndCombinedClauses) {
  Commit({
      W("Observation", "a", 1, Ref("subject", "Patient", "p1")),
      W("Observation", "b", 1, Ref("subject", "Patient", "p1")),
      W("Observation", "c", 1, Ref("subject", "Patient", "p2")),
      W("Patient", "a"),
  });
  Clause ids = C("_id", RowKind::kId, {IdMatch{"a"}, IdMatch{"c"}, IdMatch{"zzz"}});
  EXPECT_THAT(Ids(Q("Observation", {ids})), UnorderedElementsAre("a", "c"));
  Clause subject = C("subject", RowKind::kReference, {ReferenceMatch{"Patient", "p1", ""}});
  EXPECT_THAT(Ids(Q("Observation", {ids, subject})), UnorderedElementsAre("a"));
  EXPECT_THAT(Ids(Q("Observation", {subject, C("_id", RowKind::kId, {IdMatch{"b"}})})),
              UnorderedElementsAre("b"));
  EXPECT_THAT(Ids(Q("Observation", {C("_id", RowKind::kId, {MissingMatch{false}})})),
              UnorderedElementsAre("a", "b", "c"));
}

// --- Sorting, paging, totals, _include ---------------------------------------------------

TEST_P(StoreTest, SortByMultipleKeysMissingLast) {
  auto p = [](std::vector<std::string> families, std::optional<int> year) {
    IndexEntries ix;
    for (const std::string& f : families) ix.strings.push_back({"family", f, f});
    if (year) ix.dates.push_back({"birthdate", Day(*year, 1, 1), Day(*year, 12, 31)});
    return ix;
  };
  Commit({
      W("Patient", "p1", 1, p({"b"}, 2000)),
      W("Patient", "p2", 1, p({"a"}, 1990)),
      W("Patient", "p3", 1, p({"b"}, 1980)),
      W("Patient", "p4", 1, p({}, 1970)),
      W("Patient", "p5", 1, p({"c", "a"}, 1995)),
      W("Patient", "p6", 1, p({"b"}, std::nullopt)),
  });
  Query q = Q("Patient");
  q.sort = {{"family", RowKind::kString, false}, {"birthdate", RowKind::kDate, true}};
  EXPECT_THAT(Ids(q), ElementsAre("p5", "p2", "p1", "p3", "p6", "p4"));
  // Descending uses each resource's largest value; ties in store order.
  q.sort = {{"family", RowKind::kString, true}};
  EXPECT_THAT(Ids(q), ElementsAre("p5", "p1", "p3", "p6", "p2", "p4"));
  q.sort = {{"birthdate", RowKind::kDate, false}};
  EXPECT_THAT(Ids(q), ElementsAre("p4", "p3", "p2", "p5", "p1", "p6"));
  q.sort = {{"birthdate", RowKind::kDate, true}};
  EXPECT_THAT(Ids(q), ElementsAre("p1", "p5", "p2", "p3", "p4", "p6"));
  q.sort = {{"_id", RowKind::kId, true}};
  EXPECT_THAT(Ids(q), ElementsAre("p6", "p5", "p4", "p3", "p2", "p1"));
}

TEST_P(StoreTest, SortByTokenNumberAndReference) {
  IndexEntries a = Tokens({{"code", "", "m", ""}});
  a.numbers.push_back({"n", 2, 1.5, 2.5});
  a.references.push_back({"subject", "Patient", "z", "Patient/z"});
  IndexEntries b = Tokens({{"code", "", "k", ""}});
  b.numbers.push_back({"n", -1, -1.5, -0.5});
  b.references.push_back({"subject", "Patient", "b", "Patient/b"});
  Commit({W("Observation", "a", 1, a), W("Observation", "b", 1, b), W("Observation", "c")});
  Query q = Q("Observation");
  q.sort = {{"code", RowKind::kToken, false}};
  EXPECT_THAT(Ids(q), ElementsAre("b", "a", "c"));
  q.sort = {{"n", RowKind::kNumber, true}};
  EXPECT_THAT(Ids(q), ElementsAre("a", "b", "c"));
  q.sort = {{"subject", RowKind::kReference, false}};
  EXPECT_THAT(Ids(q), ElementsAre("b", "a", "c"));
}

TEST_P(StoreTest, PagesNeverOverlap) {
  std::vector<ResourceWrite> writes;
  for (int i = 0; i < 10; ++i) {
    IndexEntries ix;
    ix.strings.push_back({"family", i % 3 == 0 ? "same" : "x" + std::to_string(9 - i), ""});
    writes.push_back(W("Patient", "p" + std::to_string(i), 1, ix));
  }
  Commit(std::move(writes));
  Query q = Q("Patient");
  q.sort = {{"family", RowKind::kString, false}};
  std::vector<std::string> all = Ids(q);
  ASSERT_EQ(all.size(), 10u);
  std::vector<std::string> paged;
  for (size_t offset = 0; offset < 12; offset += 3) {
    q.offset = offset;
    q.count = 3;
    SearchPage page = Search(q);
    EXPECT_EQ(page.total, 10);
    for (const StoredResource& r : page.resources) paged.push_back(r.id);
  }
  EXPECT_THAT(paged, ElementsAreArray(all));
}

TEST_P(StoreTest, TotalModes) {
  Commit({W("Patient", "a"), W("Patient", "b"), W("Patient", "c")});
  Query q = Q("Patient");
  q.count = 2;
  q.total = TotalMode::kNone;
  SearchPage page = Search(q);
  EXPECT_FALSE(page.total.has_value());
  EXPECT_EQ(page.resources.size(), 2u);
  q.total = TotalMode::kEstimate;
  EXPECT_EQ(Search(q).total, 3);
  q.total = TotalMode::kAccurate;
  q.count = 0;
  page = Search(q);
  EXPECT_EQ(page.total, 3);
  EXPECT_THAT(page.resources, IsEmpty());
  q.count = 10;
  q.offset = 5;
  page = Search(q);
  EXPECT_EQ(page.total, 3);
  EXPECT_THAT(page.resources, IsEmpty());
  // A page shorter than asked for, a page exactly as long as the rest, the
  // first page of an empty result: the total counts every match either way.
  q.offset = 1;
  EXPECT_EQ(Search(q).total, 3);
  q.offset = 0;
  q.count = 3;
  EXPECT_EQ(Search(q).total, 3);
  Query none = Q("Observation");
  EXPECT_EQ(Search(none).total, 0);
}

TEST_P(StoreTest, SearchReturnsCurrentVersions) {
  Commit({W("Patient", "a", 1)});
  Commit({W("Patient", "a", 2)});
  SearchPage page = Search(Q("Patient"));
  ASSERT_EQ(page.resources.size(), 1u);
  EXPECT_EQ(page.resources[0].version, 2);
  EXPECT_EQ(page.resources[0].json, W("Patient", "a", 2).json);
  EXPECT_THAT(Ids(Q("Observation")), IsEmpty());
}

TEST_P(StoreTest, ReferencesForInclude) {
  IndexEntries o1 = Ref("subject", "Patient", "p1");
  o1.references.push_back({"performer", "Practitioner", "dr", "Practitioner/dr"});
  o1.references.push_back({"performer", "", "", "http://elsewhere.org/Practitioner/1"});
  IndexEntries o2 = Ref("subject", "Patient", "p1");
  o2.references.push_back({"performer", "Practitioner", "dr2", "Practitioner/dr2"});
  Commit({W("Observation", "o1", 1, o1), W("Observation", "o2", 1, o2),
          W("Observation", "o3", 1, Ref("subject", "Patient", "p3"))});
  Commit({Tombstone("Observation", "o3", 2)});
  std::vector<ResourceKey> sources = {
      {"Observation", "o1"}, {"Observation", "o2"}, {"Observation", "o3"}, {"Observation", "none"}};
  auto subject = store_->References(sources, "subject");
  ASSERT_TRUE(subject.ok());
  EXPECT_THAT(*subject, ElementsAre(ResourceKey{"Patient", "p1"}));
  auto all = store_->References(sources, "");
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(*all,
              UnorderedElementsAre(ResourceKey{"Patient", "p1"}, ResourceKey{"Practitioner", "dr"},
                                   ResourceKey{"Practitioner", "dr2"}));
}

// --- Compartments and bulk scans ---------------------------------------------------------

TEST_P(StoreTest, CompartmentMatchAnyOfSeveralParams) {
  IndexEntries by_performer = Ref("performer", "Patient", "p1");
  by_performer.references.push_back({"subject", "Group", "g1", "Group/g1"});
  IndexEntries wrong_param = Ref("based-on", "Patient", "p1");
  IndexEntries other_type = Ref("subject", "Group", "p1");
  Commit({
      W("Observation", "subject", 1, Ref("subject", "Patient", "p1")),
      W("Observation", "performer", 1, by_performer),
      W("Observation", "wrong-param", 1, wrong_param),
      W("Observation", "other-type", 1, other_type),
      W("Observation", "other-patient", 1, Ref("subject", "Patient", "p2")),
      W("Observation", "deleted", 1, Ref("subject", "Patient", "p1")),
  });
  Commit({Tombstone("Observation", "deleted", 2)});
  auto in = [](std::string id) {
    return C("_compartment", RowKind::kReference,
             {CompartmentMatch{{"subject", "performer"}, "Patient", std::move(id)}});
  };
  EXPECT_THAT(Ids(Q("Observation", {in("p1")})), UnorderedElementsAre("subject", "performer"));
  EXPECT_THAT(Ids(Q("Observation", {in("p2")})), UnorderedElementsAre("other-patient"));
  EXPECT_THAT(Ids(Q("Observation", {in("nobody")})), IsEmpty());
  // Combined with other clauses (the compartment is then not the driver).
  EXPECT_THAT(Ids(Q("Observation", {C("_id", RowKind::kId, {IdMatch{"performer"}}), in("p1")})),
              ElementsAre("performer"));
  // OR of two compartments; an empty id means any resource of the target type.
  Clause both = C("_compartment", RowKind::kReference,
                  {CompartmentMatch{{"subject"}, "Patient", "p1"},
                   CompartmentMatch{{"subject"}, "Patient", "p2"}});
  EXPECT_THAT(Ids(Q("Observation", {both})), UnorderedElementsAre("subject", "other-patient"));
  Clause any = C("_compartment", RowKind::kReference,
                 {CompartmentMatch{{"subject", "performer"}, "Patient", ""}});
  EXPECT_THAT(Ids(Q("Observation", {C("_id", RowKind::kId, {MissingMatch{false}}), any})),
              UnorderedElementsAre("subject", "performer", "other-patient"));
  Clause none = C("_compartment", RowKind::kReference, {CompartmentMatch{{}, "Patient", "p1"}});
  EXPECT_THAT(Ids(Q("Observation", {none})), IsEmpty());
  Query total = Q("Observation", {in("p1")});
  total.count = 0;
  EXPECT_EQ(Search(total).total, 2);
}

TEST_P(StoreTest, ScanWalksCurrentResourcesInIdOrder) {
  std::vector<ResourceWrite> writes;
  for (const char* id : {"c", "a", "e", "b", "d"}) writes.push_back(W("Patient", id));
  writes.push_back(W("Observation", "x"));
  Commit(std::move(writes));
  ResourceWrite d2 = W("Patient", "d", 2);
  d2.last_updated = Day(2023, 6, 1);
  Commit({Tombstone("Patient", "b", 2), std::move(d2)});
  auto ids = [&](ScanQuery q) {
    std::vector<std::string> out;
    absl::StatusOr<std::vector<StoredResource>> page = store_->Scan(q);
    EXPECT_TRUE(page.ok()) << page.status();
    for (const StoredResource& r : page.ok() ? *page : std::vector<StoredResource>{}) {
      out.push_back(r.id);
    }
    return out;
  };
  EXPECT_THAT(ids({"Patient", "", std::nullopt, 10}), ElementsAre("a", "c", "d", "e"));
  EXPECT_THAT(ids({"Patient", "", std::nullopt, 2}), ElementsAre("a", "c"));
  EXPECT_THAT(ids({"Patient", "c", std::nullopt, 2}), ElementsAre("d", "e"));
  EXPECT_THAT(ids({"Patient", "e", std::nullopt, 2}), IsEmpty());
  EXPECT_THAT(ids({"Patient", "", Day(2023, 2, 1), 10}), ElementsAre("d"));
  EXPECT_THAT(ids({"Nothing", "", std::nullopt, 10}), IsEmpty());
  absl::StatusOr<std::vector<StoredResource>> d = store_->Scan({"Patient", "c", std::nullopt, 1});
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].version, 2);
  EXPECT_EQ((*d)[0].json, W("Patient", "d", 2).json);
}

// --- The stores under test ------------------------------------------------------------------

// --- Composites: every component matches within the same CompositeRow ----------------------

TokenRow PartToken(std::string system, std::string code) {
  return {"", std::move(system), std::move(code), ""};
}
QuantityRow PartQty(double value, std::string code) {
  return {"", value, value - 0.5, value + 0.5, "http://unitsofmeasure.org", code, code};
}
IndexEntries Composites(std::vector<CompositeRow> rows) {
  IndexEntries ix;
  ix.composites = std::move(rows);
  return ix;
}
CompositeMatch CodeQty(std::string code, Prefix prefix, double value) {
  return CompositeMatch{{TokenMatch{"http://loinc.org", std::move(code)},
                         QuantityMatch{NumberMatch{prefix, value, value - 0.5, value + 0.5},
                                       std::nullopt, "mm[Hg]"}}};
}

TEST_P(StoreTest, CompositeComponentsMatchWithinOneRow) {
  const std::string kParam = "component-code-value-quantity";
  auto bp = [&](double systolic, double diastolic) {
    return Composites(
        {{kParam, {PartToken("http://loinc.org", "8480-6"), PartQty(systolic, "mm[Hg]")}},
         {kParam, {PartToken("http://loinc.org", "8462-4"), PartQty(diastolic, "mm[Hg]")}}});
  };
  IndexEntries high = bp(150, 90);
  IndexEntries low = bp(120, 150);  // 150 only in the diastolic component
  high.tokens.push_back({"code", "http://loinc.org", "85354-9", ""});
  low.tokens.push_back({"code", "http://loinc.org", "85354-9", ""});
  Commit({W("Observation", "high", 1, high), W("Observation", "low", 1, low),
          W("Observation", "none")});
  auto ids = [&](std::vector<Predicate> any_of, bool negate = false) {
    return Ids(Q("Observation", {C(kParam, RowKind::kComposite, std::move(any_of), negate)}));
  };
  EXPECT_THAT(ids({CodeQty("8480-6", Prefix::kGt, 140)}), ElementsAre("high"));
  EXPECT_THAT(ids({CodeQty("8462-4", Prefix::kGt, 140)}), ElementsAre("low"));
  EXPECT_THAT(ids({CodeQty("8480-6", Prefix::kLt, 100)}), IsEmpty());
  EXPECT_THAT(ids({CodeQty("8480-6", Prefix::kGt, 140), CodeQty("8462-4", Prefix::kGt, 140)}),
              UnorderedElementsAre("high", "low"));
  EXPECT_THAT(ids({CodeQty("8480-6", Prefix::kEq, 120)}), ElementsAre("low"));
  // Any-code first component, unit mismatch.
  EXPECT_THAT(
      ids({CompositeMatch{{TokenMatch{}, QuantityMatch{NumberMatch{Prefix::kGe, 150, 149.5, 150.5},
                                                       std::nullopt, std::nullopt}}}}),
      UnorderedElementsAre("high", "low"));
  EXPECT_THAT(
      ids({CompositeMatch{{TokenMatch{}, QuantityMatch{NumberMatch{Prefix::kGe, 150, 149.5, 150.5},
                                                       std::nullopt, "kg"}}}}),
      IsEmpty());
  EXPECT_THAT(ids({CodeQty("8480-6", Prefix::kGt, 140)}, true),
              UnorderedElementsAre("low", "none"));
  EXPECT_THAT(ids({MissingMatch{true}}), ElementsAre("none"));
  EXPECT_THAT(ids({MissingMatch{false}}), UnorderedElementsAre("high", "low"));
  // Beside a token clause (which a store may prefer to drive the search).
  EXPECT_THAT(Ids(Q("Observation",
                    {C("code", RowKind::kToken, {TokenMatch{"http://loinc.org", "85354-9"}}),
                     C(kParam, RowKind::kComposite, {CodeQty("8462-4", Prefix::kLt, 100)})})),
              ElementsAre("high"));
  // An update replaces the composite rows.
  Commit({W("Observation", "high", 2, bp(130, 80))});
  EXPECT_THAT(ids({CodeQty("8480-6", Prefix::kGt, 140)}), IsEmpty());
  EXPECT_THAT(ids({CodeQty("8480-6", Prefix::kEq, 130)}), ElementsAre("high"));
}

// A clause or sort key with row_params reads the rows of those params (a
// parameter derived as their union, like combo-code, has no rows of its own);
// composite components still match within one row of one of them.
TEST_P(StoreTest, ClausesAndSortKeysReadTheRowsOfTheirRowParams) {
  auto obs = [](std::vector<TokenRow> tokens, std::vector<CompositeRow> composites) {
    IndexEntries ix = Composites(std::move(composites));
    ix.tokens = std::move(tokens);
    return ix;
  };
  const TokenRow kCodeA{"code", "http://loinc.org", "A", ""};
  const TokenRow kComponentB{"component-code", "http://loinc.org", "B", ""};
  auto cvq = [](std::string param, std::string code, double value) {
    return CompositeRow{std::move(param),
                        {PartToken("http://loinc.org", code), PartQty(value, "mm[Hg]")}};
  };
  Commit({W("Observation", "plain", 1, obs({kCodeA}, {cvq("code-value-quantity", "A", 150)})),
          W("Observation", "component", 1,
            obs({kComponentB}, {cvq("component-code-value-quantity", "B", 90)})),
          W("Observation", "both", 1,
            obs({kCodeA, kComponentB}, {cvq("code-value-quantity", "A", 120),
                                        cvq("component-code-value-quantity", "B", 150)})),
          W("Observation", "none")});
  const std::vector<std::string> kCodes = {"code", "component-code"};
  auto combo = [&](std::vector<Predicate> any_of, bool negate = false) {
    Clause c = C("combo-code", RowKind::kToken, std::move(any_of), negate);
    c.row_params = kCodes;
    return Ids(Q("Observation", {c}));
  };
  EXPECT_THAT(combo({TokenMatch{std::nullopt, "B"}}), UnorderedElementsAre("component", "both"));
  EXPECT_THAT(combo({TokenMatch{"http://loinc.org", "A"}}), UnorderedElementsAre("plain", "both"));
  EXPECT_THAT(combo({TokenMatch{std::nullopt, "A"}}, true),
              UnorderedElementsAre("component", "none"));
  EXPECT_THAT(combo({MissingMatch{true}}), ElementsAre("none"));
  EXPECT_THAT(combo({MissingMatch{false}}), UnorderedElementsAre("plain", "component", "both"));
  auto combo_cvq = [&](std::vector<Predicate> any_of) {
    Clause c = C("combo-code-value-quantity", RowKind::kComposite, std::move(any_of));
    c.row_params = {"code-value-quantity", "component-code-value-quantity"};
    return Ids(Q("Observation", {c}));
  };
  EXPECT_THAT(combo_cvq({CodeQty("B", Prefix::kGt, 140)}), ElementsAre("both"));
  EXPECT_THAT(combo_cvq({CodeQty("A", Prefix::kGt, 140)}),
              ElementsAre("plain"));  // not A 120 + B 150
  EXPECT_THAT(combo_cvq({CodeQty("A", Prefix::kGt, 100)}), UnorderedElementsAre("plain", "both"));
  Query sorted = Q("Observation");
  sorted.sort = {{"combo-code", RowKind::kToken, false, kCodes}};
  EXPECT_THAT(Ids(sorted), ElementsAre("plain", "both", "component", "none"));
  sorted.sort = {{"combo-code", RowKind::kToken, true, kCodes}};
  EXPECT_THAT(Ids(sorted), ElementsAre("component", "both", "plain", "none"));
}

// component_rows: a composite over the resource itself (code-value-quantity)
// has no composite rows; a part matches a row of its component's parameter
// (code, value-quantity) of the same resource. In a union (combo-*) with a
// parameter that has composite rows, either kind matches.
TEST_P(StoreTest, CompositeClausesReadTheRowsOfTheirComponentParams) {
  auto obs = [](std::vector<std::string> codes, std::optional<double> value,
                std::vector<CompositeRow> composites = {}) {
    IndexEntries ix = Composites(std::move(composites));
    for (std::string& code : codes) ix.tokens.push_back({"code", "http://loinc.org", code, ""});
    if (value) {
      QuantityRow q = PartQty(*value, "mm[Hg]");
      q.param = "value-quantity";
      ix.quantities.push_back(q);
    }
    return ix;
  };
  Commit({W("Observation", "a150", 1, obs({"A"}, 150)), W("Observation", "a90", 1, obs({"A"}, 90)),
          W("Observation", "ab120", 1, obs({"A", "B"}, 120)),
          W("Observation", "a-only", 1, obs({"A"}, std::nullopt)),
          W("Observation", "component-b150", 1,
            obs({}, std::nullopt,
                {{"component-code-value-quantity",
                  {PartToken("http://loinc.org", "B"), PartQty(150, "mm[Hg]")}}})),
          W("Observation", "none")});
  const ComponentRows kCvq{"code-value-quantity",
                           {{"code", RowKind::kToken}, {"value-quantity", RowKind::kQuantity}}};
  auto cvq = [&](std::vector<Predicate> any_of, std::vector<Clause> more = {}) {
    Clause c = C("code-value-quantity", RowKind::kComposite, std::move(any_of));
    c.component_rows = {kCvq};
    more.insert(more.begin(), std::move(c));
    return Ids(Q("Observation", std::move(more)));
  };
  EXPECT_THAT(cvq({CodeQty("A", Prefix::kGt, 100)}), UnorderedElementsAre("a150", "ab120"));
  EXPECT_THAT(cvq({CodeQty("B", Prefix::kGt, 100)}), ElementsAre("ab120"));
  EXPECT_THAT(cvq({CodeQty("A", Prefix::kGt, 140), CodeQty("A", Prefix::kLt, 100)}),
              UnorderedElementsAre("a150", "a90"));
  EXPECT_THAT(cvq({CodeQty("C", Prefix::kGt, 0)}), IsEmpty());
  EXPECT_THAT(cvq({MissingMatch{true}}), UnorderedElementsAre("a-only", "component-b150", "none"));
  EXPECT_THAT(cvq({MissingMatch{false}}), UnorderedElementsAre("a150", "a90", "ab120"));
  // Not the driving clause: an _id clause drives.
  EXPECT_THAT(cvq({CodeQty("A", Prefix::kGt, 100)},
                  {C("_id", RowKind::kId, {IdMatch{"a150"}, IdMatch{"a90"}})}),
              ElementsAre("a150"));
  auto combo = [&](std::vector<Predicate> any_of) {
    Clause c = C("combo-code-value-quantity", RowKind::kComposite, std::move(any_of));
    c.row_params = {"code-value-quantity", "component-code-value-quantity"};
    c.component_rows = {kCvq};
    return Ids(Q("Observation", {c}));
  };
  EXPECT_THAT(combo({CodeQty("B", Prefix::kGt, 100)}),
              UnorderedElementsAre("ab120", "component-b150"));
  EXPECT_THAT(combo({MissingMatch{true}}), UnorderedElementsAre("a-only", "none"));
}

// row_target_type: reference rows of row_params[0] count only when they target
// that type; those of the other row params count whole (Observation's patient:
// subject's rows to a Patient, plus its own for URL-only references).
TEST_P(StoreTest, RowTargetTypeNarrowsTheFirstRowParam) {
  IndexEntries url_only = Ref("subject", "", "");
  url_only.references[0].url = "http://x.org/fhir/Patient/9";
  url_only.references.push_back({"patient", "", "", "http://x.org/fhir/Patient/9"});
  IndexEntries group_url = Ref("subject", "", "");
  group_url.references[0].url = "http://x.org/fhir/Group/9";
  Commit({W("Observation", "to-patient", 1, Ref("subject", "Patient", "p1")),
          W("Observation", "to-group", 1, Ref("subject", "Group", "p1")),
          W("Observation", "url-only", 1, url_only), W("Observation", "group-url", 1, group_url),
          W("Observation", "none")});
  auto patient = [&](std::vector<Predicate> any_of) {
    Clause c = C("patient", RowKind::kReference, std::move(any_of));
    c.row_params = {"subject", "patient"};
    c.row_target_type = "Patient";
    return Ids(Q("Observation", {c}));
  };
  EXPECT_THAT(patient({ReferenceMatch{"", "p1", ""}}), ElementsAre("to-patient"));
  EXPECT_THAT(patient({ReferenceMatch{"Group", "p1", ""}}), IsEmpty());
  EXPECT_THAT(patient({ReferenceMatch{"", "", "http://x.org/fhir/Patient/9"}}),
              ElementsAre("url-only"));
  EXPECT_THAT(patient({ReferenceMatch{"", "", "http://x.org/fhir/Group/9"}}), IsEmpty());
  EXPECT_THAT(patient({MissingMatch{true}}), UnorderedElementsAre("to-group", "group-url", "none"));
  EXPECT_THAT(patient({MissingMatch{false}}), UnorderedElementsAre("to-patient", "url-only"));
}

TEST_P(StoreTest, CompositePartsOfEveryKind) {
  const int64_t d2020 = Day(2020, 1, 1);
  IndexEntries a = Composites({
      {"code-value-date", {PartToken("", "x"), DateRow{"", d2020, d2020 + kDayMs - 1}}},
      {"code-value-string", {PartToken("", "x"), StringRow{"", "hello world", "Hello World"}}},
      {"coordinate",
       {PartToken("", "1"), NumberRow{"", 10, 9.5, 10.5}, NumberRow{"", 20, 19.5, 20.5}}},
      {"relationship",
       {ReferenceRow{"", "DocumentReference", "d1", "DocumentReference/d1"},
        PartToken("", "replaces")}},
      {"uri-pair", {UriRow{"", "http://a.org/x"}, PartToken("", "y")}},
  });
  Commit({W("Observation", "a", 1, a), W("Observation", "b")});
  auto ids = [&](std::string param, std::vector<ComponentPredicate> parts) {
    return Ids(Q("Observation",
                 {C(std::move(param), RowKind::kComposite, {CompositeMatch{std::move(parts)}})}));
  };
  TokenMatch x{std::nullopt, "x"};
  EXPECT_THAT(
      ids("code-value-date", {x, DateMatch{Prefix::kEq, Day(2020, 1, 1), Day(2020, 12, 31)}}),
      ElementsAre("a"));
  EXPECT_THAT(ids("code-value-date", {x, DateMatch{Prefix::kGe, Day(2021, 1, 1), Day(2021, 2, 1)}}),
              IsEmpty());
  EXPECT_THAT(ids("code-value-date", {x, DateMatch{Prefix::kAp, Day(2020, 1, 2), Day(2020, 1, 3)}}),
              ElementsAre("a"));
  EXPECT_THAT(ids("code-value-date", {TokenMatch{std::nullopt, "y"},
                                      DateMatch{Prefix::kEq, Day(2020, 1, 1), Day(2020, 12, 31)}}),
              IsEmpty());
  EXPECT_THAT(ids("code-value-string", {x, StringMatch{StringMatch::Mode::kStartsWith, "hell"}}),
              ElementsAre("a"));
  EXPECT_THAT(ids("code-value-string", {x, StringMatch{StringMatch::Mode::kContains, "world"}}),
              ElementsAre("a"));
  EXPECT_THAT(ids("code-value-string", {x, StringMatch{StringMatch::Mode::kExact, "hello world"}}),
              IsEmpty());
  EXPECT_THAT(
      ids("coordinate", {TokenMatch{std::nullopt, "1"}, NumberMatch{Prefix::kGe, 10, 9.5, 10.5},
                         NumberMatch{Prefix::kLe, 20, 19.5, 20.5}}),
      ElementsAre("a"));
  EXPECT_THAT(
      ids("coordinate", {TokenMatch{std::nullopt, "1"}, NumberMatch{Prefix::kGt, 10, 9.5, 10.5},
                         NumberMatch{Prefix::kLe, 20, 19.5, 20.5}}),
      IsEmpty());
  // A predicate with fewer parts reads the leading ones; a row with fewer never matches.
  EXPECT_THAT(ids("coordinate", {TokenMatch{std::nullopt, "1"}}), ElementsAre("a"));
  EXPECT_THAT(ids("code-value-date",
                  {x, DateMatch{Prefix::kEq, Day(2020, 1, 1), Day(2020, 12, 31)}, TokenMatch{}}),
              IsEmpty());
  EXPECT_THAT(ids("relationship", {ReferenceMatch{"DocumentReference", "d1", ""},
                                   TokenMatch{std::nullopt, "replaces"}}),
              ElementsAre("a"));
  EXPECT_THAT(ids("relationship", {ReferenceMatch{"", "d2", ""}, TokenMatch{}}), IsEmpty());
  EXPECT_THAT(ids("uri-pair", {UriMatch{UriMatch::Mode::kBelow, "http://a.org"},
                               TokenMatch{std::nullopt, "y"}}),
              ElementsAre("a"));
}

// --- Change events (change.h) ------------------------------------------------------------

// Collects the listener's calls. The store calls it under its writer lock, so
// the calls never overlap; reading `batches` needs no lock once writes stop.
struct EventLog {
  std::vector<std::vector<ChangeEvent>> batches;

  ChangeListener Listener() {
    return [this](std::vector<ChangeEvent> events) { batches.push_back(std::move(events)); };
  }
  std::vector<ChangeEvent> All() const {
    std::vector<ChangeEvent> all;
    for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
    return all;
  }
};

// "sequence type/id vversion deleted? patient time" in one string, for exact comparison.
std::string Show(const ChangeEvent& e) {
  return std::to_string(e.sequence) + " " + e.type + "/" + e.id + " v" + std::to_string(e.version) +
         (e.deleted ? " deleted" : "") + " patient=" + e.patient_id +
         " t=" + std::to_string(e.time_ms - Day(2023, 1, 1));
}
std::vector<std::string> Show(const std::vector<ChangeEvent>& events) {
  std::vector<std::string> out;
  for (const ChangeEvent& e : events) out.push_back(Show(e));
  return out;
}

TEST_P(StoreTest, CommitAnnouncesItsWritesInPutOrderWithPatients) {
  EventLog log;
  store_->SetChangeListener(log.Listener());
  IndexEntries obs = Ref("subject", "Patient", "p1");
  obs.references.push_back({"patient", "Patient", "p1", "Patient/p1"});
  obs.references.push_back({"performer", "Practitioner", "d1", "Practitioner/d1"});
  Commit({W("Patient", "p1"), W("Observation", "o1", 1, obs),
          W("Encounter", "e1", 1, Ref("subject", "Patient", "p2")),
          W("Group", "g1", 1, Ref("subject", "Group", "x")), W("Practitioner", "d1")});
  ASSERT_EQ(log.batches.size(), 1u);
  EXPECT_THAT(Show(log.batches[0]),
              ElementsAre("1 Patient/p1 v1 patient=p1 t=1", "2 Observation/o1 v1 patient=p1 t=1",
                          "3 Encounter/e1 v1 patient=p2 t=1", "4 Group/g1 v1 patient= t=1",
                          "5 Practitioner/d1 v1 patient= t=1"));
  // An update, and deletes: a tombstone has no index rows, so its patient is
  // the one of the version it replaces.
  Commit({W("Observation", "o1", 2, Ref("patient", "Patient", "p3")),
          Tombstone("Encounter", "e1", 2), Tombstone("Patient", "p1", 2)});
  ASSERT_EQ(log.batches.size(), 2u);
  EXPECT_THAT(Show(log.batches[1]), ElementsAre("6 Observation/o1 v2 patient=p3 t=2",
                                                "7 Encounter/e1 v2 deleted patient=p2 t=2",
                                                "8 Patient/p1 v2 deleted patient=p1 t=2"));
  // The same resource twice in one transaction: one event per version.
  Commit({Tombstone("Observation", "o1", 3), W("Observation", "o1", 4)});
  EXPECT_THAT(Show(log.batches.at(2)), ElementsAre("9 Observation/o1 v3 deleted patient=p3 t=3",
                                                   "10 Observation/o1 v4 patient= t=4"));
}

TEST_P(StoreTest, RolledBackAndRejectedWritesAnnounceNothing) {
  EventLog log;
  store_->SetChangeListener(log.Listener());
  {
    auto txn = *store_->BeginWrite();
    ASSERT_TRUE(txn->Put(W("Patient", "p1")).ok());
  }  // destroyed without Commit: rolled back
  EXPECT_THAT(log.batches, IsEmpty());
  {
    auto txn = *store_->BeginWrite();
    EXPECT_TRUE(absl::IsFailedPrecondition(txn->Put(W("Patient", "p1", 2))));
    ASSERT_TRUE(txn->Put(W("Patient", "p1")).ok());
    ASSERT_TRUE(txn->Commit().ok());
    EXPECT_TRUE(absl::IsFailedPrecondition(txn->Commit()));
  }
  {
    auto txn = *store_->BeginWrite();  // meta only, and an empty commit: no call
    ASSERT_TRUE(txn->PutMeta("cursor", "1").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  Commit({});
  // The rolled-back Put took no sequence number.
  EXPECT_THAT(Show(log.All()), ElementsAre("1 Patient/p1 v1 patient=p1 t=1"));
  EXPECT_EQ(log.batches.size(), 1u);
}

TEST_P(StoreTest, SequenceCountsWritesMadeWithoutAListener) {
  Commit({W("Patient", "p1"), W("Patient", "p2")});
  EventLog log;
  store_->SetChangeListener(log.Listener());
  Commit({W("Patient", "p3")});
  store_->SetChangeListener(nullptr);
  Commit({W("Patient", "p4")});
  store_->SetChangeListener(log.Listener());
  Commit({W("Patient", "p5")});
  EXPECT_THAT(Show(log.All()),
              ElementsAre("3 Patient/p3 v1 patient=p3 t=1", "5 Patient/p5 v1 patient=p5 t=1"));
}

// Writers on several threads: the listener sees every commit exactly once,
// numbered without gaps in the order the commits happened, each resource's
// versions in order, and the committed data already readable.
TEST_P(StoreTest, ConcurrentCommitsAreAnnouncedInCommitOrder) {
  constexpr int kThreads = 4;
  constexpr int kCommits = 25;
  std::vector<ChangeEvent> seen;
  int unreadable = 0;
  store_->SetChangeListener([&](std::vector<ChangeEvent> events) {
    for (ChangeEvent& e : events) {
      auto r = store_->Read(e.type, e.id);
      if (!r.ok() || !r->has_value() || (*r)->version != e.version) ++unreadable;
      seen.push_back(std::move(e));
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([this, t] {
      std::string id = "p" + std::to_string(t);
      for (int v = 1; v <= kCommits; ++v) {
        auto txn = store_->BeginWrite();
        ASSERT_TRUE(txn.ok());
        ASSERT_TRUE((*txn)->Put(W("Patient", id, v)).ok());
        ASSERT_TRUE((*txn)->Commit().ok());
      }
    });
  }
  for (std::thread& w : writers) w.join();
  store_->SetChangeListener(nullptr);
  ASSERT_EQ(seen.size(), size_t{kThreads * kCommits});
  EXPECT_EQ(unreadable, 0);
  std::map<std::string, int64_t> last_version;
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].sequence, i + 1);
    EXPECT_EQ(seen[i].version, ++last_version[seen[i].id]) << seen[i].id;
  }
  EXPECT_EQ(last_version.size(), size_t{kThreads});
}

INSTANTIATE_TEST_SUITE_P(
    Stores, StoreTest,
    ::testing::Values(Factory{"Memory",
                              [](const std::string&) {
                                return NewMemoryStore(MemoryStoreOptions{[] { return kNow; }});
                              }},
                      Factory{"Sqlite",
                              [](const std::string& dir) -> std::unique_ptr<Store> {
                                SqliteOptions options;
                                options.durability = SqliteOptions::Durability::kNormal;
                                options.now_ms = [] { return kNow; };
                                auto store = OpenSqliteStore(dir + "/db", options);
                                EXPECT_TRUE(store.ok()) << store.status();
                                return store.ok() ? std::move(*store) : nullptr;
                              }}),
    [](const ::testing::TestParamInfo<Factory>& info) { return info.param.name; });

}  // namespace
}  // namespace vigil::store
