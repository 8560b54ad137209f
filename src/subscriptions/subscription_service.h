// R4 Subscriptions inside `vigil serve` (docs/subscriptions.md): keeps the
// table of active Subscriptions current from the change events, activates the
// requested ones, and hands each committed create or update that matches an
// active Subscription's criteria to the delivery worker as a rest-hook
// notification.
//
//   VIGIL_ASSIGN_OR_RETURN(auto service,
//       SubscriptionService::Start(store, registry, write_options, bus, {}));
//   ...
//   bus.Stop();        // before the service goes
//   service.reset();   // stops the delivery worker
//
// The life of a Subscription (R4 status codes):
//   - requested (written by a client): checked (subscription.h, criteria.h);
//     the server writes it back as `active` (its `error` removed), or as
//     `error` with the reason in Subscription.error, or as `off` when its `end`
//     has already passed. A client that writes `active` itself is checked the
//     same way (no write when it passes).
//   - active: every committed create or update of criteria.type is matched
//     (MatchesCriteria: the criteria search restricted to that resource, in
//     the store) and, when it matches, notified. The version notified is the
//     one the event names; an event whose version is no longer current when
//     it is handled is skipped, as the newer version's own event follows.
//     Deletes are not notified.
//   - delivery failed policy.max_attempts times (delivery_worker.h): written
//     as `error` with the reason ("POST http://h/hook failed 5 times:
//     connection refused"); nothing more is sent until a client writes it back
//     as requested or active.
//   - end passed: written as `off` when the next event is handled.
//   - off, error, deleted: dropped from the table, queued notifications too.
// The server's own writes go through persist::ResourceWrites (validation,
// versions, indexing) with If-Match on the version read, so a client's
// concurrent change wins; the events of those writes are recognized by
// version and not handled again.
//
// Events: subscribed as "subscriptions". Subscribing comes before loading the
// stored Subscriptions, so none created meanwhile is missed; a gap in the
// event sequence (events dropped for a stuck subscriber) reloads them all.
//
// Thread-safety: OnChange runs on the bus thread, delivery results on the
// worker thread; one mutex serializes both. REQUIRES: store and registry
// outlive the service; the bus is stopped before the service is destroyed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "events/event_bus.h"
#include "fhir/json.h"
#include "persist/resource_writes.h"
#include "search/registry.h"
#include "store/change.h"
#include "store/store.h"
#include "subscriptions/delivery_worker.h"
#include "subscriptions/subscription.h"

namespace vigil::subscriptions {

inline constexpr std::string_view kSubscriberName = "subscriptions";

struct SubscriptionServiceOptions {
  RetryPolicy retry;
  HookTimeouts timeouts;
  std::shared_ptr<HookSender> sender;         // null: NewHttpHookSender(timeouts, tls)
  std::shared_ptr<net::TlsContext> tls = nullptr;  // https:// endpoints; null: the system's trust store
  std::function<void(std::string_view)> log;  // one line without '\n'; null: silent
};

class SubscriptionService {
 public:
  // Starts the delivery worker, subscribes to bus, then loads the store's
  // requested and active Subscriptions. Errors: those of bus.Subscribe; a
  // failure to load is logged, and the Subscriptions are loaded again from
  // their next event.
  static absl::StatusOr<std::unique_ptr<SubscriptionService>> Start(store::Store& store,
                                                                    const search::Registry& registry,
                                                                    persist::WriteOptions write,
                                                                    events::EventBus& bus,
                                                                    SubscriptionServiceOptions options);
  ~SubscriptionService();
  SubscriptionService(const SubscriptionService&) = delete;
  SubscriptionService& operator=(const SubscriptionService&) = delete;

  // The bus handler. Errors: the store's, a failed write-back, a criteria
  // search that fails (the other Subscriptions are still served).
  absl::Status OnChange(const store::ChangeEvent& event);

  size_t active_count() const;
  // Notifications queued or being sent.
  size_t pending() const { return worker_->Pending(); }

 private:
  SubscriptionService(store::Store& store, const search::Registry& registry, persist::WriteOptions write,
                      SubscriptionServiceOptions options);
  // Every requested or active Subscription in the store into the table. REQUIRES: mu_.
  absl::Status LoadAll();
  // Re-reads Subscription/id and acts on its status. REQUIRES: mu_.
  absl::Status Refresh(const std::string& id);
  // Writes Subscription/id (read at version) back with status and error; the new
  // version, or 0 when it changed meanwhile. REQUIRES: mu_.
  absl::StatusOr<int64_t> WriteStatus(const std::string& id, int64_t version, fhir::Json resource,
                                      std::string_view status, std::string_view error);
  // Re-reads Subscription/id and writes it as status/error if still at version. REQUIRES: mu_.
  absl::Status SetStatus(const std::string& id, int64_t version, std::string_view status, std::string_view error);
  void Drop(const std::string& id);  // REQUIRES: mu_
  absl::Status ExpireDue();          // REQUIRES: mu_
  absl::Status Notify(const store::ChangeEvent& event);  // REQUIRES: mu_
  void OnDeliveryFailed(const Delivery& delivery, const std::string& reason);
  void Log(std::string_view line) const;
  int64_t Now() const { return writes_.Now(); }

  store::Store& store_;
  const search::Registry& registry_;
  const persist::ResourceWrites writes_;
  const SubscriptionServiceOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, Subscription> table_;   // guarded by mu_: the active ones, by id
  std::map<std::string, int64_t> own_versions_;  // guarded by mu_: written by us, event not seen yet
  uint64_t last_sequence_ = 0;                   // guarded by mu_
  std::unique_ptr<DeliveryWorker> worker_;       // last: its thread stops first
};

}  // namespace vigil::subscriptions
