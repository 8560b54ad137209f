// The thread that sends rest-hook notifications, so that a slow or dead
// endpoint never holds up the change events.
//
//   DeliveryWorker worker(NewHttpHookSender({}), RetryPolicy{}, callbacks);
//   worker.Enqueue(delivery);   // returns at once
//   ...
//   worker.Stop();              // the destructor calls it
//
// Order and retries (the invariants delivery_worker_test.cc checks):
//   1. Each Subscription has its own lane: its notifications are sent one at a
//      time, in Enqueue order; a notification is not sent before the one queued
//      before it for the same Subscription has succeeded or been given up.
//   2. A failed attempt (not 2xx, no connection, timeout) is retried after
//      RetryDelay(policy, failures); meanwhile the other lanes go on.
//   3. After policy.max_attempts failed attempts callbacks.failed is called
//      with a reason like "POST http://127.0.0.1:9/hook failed 5 times:
//      connection refused", and that lane's notifications queued for the same
//      or an earlier Subscription version are dropped.
//   4. Cancel drops a lane's queued notifications (the one being sent finishes
//      and is neither retried nor reported).
// Lanes are served earliest-due first, so a busy Subscription does not starve
// the others. One thread sends everything: an endpoint that times out delays
// the other lanes by up to HookTimeouts::total per attempt.
//
// Lifecycle: Stop cancels the request in flight, drops what is queued and
// joins the thread; idempotent. Callbacks run on the worker thread, without
// the worker's lock, and may call Enqueue and Cancel.
//
// Thread-safety: every method may be called from any thread but the worker's
// own for Stop.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "subscriptions/hook_sender.h"
#include "subscriptions/retry.h"

namespace vigil::subscriptions {

struct Delivery {
  std::string subscription_id;
  int64_t subscription_version = 0;
  std::string resource;  // "Observation/1/_history/2", for the log
  HookRequest request;
};

struct DeliveryCallbacks {
  std::function<void(const Delivery&)> delivered;
  // A failed attempt that will be retried after delay; error is the sender's reason.
  std::function<void(const Delivery&, int failed_attempts, std::chrono::milliseconds delay,
                     std::string_view error)>
      retrying;
  // The last attempt failed.
  std::function<void(const Delivery&, const std::string& reason)> failed;
};

class DeliveryWorker {
 public:
  DeliveryWorker(std::shared_ptr<HookSender> sender, RetryPolicy policy, DeliveryCallbacks callbacks);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Queues delivery at the end of its Subscription's lane. Ignored after Stop.
  void Enqueue(Delivery delivery);
  // Drops the queued deliveries of subscription_id (invariant 4).
  void Cancel(std::string_view subscription_id);
  // Deliveries queued or in flight.
  size_t Pending() const;
  void Stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct Lane {
    std::deque<Delivery> queue;  // front: the next one to send (or the one in flight)
    int failures = 0;            // of the front one
    Clock::time_point due;       // when the front one may be sent
    bool in_flight = false;
    bool cancelled = false;      // the one in flight was cancelled
  };

  void Run();
  // The lane whose front is due earliest; nullptr when all are empty. REQUIRES: mu_.
  Lane* NextLane(std::string& id);
  // Records the result of sending lane's front. REQUIRES: lock holds mu_; may release it.
  void Settle(std::unique_lock<std::mutex>& lock, const std::string& id, const Delivery& delivery,
              const absl::Status& sent);

  const std::shared_ptr<HookSender> sender_;
  const RetryPolicy policy_;
  const DeliveryCallbacks callbacks_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, Lane, std::less<>> lanes_;  // guarded by mu_; by Subscription id
  size_t pending_ = 0;                              // guarded by mu_
  bool stopping_ = false;                           // guarded by mu_
  std::thread thread_;
};

}  // namespace vigil::subscriptions
