// EventBus: the in-process change-event bus. The store hands it every committed
// transaction's events (store/change.h); it delivers them to subscribers, each
// on its own thread, so that a slow consumer (live scoring) never slows the
// writers nor the other consumers.
//
//   events::EventBus bus;
//   VIGIL_RETURN_IF_ERROR(bus.Subscribe("scoring", [&](const store::ChangeEvent& e) {
//     return scorer.OnChange(e);  // runs on the "scoring" thread
//   }));
//   VIGIL_RETURN_IF_ERROR(bus.Attach(store));
//   ...
//   bus.Stop();  // before the store is destroyed
//
// Delivery:
//   - Each subscriber has its own cursor and receives the events published
//     after it subscribed, one at a time, strictly in publication order (the
//     store's commit order: event.sequence increases by 1 from one to the
//     next unless events were dropped, see below). It may fall behind and
//     catch up later; the backlog is in Stats().
//   - Publish only takes the bus mutex and appends, so the committing writer
//     waits for no subscriber.
//   - A handler that returns an error or throws is counted as failed (with the
//     last error) and its subscriber moves on to the next event; nothing is
//     retried and the other subscribers are unaffected. Retrying here would
//     stall the subscriber on an event that always fails; a consumer that
//     wants retries makes them inside its handler.
//   - Memory is bounded: an event leaves the queue once every subscriber has
//     passed it (with no subscribers nothing is queued). If more than
//     options.max_queued events are waiting for a stuck subscriber, the oldest
//     are dropped for it: its `skipped` count grows and its handler sees a gap
//     in event.sequence, after which it should re-read what it needs from the
//     store (which has every committed version) rather than rely on the
//     events alone. The writer is never blocked instead.
//   - Events are not persisted: on restart a consumer starts from the store's
//     current state, then follows the events.
//
// Lifecycle: Stop() detaches the bus from the store, lets every handler
// that is running finish its current event, discards what was not delivered,
// and joins the threads; it is idempotent and the destructor calls it. A
// stopped bus stays stopped (Subscribe fails, Publish is ignored); to resume,
// attach a new bus.
//
// Thread-safety: every method may be called from any thread, except that
// Attach and Stop must not be called from a thread that holds one of the
// store's WriteTxns (they set the store's listener, which waits for the
// writer), nor from a handler (Stop joins the handler's own thread).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "store/change.h"
#include "store/store.h"

namespace vigil::events {

// Handles one event on the subscriber's thread. An error (or an exception)
// counts as a failure; the subscriber then moves on.
using Handler = std::function<absl::Status(const store::ChangeEvent& event)>;

struct EventBusOptions {
  // Events kept for subscribers that have not passed them yet; beyond it the
  // oldest are dropped (the newest transaction is always kept whole). ~200
  // bytes each.
  size_t max_queued = size_t{1} << 20;
  // How often the attached store is asked for the writes other processes
  // committed to the same data (Store::AnnounceExternalWrites: `vigil import`
  // while `vigil serve` runs); they are published like the store's own.
  // 0: never.
  std::chrono::milliseconds follow_interval{100};
};

struct SubscriberStats {
  std::string name;
  uint64_t delivered = 0;      // events handed to the handler, failures included
  uint64_t failed = 0;         // of those, the ones that returned an error or threw
  uint64_t skipped = 0;        // dropped by max_queued before this subscriber got them
  uint64_t backlog = 0;        // published after it subscribed, not yet delivered or skipped
  uint64_t last_sequence = 0;  // of the last event delivered; 0 before the first
  std::string last_error;      // of the last failure; "" if none
};

struct BusStats {
  uint64_t published = 0;                    // events received since the bus was created
  uint64_t queued = 0;                       // events held for subscribers now
  uint64_t dropped = 0;                      // events dropped by max_queued
  std::vector<SubscriberStats> subscribers;  // in subscription order
  uint64_t external = 0;        // of `published`, the writes of other processes
  std::string external_error;   // the last failure to read them (also logged); "" if none
};

class EventBus {
 public:
  explicit EventBus(EventBusOptions options = {});
  ~EventBus();  // Stop()
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // Makes this bus the store's change listener, and (follow_interval > 0)
  // starts a thread that publishes the writes other processes commit to the
  // store. The store must outlive the bus or its Stop(). FailedPrecondition
  // when already attached or stopped.
  absl::Status Attach(store::Store& store);

  // Queues one committed transaction's events (the store's listener calls it;
  // tests may call it directly). Ignored after Stop.
  void Publish(std::vector<store::ChangeEvent> events);

  // Starts a subscriber thread that receives every event published from now
  // on. InvalidArgument for an empty handler, AlreadyExists for a name in
  // use, FailedPrecondition after Stop.
  absl::Status Subscribe(std::string name, Handler handler);

  BusStats Stats() const;
  // The events subscriber `name` has not finished handling (the one its
  // handler is running included); 0 for an unknown name. Cheap: one lock,
  // no copies, so a handler may ask it for every event (to batch its writes
  // while more are waiting).
  uint64_t Backlog(std::string_view name) const;

  // Waits until every subscriber has delivered (or skipped) everything
  // published before the call. False on timeout or when the bus stops.
  bool WaitIdle(std::chrono::milliseconds timeout);

  void Stop();

 private:
  // One published transaction. Positions count the events published to this
  // bus from 0; a subscriber's cursor is the position of its next event.
  struct Batch {
    uint64_t first = 0;  // position of events->front()
    std::shared_ptr<const std::vector<store::ChangeEvent>> events;
    uint64_t end() const { return first + events->size(); }
  };
  struct Subscriber;  // a handler, its thread, cursor and counters

  void Run(Subscriber& s);
  // The follower thread: store.AnnounceExternalWrites() every follow_interval.
  void Follow(store::Store& store);
  // The queued batches holding events from s's cursor on (a few thousand
  // events at most), after skipping what was dropped. REQUIRES: mu_.
  std::vector<Batch> TakeWork(Subscriber& s);
  // Hands the events of work from position `from` on to s's handler, one at
  // a time, until the work is done or the bus stops.
  void Deliver(Subscriber& s, const std::vector<Batch>& work, uint64_t from);
  // Counts one handled event and advances s past it. REQUIRES: mu_.
  void Record(Subscriber& s, uint64_t position, const store::ChangeEvent& event,
              const absl::Status& status);
  // Drops batches every subscriber has passed, then the oldest beyond
  // max_queued. REQUIRES: mu_.
  void Trim();

  const EventBusOptions options_;
  // Serializes Attach and Stop's detach. Never held with mu_ taken first:
  // the store calls Publish (mu_) under its writer lock, and setting its
  // listener takes that lock.
  std::mutex attach_mu_;
  store::Store* store_ = nullptr;  // guarded by attach_mu_
  mutable std::mutex mu_;
  std::condition_variable has_events_;  // signalled by Publish and Stop
  std::condition_variable progressed_;  // signalled when a subscriber advances
  std::deque<Batch> queue_;             // guarded by mu_
  uint64_t end_ = 0;      // guarded by mu_: events published (the position after the last)
  uint64_t queued_ = 0;   // guarded by mu_: events in queue_
  uint64_t dropped_ = 0;  // guarded by mu_
  std::vector<std::unique_ptr<Subscriber>> subscribers_;  // guarded by mu_
  bool stopped_ = false;                                  // guarded by mu_
  std::condition_variable stopping_;  // wakes the follower on Stop
  uint64_t external_ = 0;             // guarded by mu_
  std::string external_error_;        // guarded by mu_
  std::thread follower_;              // started by Attach, joined by Stop (under attach_mu_)
};

}  // namespace vigil::events
