// Counts committed resource writes per minute for the data page's ingestion
// rate. `vigil serve` feeds it from the change-event bus (every committed
// resource version is one event), so it covers writes since the server started,
// by every path: REST, transactions, MLLP, live scoring.
//
//   WriteRate rate(NowMs());
//   bus.Subscribe("dashboard", [&rate](const store::ChangeEvent& e) {
//     rate.Record(e.time_ms);
//     return absl::OkStatus();
//   });
//
// Each write is counted in the minute of its time (the version's lastUpdated).
// Memory is fixed: one counter per minute of the last kMinutes.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

namespace vigil::dashboard {

class WriteRate {
 public:
  static constexpr int kMinutes = 60;

  explicit WriteRate(int64_t started_ms) : started_ms_(started_ms) {}

  void Record(int64_t time_ms);

  // (minute start in ms, writes) for the kMinutes minutes ending with the minute
  // of now_ms, oldest first.
  std::vector<std::pair<int64_t, int64_t>> PerMinute(int64_t now_ms) const;
  int64_t total() const;
  int64_t started_ms() const { return started_ms_; }

 private:
  struct Bucket {
    int64_t minute = -1;  // minute number since the epoch
    int64_t writes = 0;
  };
  const int64_t started_ms_;
  mutable std::mutex mu_;
  std::array<Bucket, kMinutes> buckets_;  // guarded by mu_; minute m in slot m % kMinutes
  int64_t total_ = 0;                     // guarded by mu_
};

}  // namespace vigil::dashboard
