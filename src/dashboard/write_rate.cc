#include "dashboard/write_rate.h"

#include "base/calendar.h"

namespace vigil::dashboard {

void WriteRate::Record(int64_t time_ms) {
  const int64_t minute = FloorDiv(time_ms, kMsPerMinute);
  std::lock_guard lock(mu_);
  ++total_;
  Bucket& b = buckets_[FloorMod(minute, kMinutes)];
  if (b.minute > minute) return;  // older than the window the slot now holds: counted in total only
  if (b.minute < minute) b = Bucket{minute, 0};
  ++b.writes;
}

std::vector<std::pair<int64_t, int64_t>> WriteRate::PerMinute(int64_t now_ms) const {
  const int64_t last = FloorDiv(now_ms, kMsPerMinute);
  std::vector<std::pair<int64_t, int64_t>> out;
  out.reserve(kMinutes);
  std::lock_guard lock(mu_);
  for (int64_t m = last - kMinutes + 1; m <= last; ++m) {
    const Bucket& b = buckets_[FloorMod(m, kMinutes)];
    out.emplace_back(m * kMsPerMinute, b.minute == m ? b.writes : 0);
  }
  return out;
}

int64_t WriteRate::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

}  // namespace vigil::dashboard
