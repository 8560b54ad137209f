#include "events/event_bus.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <thread>
#include <utility>

#include "base/str.h"

namespace vigil::events {
namespace {

// Events a subscriber takes from the queue per turn (it then handles them
// without holding the bus mutex).
constexpr uint64_t kWorkEvents = 1024;

// Runs the handler; an exception becomes an error, so that a consumer's bug
// ends neither its thread nor the process.
absl::Status Call(const Handler& handler, const store::ChangeEvent& event) {
  try {
    return handler(event);
  } catch (const std::exception& e) {
    return absl::InternalError(StrCat("exception: ", e.what()));
  } catch (...) {
    return absl::InternalError("unknown exception");
  }
}

}  // namespace

struct EventBus::Subscriber {
  Handler handler;
  uint64_t cursor = 0;    // guarded by mu_
  SubscriberStats stats;  // guarded by mu_; backlog is filled in by Stats()
  std::thread thread;
};

EventBus::EventBus(EventBusOptions options) : options_(options) {}

EventBus::~EventBus() { Stop(); }

absl::Status EventBus::Attach(store::Store& store) {
  std::lock_guard attach(attach_mu_);
  {
    std::lock_guard lock(mu_);
    if (stopped_) return absl::FailedPreconditionError("the event bus is stopped");
  }
  if (store_ != nullptr) return absl::FailedPreconditionError("the event bus is already attached");
  store.SetChangeListener(
      [this](std::vector<store::ChangeEvent> events) { Publish(std::move(events)); });
  store_ = &store;
  if (options_.follow_interval.count() > 0) follower_ = std::thread([this, &store] { Follow(store); });
  return absl::OkStatus();
}

void EventBus::Follow(store::Store& store) {
  std::unique_lock lock(mu_);
  while (!stopping_.wait_for(lock, options_.follow_interval, [&] { return stopped_; })) {
    lock.unlock();
    absl::StatusOr<size_t> announced = store.AnnounceExternalWrites();
    lock.lock();
    if (announced.ok()) {
      external_ += *announced;
    } else if (std::string error(Message(announced.status())); error != external_error_) {
      // Said once per distinct failure (it repeats every interval while it lasts).
      std::fprintf(stderr, "vigil: events: cannot read other processes' writes: %s\n", error.c_str());
      external_error_ = std::move(error);
    }
  }
}

void EventBus::Publish(std::vector<store::ChangeEvent> events) {
  if (events.empty()) return;
  uint64_t n = events.size();
  // Allocated before locking; with no subscriber it is freed after unlocking.
  auto batch = std::make_shared<const std::vector<store::ChangeEvent>>(std::move(events));
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    uint64_t first = end_;
    end_ += n;
    if (subscribers_.empty()) return;
    queue_.push_back(Batch{first, std::move(batch)});
    queued_ += n;
    Trim();
  }
  has_events_.notify_all();
}

absl::Status EventBus::Subscribe(std::string name, Handler handler) {
  if (!handler) return absl::InvalidArgumentError("a subscriber needs a handler");
  std::lock_guard lock(mu_);
  if (stopped_) return absl::FailedPreconditionError("the event bus is stopped");
  for (const auto& s : subscribers_) {
    if (s->stats.name == name) {
      return absl::AlreadyExistsError(StrCat("a subscriber named ", name, " exists"));
    }
  }
  auto s = std::make_unique<Subscriber>();
  s->handler = std::move(handler);
  s->cursor = end_;
  s->stats.name = std::move(name);
  Subscriber* raw = s.get();
  subscribers_.push_back(std::move(s));
  // The thread starts by taking mu_, so it waits until the subscriber is in place.
  raw->thread = std::thread([this, raw] { Run(*raw); });
  return absl::OkStatus();
}

BusStats EventBus::Stats() const {
  std::lock_guard lock(mu_);
  BusStats stats;
  stats.published = end_;
  stats.queued = queued_;
  stats.dropped = dropped_;
  stats.external = external_;
  stats.external_error = external_error_;
  for (const auto& s : subscribers_) {
    stats.subscribers.push_back(s->stats);
    stats.subscribers.back().backlog = end_ - s->cursor;
  }
  return stats;
}

uint64_t EventBus::Backlog(std::string_view name) const {
  std::lock_guard lock(mu_);
  for (const auto& s : subscribers_) {
    if (s->stats.name == name) return end_ - s->cursor;
  }
  return 0;
}

bool EventBus::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const uint64_t target = end_;
  bool done = progressed_.wait_for(lock, timeout, [&] {
    if (stopped_) return true;
    return std::all_of(subscribers_.begin(), subscribers_.end(),
                       [&](const auto& s) { return s->cursor >= target; });
  });
  return done && !stopped_;
}

void EventBus::Stop() {
  {
    std::lock_guard attach(attach_mu_);
    {
      std::lock_guard lock(mu_);
      stopped_ = true;  // Publish ignores what comes from now on
    }
    stopping_.notify_all();
    if (follower_.joinable()) follower_.join();
    // After this no store thread calls Publish any more.
    if (store_ != nullptr) store_->SetChangeListener(nullptr);
    store_ = nullptr;
  }
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    queue_.clear();  // a subscriber still handling events keeps its batches alive
    queued_ = 0;
    for (const auto& s : subscribers_) {
      if (s->thread.joinable()) threads.push_back(std::move(s->thread));
    }
  }
  has_events_.notify_all();
  progressed_.notify_all();
  for (std::thread& t : threads) t.join();
}

void EventBus::Run(Subscriber& s) {
  std::unique_lock lock(mu_);
  while (true) {
    has_events_.wait(lock, [&] { return stopped_ || s.cursor < end_; });
    if (stopped_) return;
    std::vector<Batch> work = TakeWork(s);
    uint64_t from = s.cursor;
    lock.unlock();
    Deliver(s, work, from);
    lock.lock();
  }
}

std::vector<EventBus::Batch> EventBus::TakeWork(Subscriber& s) {
  uint64_t oldest = queue_.empty() ? end_ : queue_.front().first;
  if (s.cursor < oldest) {  // dropped by max_queued while this subscriber lagged
    s.stats.skipped += oldest - s.cursor;
    s.cursor = oldest;
    progressed_.notify_all();
  }
  // Batch ends increase along the queue: find the first one not yet passed.
  auto it = std::upper_bound(queue_.begin(), queue_.end(), s.cursor,
                             [](uint64_t position, const Batch& b) { return position < b.end(); });
  std::vector<Batch> work;
  uint64_t taken = 0;
  for (; it != queue_.end() && taken < kWorkEvents; ++it) {
    taken += it->end() - std::max(it->first, s.cursor);
    work.push_back(*it);
  }
  return work;
}

void EventBus::Deliver(Subscriber& s, const std::vector<Batch>& work, uint64_t from) {
  for (const Batch& b : work) {
    for (uint64_t position = std::max(b.first, from); position < b.end(); ++position) {
      const store::ChangeEvent& event = (*b.events)[position - b.first];
      absl::Status status = Call(s.handler, event);
      std::lock_guard lock(mu_);
      Record(s, position, event, status);
      if (stopped_) return;
    }
  }
}

void EventBus::Record(Subscriber& s, uint64_t position, const store::ChangeEvent& event,
                      const absl::Status& status) {
  s.cursor = position + 1;
  ++s.stats.delivered;
  s.stats.last_sequence = event.sequence;
  if (!status.ok()) {
    ++s.stats.failed;
    s.stats.last_error = std::string(Message(status));
  }
  Trim();
  progressed_.notify_all();
}

void EventBus::Trim() {
  uint64_t passed = end_;
  for (const auto& s : subscribers_) passed = std::min(passed, s->cursor);
  while (!queue_.empty() && queue_.front().end() <= passed) {
    queued_ -= queue_.front().events->size();
    queue_.pop_front();
  }
  while (queued_ > options_.max_queued && queue_.size() > 1) {
    uint64_t n = queue_.front().events->size();
    queued_ -= n;
    dropped_ += n;
    queue_.pop_front();
  }
}

}  // namespace vigil::events
