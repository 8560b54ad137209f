#include "audit/trail.h"

#include <algorithm>
#include <cstdio>

#include "base/str.h"

namespace vigil::audit {

AuditTrail::AuditTrail(std::unique_ptr<LogWriter> writer, TrailOptions options)
    : writer_(std::move(writer)), options_(options), thread_([this] { Run(); }) {}

AuditTrail::~AuditTrail() { Stop().IgnoreError(); }

void AuditTrail::Record(std::string event_json) {
  std::unique_lock lock(mu_);
  has_room_.wait(lock, [this] { return stopping_ || queue_.size() < options_.queue_capacity; });
  if (stopping_) {
    std::fprintf(stderr, "vigil audit: an event arrived after shutdown and was not recorded\n");
    return;
  }
  queue_.push_back(std::move(event_json));
  // A busy writer takes the queue when it is done: no wake-up (a syscall) needed.
  bool wake = writer_waiting_;
  lock.unlock();
  if (wake) has_work_.notify_one();
}

absl::Status AuditTrail::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  has_work_.notify_all();
  has_room_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  return error_;
}

bool AuditTrail::Retry(const absl::Status& error) {
  std::fprintf(stderr, "vigil audit: %s; retrying\n", std::string(Message(error)).c_str());
  std::unique_lock lock(mu_);
  error_ = error;
  if (stopping_) return false;
  has_work_.wait_for(lock, options_.retry_interval, [this] { return stopping_; });
  return true;
}

void AuditTrail::WriteBatch(std::deque<std::string>& batch) {
  for (std::string& event : batch) {
    absl::Status appended = writer_->Append(event);
    if (!appended.ok()) std::fprintf(stderr, "vigil audit: an event was too large to record\n");
  }
  batch.clear();
  for (absl::Status s = writer_->Flush(); !s.ok(); s = writer_->Flush()) {
    if (!Retry(s)) return;
  }
}

void AuditTrail::Run() {
  auto last_checkpoint = std::chrono::steady_clock::now();
  std::deque<std::string> batch;
  for (;;) {
    bool stopping;
    {
      std::unique_lock lock(mu_);
      writer_waiting_ = true;
      has_work_.wait_for(lock, options_.checkpoint_interval,
                         [this] { return stopping_ || !queue_.empty(); });
      writer_waiting_ = false;
      // Let a batch gather (one fdatasync per batch, not per event): up to
      // batch_interval after its first event, or until batch_max are queued.
      // (Never longer than half the queue: request threads must not block on it.)
      if (!stopping_ && !queue_.empty() &&
          queue_.size() < std::min(options_.batch_max, options_.queue_capacity / 2)) {
        lock.unlock();
        std::this_thread::sleep_for(options_.batch_interval);
        lock.lock();
      }
      batch.swap(queue_);
      stopping = stopping_;
    }
    has_room_.notify_all();
    if (!batch.empty()) WriteBatch(batch);
    bool due = std::chrono::steady_clock::now() - last_checkpoint >= options_.checkpoint_interval;
    if (stopping || writer_->unsealed() >= options_.checkpoint_every ||
        (due && writer_->unsealed() > 0)) {
      for (absl::Status s = writer_->Checkpoint(); !s.ok(); s = writer_->Checkpoint()) {
        if (!Retry(s)) break;
      }
      last_checkpoint = std::chrono::steady_clock::now();
    }
    if (stopping) return;
  }
}

}  // namespace vigil::audit
