#include "analytics/view_registry.h"

#include <gtest/gtest.h>

#include "analytics/analytics_test_util.h"

namespace vigil::analytics {
namespace {

StoredView View(const std::string& id, const std::string& name, int64_t version) {
  StoredView v;
  v.id = id;
  v.name = name;
  v.resource_type = "Observation";
  v.json = R"({"resourceType":"ViewDefinition","id":")" + id + R"("})";
  v.materialized = name == "hr";
  v.version = version;
  v.created_ms = 1000;
  v.updated_ms = 1000 + version;
  return v;
}

class ViewRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    registry_.reset();
    auto db = Db::Open(dir_.File("analytics.sqlite"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    registry_ = std::make_unique<ViewRegistry>(db_.get());
    ASSERT_TRUE(registry_->CreateSchema().ok());
  }
  TempDir dir_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<ViewRegistry> registry_;
};

TEST_F(ViewRegistryTest, PutThenGetReturnsEveryField) {
  ASSERT_TRUE(registry_->Put(View("a", "hr", 3)).ok());
  auto got = registry_->Get("a");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->id, "a");
  EXPECT_EQ((*got)->name, "hr");
  EXPECT_EQ((*got)->resource_type, "Observation");
  EXPECT_EQ((*got)->json, R"({"resourceType":"ViewDefinition","id":"a"})");
  EXPECT_TRUE((*got)->materialized);
  EXPECT_EQ((*got)->version, 3);
  EXPECT_EQ((*got)->created_ms, 1000);
  EXPECT_EQ((*got)->updated_ms, 1003);
}

TEST_F(ViewRegistryTest, UnknownIdIsAnEmptyOptional) {
  auto got = registry_->Get("nope");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST_F(ViewRegistryTest, PutWithTheSameIdReplacesTheView) {
  ASSERT_TRUE(registry_->Put(View("a", "hr", 1)).ok());
  ASSERT_TRUE(registry_->Put(View("a", "other", 2)).ok());
  auto all = registry_->List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].name, "other");
  EXPECT_EQ((*all)[0].version, 2);
  EXPECT_FALSE((*all)[0].materialized);
}

TEST_F(ViewRegistryTest, ListIsInIdOrder) {
  ASSERT_TRUE(registry_->Put(View("c", "x", 1)).ok());
  ASSERT_TRUE(registry_->Put(View("a", "y", 1)).ok());
  ASSERT_TRUE(registry_->Put(View("b", "z", 1)).ok());
  auto all = registry_->List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, "a");
  EXPECT_EQ((*all)[1].id, "b");
  EXPECT_EQ((*all)[2].id, "c");
}

TEST_F(ViewRegistryTest, DeleteSaysWhetherTheViewExisted) {
  ASSERT_TRUE(registry_->Put(View("a", "hr", 1)).ok());
  auto first = registry_->Delete("a");
  auto second = registry_->Delete("a");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second);
  EXPECT_FALSE(registry_->Get("a")->has_value());
}

TEST_F(ViewRegistryTest, ViewsSurviveReopeningTheDatabase) {
  ASSERT_TRUE(registry_->Put(View("a", "hr", 1)).ok());
  Open();
  auto got = registry_->Get("a");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->name, "hr");
}

}  // namespace
}  // namespace vigil::analytics
