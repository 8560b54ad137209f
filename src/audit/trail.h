// AuditTrail: the background writer between request threads and a LogWriter.
//
// Record() puts one serialized AuditEvent on a bounded queue; one writer
// thread takes everything queued, appends it, and flushes it with one
// fdatasync (group commit). It lets a batch gather for batch_interval (10 ms)
// after its first event, or until batch_max (1024) are queued, so under load
// it syncs about 100 times a second, not once per event. An event is durable
// within batch_interval + one write and fsync of being recorded. A signed checkpoint is written
// after checkpoint_every events or checkpoint_interval of time (if anything is unsealed), and by
// Stop().
//
// Backpressure, never loss: when the queue is full, Record() blocks until the
// writer has made room. If the disk fails, the writer logs the error to stderr
// (no event content) and retries the batch every retry_interval; the queue
// fills and request threads block, so the server stops answering rather than
// serving unaudited requests.
//
// Thread-safety: Record may be called from any number of threads; Stop from
// one thread, after the last Record (later Records are dropped with a warning).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "audit/log_writer.h"

namespace vigil::audit {

struct TrailOptions {
  size_t queue_capacity = 8192;
  // A batch is written (one pwrite + one fdatasync) batch_interval after its
  // first event arrived, or at once when batch_max events are queued.
  std::chrono::milliseconds batch_interval{10};
  size_t batch_max = 1024;
  uint64_t checkpoint_every = 10000;  // events
  std::chrono::milliseconds checkpoint_interval{10000};
  std::chrono::milliseconds retry_interval{1000};  // after a write error
};

class AuditTrail {
 public:
  AuditTrail(std::unique_ptr<LogWriter> writer, TrailOptions options);
  ~AuditTrail();  // Stop()
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  // Queues one record (an AuditEvent's JSON); blocks while the queue is full.
  void Record(std::string event_json);
  // Writes everything queued, a final checkpoint, and joins the thread. Idempotent.
  // Returns the last write error, if any.
  absl::Status Stop();

 private:
  void Run();
  // Appends and flushes batch, retrying until it is written or stopping.
  void WriteBatch(std::deque<std::string>& batch);
  bool Retry(const absl::Status& error);

  std::unique_ptr<LogWriter> writer_;
  const TrailOptions options_;
  std::mutex mu_;
  std::condition_variable has_work_;
  std::condition_variable has_room_;
  std::deque<std::string> queue_;  // guarded by mu_
  bool stopping_ = false;          // guarded by mu_
  bool writer_waiting_ = false;    // guarded by mu_: Run is in has_work_.wait
  absl::Status error_;             // guarded by mu_
  std::thread thread_;
};

}  // namespace vigil::audit
