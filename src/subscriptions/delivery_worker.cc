#include "subscriptions/delivery_worker.h"

#include "base/str.h"

namespace vigil::subscriptions {

DeliveryWorker::DeliveryWorker(std::shared_ptr<HookSender> sender, RetryPolicy policy, DeliveryCallbacks callbacks)
    : sender_(std::move(sender)), policy_(policy), callbacks_(std::move(callbacks)), thread_([this] { Run(); }) {}

DeliveryWorker::~DeliveryWorker() { Stop(); }

void DeliveryWorker::Enqueue(Delivery delivery) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  Lane& lane = lanes_[delivery.subscription_id];
  if (lane.queue.empty()) lane.due = Clock::now();
  lane.queue.push_back(std::move(delivery));
  ++pending_;
  changed_.notify_all();
}

void DeliveryWorker::Cancel(std::string_view subscription_id) {
  std::lock_guard lock(mu_);
  auto it = lanes_.find(subscription_id);
  if (it == lanes_.end()) return;
  Lane& lane = it->second;
  if (!lane.in_flight) {
    pending_ -= lane.queue.size();
    lanes_.erase(it);
    return;
  }
  pending_ -= lane.queue.size() - 1;  // the one in flight is settled by Run
  lane.queue.erase(lane.queue.begin() + 1, lane.queue.end());
  lane.cancelled = true;
}

size_t DeliveryWorker::Pending() const {
  std::lock_guard lock(mu_);
  return pending_;
}

void DeliveryWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    lanes_.clear();
    pending_ = 0;
  }
  sender_->Cancel();
  changed_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

DeliveryWorker::Lane* DeliveryWorker::NextLane(std::string& id) {
  Lane* next = nullptr;
  for (auto& [lane_id, lane] : lanes_) {
    if (lane.queue.empty() || (next != nullptr && lane.due >= next->due)) continue;
    next = &lane;
    id = lane_id;
  }
  return next;
}

void DeliveryWorker::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    std::string id;
    Lane* lane = NextLane(id);
    if (lane == nullptr) {
      changed_.wait(lock);
      continue;
    }
    if (lane->due > Clock::now()) {
      changed_.wait_until(lock, lane->due);  // an Enqueue may bring an earlier one
      continue;
    }
    lane->in_flight = true;
    const Delivery delivery = lane->queue.front();
    lock.unlock();
    const absl::Status sent = sender_->Send(delivery.request);
    lock.lock();
    if (stopping_) break;
    Settle(lock, id, delivery, sent);
  }
}

void DeliveryWorker::Settle(std::unique_lock<std::mutex>& lock, const std::string& id, const Delivery& delivery,
                            const absl::Status& sent) {
  auto it = lanes_.find(id);  // kept by Cancel while in flight
  Lane& lane = it->second;
  lane.in_flight = false;
  auto pop_front = [&] {
    lane.queue.pop_front();
    --pending_;
    lane.failures = 0;
    lane.due = Clock::now();
    if (lane.queue.empty()) lanes_.erase(it);
  };
  if (lane.cancelled) {
    lane.cancelled = false;
    pop_front();
    return;
  }
  if (sent.ok()) {
    pop_front();
    lock.unlock();
    if (callbacks_.delivered) callbacks_.delivered(delivery);
    lock.lock();
    return;
  }
  const int failures = ++lane.failures;
  if (ShouldRetry(policy_, failures)) {
    const std::chrono::milliseconds delay = RetryDelay(policy_, failures);
    lane.due = Clock::now() + delay;
    lock.unlock();
    if (callbacks_.retrying) callbacks_.retrying(delivery, failures, delay, Message(sent));
    lock.lock();
    return;
  }
  const std::string reason = StrCat(delivery.request.method, " ", delivery.request.url.text, " failed ", failures,
                                    failures == 1 ? " time: " : " times: ", Message(sent));
  pop_front();
  lock.unlock();
  if (callbacks_.failed) callbacks_.failed(delivery, reason);
  lock.lock();
  // What was queued for the failed Subscription version goes with it (invariant 3).
  it = lanes_.find(id);
  if (it == lanes_.end() || it->second.in_flight) return;
  std::erase_if(it->second.queue, [&](const Delivery& d) {
    if (d.subscription_version > delivery.subscription_version) return false;
    --pending_;
    return true;
  });
  if (it->second.queue.empty()) lanes_.erase(it);
}

}  // namespace vigil::subscriptions
