#include "events/event_bus.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/memory/memory_store.h"

namespace vigil::events {
namespace {

using namespace std::chrono_literals;

// A door a handler waits at until the test opens it; Entered() tells the test
// that a handler is waiting.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mu_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
  }
  bool Entered(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return entered_; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool open_ = false;
};

// What a subscriber received, readable from the test thread.
class Recorder {
 public:
  Handler Handle() {
    return [this](const store::ChangeEvent& e) {
      std::lock_guard lock(mu_);
      events_.push_back(e);
      return absl::OkStatus();
    };
  }
  std::vector<store::ChangeEvent> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::vector<uint64_t> sequences() const {
    std::vector<uint64_t> out;
    for (const store::ChangeEvent& e : events()) out.push_back(e.sequence);
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<store::ChangeEvent> events_;
};

store::ChangeEvent Event(uint64_t sequence) {
  store::ChangeEvent e;
  e.sequence = sequence;
  e.type = "Observation";
  e.id = "o" + std::to_string(sequence);
  e.version = 1;
  return e;
}

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t i = first; i <= last; ++i) out.push_back(i);
  return out;
}

SubscriberStats StatsOf(const EventBus& bus, const std::string& name) {
  for (const SubscriberStats& s : bus.Stats().subscribers) {
    if (s.name == name) return s;
  }
  ADD_FAILURE() << "no subscriber " << name;
  return {};
}

// Polls until `name` has delivered `count` events (10 s at most).
bool WaitDelivered(const EventBus& bus, const std::string& name, uint64_t count) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (StatsOf(bus, name).delivered < count) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

store::ResourceWrite Write(std::string id, int64_t version) {
  store::ResourceWrite w;
  w.type = "Patient";
  w.id = std::move(id);
  w.version = version;
  w.last_updated = 1000 + version;
  w.json = "{}";
  return w;
}

void Commit(store::Store& store, std::vector<store::ResourceWrite> writes) {
  auto txn = store.BeginWrite();
  ASSERT_TRUE(txn.ok()) << txn.status();
  for (store::ResourceWrite& w : writes) ASSERT_TRUE((*txn)->Put(std::move(w)).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
}

TEST(EventBusTest, ConcurrentWritersEventsReachEverySubscriberInCommitOrder) {
  constexpr int kWriters = 4;
  constexpr int kCommits = 50;  // two resources per commit
  auto store = store::NewMemoryStore();
  EventBus bus;
  Recorder a, b;
  ASSERT_TRUE(bus.Subscribe("a", a.Handle()).ok());
  ASSERT_TRUE(bus.Subscribe("b", b.Handle()).ok());
  ASSERT_TRUE(bus.Attach(*store).ok());
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&store, t] {
      for (int v = 1; v <= kCommits; ++v) {
        Commit(*store, {Write("x" + std::to_string(t), v), Write("y" + std::to_string(t), v)});
      }
    });
  }
  for (std::thread& w : writers) w.join();
  ASSERT_TRUE(bus.WaitIdle(10s));

  constexpr uint64_t kEvents = kWriters * kCommits * 2;
  EXPECT_EQ(a.sequences(), Range(1, kEvents));
  EXPECT_EQ(b.sequences(), Range(1, kEvents));
  // A transaction's events stay together, and each resource's versions arrive in order.
  std::vector<store::ChangeEvent> events = a.events();
  std::map<std::string, int64_t> version;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].version, ++version[events[i].id]) << events[i].id;
    if (i % 2 == 1) {
      EXPECT_EQ(events[i].id.substr(1), events[i - 1].id.substr(1));
      EXPECT_EQ(events[i].version, events[i - 1].version);
    }
  }
  EXPECT_EQ(version.size(), size_t{2 * kWriters});
  BusStats stats = bus.Stats();
  EXPECT_EQ(stats.published, kEvents);
  EXPECT_EQ(stats.queued, 0u);  // everyone passed everything: nothing kept
  EXPECT_EQ(stats.subscribers.at(0).delivered, kEvents);
  EXPECT_EQ(stats.subscribers.at(0).backlog, 0u);
  EXPECT_EQ(stats.subscribers.at(0).last_sequence, kEvents);
}

TEST(EventBusTest, SlowSubscriberDelaysNeitherTheWriterNorAFastSubscriber) {
  constexpr int kCommits = 200;
  auto store = store::NewMemoryStore();
  EventBus bus;
  Gate gate;
  Recorder fast, slow;
  Handler slow_handler = slow.Handle();
  ASSERT_TRUE(bus.Subscribe("slow",
                            [&](const store::ChangeEvent& e) {
                              gate.Wait();
                              return slow_handler(e);
                            })
                  .ok());
  ASSERT_TRUE(bus.Subscribe("fast", fast.Handle()).ok());
  ASSERT_TRUE(bus.Attach(*store).ok());

  auto writer = std::async(std::launch::async, [&] {
    for (int i = 0; i < kCommits; ++i) Commit(*store, {Write("p" + std::to_string(i), 1)});
  });
  bool written = writer.wait_for(10s) == std::future_status::ready;
  bool fast_done = WaitDelivered(bus, "fast", kCommits);
  SubscriberStats slow_stats = StatsOf(bus, "slow");
  SubscriberStats fast_stats = StatsOf(bus, "fast");
  gate.Open();
  ASSERT_TRUE(written) << "the writer waited for the slow subscriber";
  ASSERT_TRUE(fast_done) << "the fast subscriber waited for the slow one";
  EXPECT_EQ(fast.sequences(), Range(1, kCommits));
  EXPECT_EQ(fast_stats.backlog, 0u);
  // The slow one is still inside its first event.
  EXPECT_EQ(slow_stats.delivered, 0u);
  EXPECT_EQ(slow_stats.backlog, uint64_t{kCommits});
  EXPECT_EQ(slow_stats.last_sequence, 0u);

  // Released, it catches up in order.
  ASSERT_TRUE(bus.WaitIdle(10s));
  EXPECT_EQ(slow.sequences(), Range(1, kCommits));
  EXPECT_EQ(StatsOf(bus, "slow").backlog, 0u);
  EXPECT_EQ(StatsOf(bus, "slow").last_sequence, uint64_t{kCommits});
}

TEST(EventBusTest, QueueKeepsEventsUntilEverySubscriberPassedThem) {
  EventBus bus;
  Gate gate;
  Recorder fast;
  ASSERT_TRUE(bus.Subscribe("fast", fast.Handle()).ok());
  ASSERT_TRUE(bus.Subscribe("slow",
                            [&](const store::ChangeEvent&) {
                              gate.Wait();
                              return absl::OkStatus();
                            })
                  .ok());
  for (uint64_t i = 0; i < 5; ++i) bus.Publish({Event(2 * i + 1), Event(2 * i + 2)});
  ASSERT_TRUE(WaitDelivered(bus, "fast", 10));
  ASSERT_TRUE(gate.Entered(10s));
  BusStats stats = bus.Stats();
  EXPECT_EQ(stats.published, 10u);
  EXPECT_EQ(stats.queued, 10u);
  EXPECT_EQ(stats.subscribers.at(1).backlog, 10u);
  gate.Open();
  ASSERT_TRUE(bus.WaitIdle(10s));
  stats = bus.Stats();
  EXPECT_EQ(stats.queued, 0u);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(stats.subscribers.at(1).delivered, 10u);
  EXPECT_EQ(stats.subscribers.at(1).backlog, 0u);
}

TEST(EventBusTest, FailingHandlerIsCountedMovesOnAndOthersGetEveryEvent) {
  EventBus bus;
  Recorder good, bad;
  Handler record = bad.Handle();
  ASSERT_TRUE(bus.Subscribe("bad",
                            [&](const store::ChangeEvent& e) -> absl::Status {
                              (void)record(e);
                              if (e.sequence == 3) throw std::runtime_error("three");
                              if (e.sequence % 2 == 0) {
                                return absl::InternalError("even " + std::to_string(e.sequence));
                              }
                              return absl::OkStatus();
                            })
                  .ok());
  ASSERT_TRUE(bus.Subscribe("good", good.Handle()).ok());
  bus.Publish({Event(1), Event(2), Event(3)});
  bus.Publish({Event(4), Event(5)});
  ASSERT_TRUE(bus.WaitIdle(10s));
  EXPECT_EQ(good.sequences(), Range(1, 5));
  EXPECT_EQ(bad.sequences(), Range(1, 5));
  SubscriberStats stats = StatsOf(bus, "bad");
  EXPECT_EQ(stats.delivered, 5u);
  EXPECT_EQ(stats.failed, 3u);  // 2, 3 (thrown) and 4
  EXPECT_EQ(stats.last_error, "even 4");
  EXPECT_EQ(stats.last_sequence, 5u);
  EXPECT_EQ(StatsOf(bus, "good").failed, 0u);
  EXPECT_EQ(StatsOf(bus, "good").last_error, "");
}

TEST(EventBusTest, ThrownExceptionBecomesTheLastError) {
  EventBus bus;
  ASSERT_TRUE(bus.Subscribe("t",
                            [](const store::ChangeEvent&) -> absl::Status {
                              throw std::runtime_error("boom");
                            })
                  .ok());
  bus.Publish({Event(1)});
  ASSERT_TRUE(bus.WaitIdle(10s));
  EXPECT_EQ(StatsOf(bus, "t").failed, 1u);
  EXPECT_EQ(StatsOf(bus, "t").last_error, "exception: boom");
}

// Beyond max_queued the oldest events are dropped for a stuck subscriber: it
// sees a gap in the sequence and counts what it skipped; the publisher never waits.
TEST(EventBusTest, OverflowDropsTheOldestEventsForALaggingSubscriber) {
  EventBusOptions options;
  options.max_queued = 10;
  EventBus bus(options);
  Gate gate;
  Recorder seen;
  Handler record = seen.Handle();
  ASSERT_TRUE(bus.Subscribe("stuck",
                            [&](const store::ChangeEvent& e) {
                              if (e.sequence == 1) gate.Wait();
                              return record(e);
                            })
                  .ok());
  bus.Publish({Event(1)});
  ASSERT_TRUE(gate.Entered(10s));  // it holds event 1
  for (uint64_t i = 2; i <= 30; ++i) bus.Publish({Event(i)});
  BusStats stats = bus.Stats();
  EXPECT_EQ(stats.queued, 10u);
  EXPECT_EQ(stats.dropped, 20u);
  EXPECT_EQ(stats.subscribers.at(0).backlog, 30u);
  gate.Open();
  ASSERT_TRUE(bus.WaitIdle(10s));
  std::vector<uint64_t> expected = {1};
  for (uint64_t s : Range(21, 30)) expected.push_back(s);
  EXPECT_EQ(seen.sequences(), expected);
  SubscriberStats s = StatsOf(bus, "stuck");
  EXPECT_EQ(s.delivered, 11u);
  EXPECT_EQ(s.skipped, 19u);
  EXPECT_EQ(s.backlog, 0u);
  EXPECT_EQ(bus.Stats().queued, 0u);
}

TEST(EventBusTest, SubscriberReceivesOnlyEventsPublishedAfterItSubscribed) {
  EventBus bus;
  bus.Publish({Event(1), Event(2)});  // no subscriber: nothing is kept
  EXPECT_EQ(bus.Stats().queued, 0u);
  EXPECT_EQ(bus.Stats().published, 2u);
  Recorder r;
  ASSERT_TRUE(bus.Subscribe("late", r.Handle()).ok());
  bus.Publish({Event(3)});
  ASSERT_TRUE(bus.WaitIdle(10s));
  EXPECT_EQ(r.sequences(), std::vector<uint64_t>{3});
  EXPECT_EQ(StatsOf(bus, "late").backlog, 0u);
}

TEST(EventBusTest, BacklogCountsTheEventBeingHandledAndThoseWaiting) {
  EventBus bus;
  std::vector<uint64_t> seen;  // only the subscriber thread writes it
  ASSERT_TRUE(bus.Subscribe("s", [&](const store::ChangeEvent&) {
                   seen.push_back(bus.Backlog("s"));
                   return absl::OkStatus();
                 }).ok());
  bus.Publish({Event(1), Event(2), Event(3)});
  ASSERT_TRUE(bus.WaitIdle(10s));
  EXPECT_EQ(seen, (std::vector<uint64_t>{3, 2, 1}));
  EXPECT_EQ(bus.Backlog("s"), 0u);
  EXPECT_EQ(bus.Backlog("nobody"), 0u);
}

TEST(EventBusTest, SubscribeRejectsEmptyHandlersAndDuplicateNames) {
  EventBus bus;
  EXPECT_TRUE(absl::IsInvalidArgument(bus.Subscribe("x", nullptr)));
  Recorder r;
  ASSERT_TRUE(bus.Subscribe("x", r.Handle()).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(bus.Subscribe("x", r.Handle())));
  EXPECT_EQ(bus.Stats().subscribers.size(), 1u);
}

TEST(EventBusTest, StopLetsTheRunningHandlerFinishThenDiscardsTheRest) {
  auto store = store::NewMemoryStore();
  EventBus bus;
  Gate gate;
  Recorder r;
  Handler record = r.Handle();
  ASSERT_TRUE(bus.Subscribe("s",
                            [&](const store::ChangeEvent& e) {
                              gate.Wait();
                              return record(e);
                            })
                  .ok());
  ASSERT_TRUE(bus.Attach(*store).ok());
  Commit(*store, {Write("a", 1), Write("b", 1), Write("c", 1)});
  ASSERT_TRUE(gate.Entered(10s));
  auto stopped = std::async(std::launch::async, [&] { bus.Stop(); });
  // Stop waits for the handler in progress.
  EXPECT_EQ(stopped.wait_for(50ms), std::future_status::timeout);
  gate.Open();
  ASSERT_EQ(stopped.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(r.sequences(), std::vector<uint64_t>{1});

  // Stopped for good and detached from the store.
  bus.Stop();
  Commit(*store, {Write("d", 1)});
  bus.Publish({Event(9)});
  EXPECT_EQ(bus.Stats().published, 3u);
  EXPECT_TRUE(absl::IsFailedPrecondition(bus.Subscribe("t", r.Handle())));
  EXPECT_TRUE(absl::IsFailedPrecondition(bus.Attach(*store)));
  EXPECT_FALSE(bus.WaitIdle(10ms));
  EXPECT_EQ(r.sequences(), std::vector<uint64_t>{1});
}

// A restart is a new bus on the same store: it follows from the next commit,
// and the sequence continues (it counts the store's commits, not the bus's).
TEST(EventBusTest, NewBusOnTheSameStoreContinuesTheSequence) {
  auto store = store::NewMemoryStore();
  {
    EventBus first;
    Recorder r;
    ASSERT_TRUE(first.Subscribe("s", r.Handle()).ok());
    ASSERT_TRUE(first.Attach(*store).ok());
    EXPECT_TRUE(absl::IsFailedPrecondition(first.Attach(*store)));
    Commit(*store, {Write("a", 1), Write("b", 1)});
    ASSERT_TRUE(first.WaitIdle(10s));
    EXPECT_EQ(r.sequences(), Range(1, 2));
  }  // the destructor stops and detaches it
  Commit(*store, {Write("c", 1)});
  EventBus second;
  Recorder r;
  ASSERT_TRUE(second.Subscribe("s", r.Handle()).ok());
  ASSERT_TRUE(second.Attach(*store).ok());
  Commit(*store, {Write("a", 2)});
  ASSERT_TRUE(second.WaitIdle(10s));
  ASSERT_EQ(r.events().size(), 1u);
  EXPECT_EQ(r.events()[0].sequence, 4u);
  EXPECT_EQ(r.events()[0].id, "a");
  EXPECT_EQ(r.events()[0].version, 2);
}

TEST(EventBusTest, RolledBackTransactionsPublishNothing) {
  auto store = store::NewMemoryStore();
  EventBus bus;
  Recorder r;
  ASSERT_TRUE(bus.Subscribe("s", r.Handle()).ok());
  ASSERT_TRUE(bus.Attach(*store).ok());
  Commit(*store, {Write("a", 1)});
  {
    auto txn = *store->BeginWrite();
    ASSERT_TRUE(txn->Put(Write("b", 1)).ok());
  }  // rolled back
  Commit(*store, {Write("c", 1)});
  ASSERT_TRUE(bus.WaitIdle(10s));
  std::vector<store::ChangeEvent> events = r.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, "a");
  EXPECT_EQ(events[1].id, "c");
  EXPECT_EQ(events[1].sequence, 2u);
  EXPECT_EQ(events[1].time_ms, 1001);
}

}  // namespace
}  // namespace vigil::events
