// The bus follows writes that another process commits to the same SQLite data
// (`vigil import` into the folder of a running `vigil serve`): here a second
// Store object on the same file stands in for that process.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/event_bus.h"
#include "store/sqlite/sqlite_store.h"

namespace vigil::events {
namespace {

using namespace std::chrono_literals;

class FollowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/events_follow_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<store::Store> Open() {
    store::SqliteOptions options;
    options.durability = store::SqliteOptions::Durability::kNormal;
    auto opened = store::OpenSqliteStore(dir_, options);
    EXPECT_TRUE(opened.ok()) << opened.status();
    return opened.ok() ? *std::move(opened) : nullptr;
  }

  static void Commit(store::Store& store, const std::string& id) {
    auto txn = store.BeginWrite();
    ASSERT_TRUE(txn.ok()) << txn.status();
    store::ResourceWrite w;
    w.type = "Patient";
    w.id = id;
    w.version = 1;
    w.last_updated = 1000;
    w.json = "{}";
    ASSERT_TRUE((*txn)->Put(std::move(w)).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  std::string dir_;
};

// What the subscriber saw, as "id#sequence", once it has `count` (5 s at most).
// Polls `done` for up to 5 s.
void WaitUntil(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
}

std::vector<std::string> WaitFor(std::mutex& mu, const std::vector<std::string>& seen,
                                 size_t count) {
  WaitUntil([&] {
    std::lock_guard lock(mu);
    return seen.size() >= count;
  });
  std::lock_guard lock(mu);
  return seen;
}

TEST_F(FollowTest, WritesOfAnotherProcessArePublishedWithTheOwnInCommitOrder) {
  auto server = Open();
  auto importer = Open();
  EventBusOptions options;
  options.follow_interval = 10ms;
  EventBus bus(options);
  std::mutex mu;
  std::vector<std::string> seen;
  ASSERT_TRUE(bus.Subscribe("s", [&](const store::ChangeEvent& e) {
                   std::lock_guard lock(mu);
                   seen.push_back(e.id + "#" + std::to_string(e.sequence));
                   return absl::OkStatus();
                 }).ok());
  ASSERT_TRUE(bus.Attach(*server).ok());
  Commit(*importer, "imported-1");
  EXPECT_EQ(WaitFor(mu, seen, 1), (std::vector<std::string>{"imported-1#1"}));
  Commit(*server, "own");
  Commit(*importer, "imported-2");
  EXPECT_EQ(WaitFor(mu, seen, 3),
            (std::vector<std::string>{"imported-1#1", "own#2", "imported-2#3"}));
  // The follower counts what it announced once AnnounceExternalWrites has
  // returned, which may be just after the subscriber saw the events.
  WaitUntil([&] { return bus.Stats().external >= 2; });
  EXPECT_EQ(bus.Stats().external, 2u);
  EXPECT_EQ(bus.Stats().external_error, "");
  bus.Stop();
  Commit(*importer, "after-stop");
  std::this_thread::sleep_for(50ms);
  std::lock_guard lock(mu);
  EXPECT_EQ(seen.size(), 3u);
}

TEST_F(FollowTest, ZeroIntervalDoesNotFollow) {
  auto server = Open();
  auto importer = Open();
  EventBusOptions options;
  options.follow_interval = 0ms;
  EventBus bus(options);
  std::mutex mu;
  std::vector<std::string> seen;
  ASSERT_TRUE(bus.Subscribe("s", [&](const store::ChangeEvent& e) {
                   std::lock_guard lock(mu);
                   seen.push_back(e.id);
                   return absl::OkStatus();
                 }).ok());
  ASSERT_TRUE(bus.Attach(*server).ok());
  Commit(*importer, "imported");
  std::this_thread::sleep_for(100ms);
  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(seen.empty());
  }
  Commit(*server, "own");  // an own write still announces what came before it
  EXPECT_EQ(WaitFor(mu, seen, 2).size(), 2u);
}

}  // namespace
}  // namespace vigil::events
