// ResourceWrites with index rows prepared before the transaction: used, with
// _lastUpdated redone, when the written content is what they were computed
// for; ignored otherwise.
#include <optional>
#include <string>
#include <vector>

#include "fhir/json.h"
#include "gtest/gtest.h"
#include "persist/resource_writes.h"
#include "search/indexer.h"
#include "search/registry.h"

namespace vigil::persist {
namespace {

// A transaction on an empty store that keeps what is Put.
class CapturingTxn : public store::WriteTxn {
 public:
  absl::StatusOr<std::optional<store::StoredResource>> Read(std::string_view,
                                                            std::string_view) override {
    return std::nullopt;
  }
  absl::StatusOr<std::optional<store::StoredResource>> ReadVersion(std::string_view,
                                                                   std::string_view,
                                                                   int64_t) override {
    return std::nullopt;
  }
  absl::StatusOr<store::SearchPage> Search(const store::Query&) override {
    return absl::UnimplementedError("not in this test");
  }
  absl::StatusOr<std::vector<store::ResourceKey>> References(const std::vector<store::ResourceKey>&,
                                                             std::string_view) override {
    return absl::UnimplementedError("not in this test");
  }
  absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view) override {
    return std::nullopt;
  }
  absl::Status Put(store::ResourceWrite w) override {
    puts.push_back(std::move(w));
    return absl::OkStatus();
  }
  absl::Status PutMeta(std::string_view, std::string_view) override { return absl::OkStatus(); }
  absl::Status Commit() override { return absl::OkStatus(); }

  std::vector<store::ResourceWrite> puts;
};

fhir::Json Observation(std::string_view code) {
  auto json = fhir::ParseJson(std::string(R"({"resourceType":"Observation","status":"final",)") +
                              R"("code":{"coding":[{"system":"http://loinc.org","code":")" +
                              std::string(code) + R"("}]},"subject":{"reference":"Patient/p1"}})");
  EXPECT_TRUE(json.ok()) << json.status();
  return *std::move(json);
}

std::vector<std::string> Codes(const store::IndexEntries& index, std::string_view param) {
  std::vector<std::string> out;
  for (const store::TokenRow& row : index.tokens) {
    if (row.param == param) out.push_back(row.code);
  }
  return out;
}

std::vector<int64_t> LastUpdatedLows(const store::IndexEntries& index) {
  std::vector<int64_t> out;
  for (const store::DateRow& row : index.dates) {
    if (row.param == "_lastUpdated") out.push_back(row.low);
  }
  return out;
}

// Rows the written resource yields when indexed from scratch.
store::IndexEntries Fresh(const store::ResourceWrite& w) {
  auto json = fhir::ParseJson(w.json);
  EXPECT_TRUE(json.ok());
  auto index = search::IndexResource(search::Registry::Default(), *json);
  EXPECT_TRUE(index.ok());
  return *std::move(index);
}

class PreparedIndexTest : public ::testing::Test {
 protected:
  PreparedIndexTest() : writes_(search::Registry::Default(), Options()) {}

  WriteOptions Options() {
    WriteOptions options;
    options.now_ms = [this] { return now_; };
    return options;
  }

  int64_t now_ = 1764500000000;
  ResourceWrites writes_;
  CapturingTxn txn_;
};

TEST_F(PreparedIndexTest, AWriteOfThePreparedContentUsesItsRowsWithItsOwnLastUpdated) {
  auto prepared = writes_.PrepareIndex(Observation("8867-4"), "o1");
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  EXPECT_EQ(LastUpdatedLows(prepared->index), std::vector<int64_t>{now_});
  now_ += 5000;  // the transaction writes later
  ASSERT_TRUE(writes_.Create(txn_, Observation("8867-4"), "o1", &*prepared).ok());
  ASSERT_EQ(txn_.puts.size(), 1u);
  const store::IndexEntries& written = txn_.puts[0].index;
  EXPECT_EQ(LastUpdatedLows(written), std::vector<int64_t>{now_});
  store::IndexEntries fresh = Fresh(txn_.puts[0]);
  EXPECT_EQ(Codes(written, "code"), Codes(fresh, "code"));
  EXPECT_EQ(written.tokens.size(), fresh.tokens.size());
  EXPECT_EQ(written.dates.size(), fresh.dates.size());
  EXPECT_EQ(written.references.size(), fresh.references.size());
  EXPECT_TRUE(prepared->index.empty());  // consumed, not copied
}

TEST_F(PreparedIndexTest, RowsPreparedForOtherContentAreNotUsed) {
  auto prepared = writes_.PrepareIndex(Observation("8867-4"), "o1");
  ASSERT_TRUE(prepared.ok());
  // The transaction resolved differently: another code (content), another id.
  ASSERT_TRUE(writes_.Create(txn_, Observation("2708-6"), "o1", &*prepared).ok());
  ASSERT_TRUE(writes_.Create(txn_, Observation("8867-4"), "o2", &*prepared).ok());
  ASSERT_EQ(txn_.puts.size(), 2u);
  EXPECT_EQ(Codes(txn_.puts[0].index, "code"), std::vector<std::string>{"2708-6"});
  EXPECT_EQ(Codes(txn_.puts[1].index, "code"), std::vector<std::string>{"8867-4"});
  EXPECT_FALSE(prepared->index.empty());  // never taken
}

TEST_F(PreparedIndexTest, AnUpdateUsesThemToo) {
  fhir::Json resource = Observation("8867-4");
  resource.Set("id", fhir::Json::String("o1"));
  auto prepared = writes_.PrepareIndex(resource, "o1");
  ASSERT_TRUE(prepared.ok());
  now_ += 7;
  ASSERT_TRUE(writes_.Update(txn_, "Observation", "o1", resource, std::nullopt, &*prepared).ok());
  ASSERT_EQ(txn_.puts.size(), 1u);
  EXPECT_EQ(LastUpdatedLows(txn_.puts[0].index), std::vector<int64_t>{now_});
  EXPECT_TRUE(prepared->index.empty());
}

}  // namespace
}  // namespace vigil::persist
