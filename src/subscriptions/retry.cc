#include "subscriptions/retry.h"

#include <algorithm>

namespace vigil::subscriptions {

std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int failed_attempts) {
  std::chrono::milliseconds delay = policy.initial_delay;
  for (int i = 1; i < failed_attempts && delay < policy.max_delay; ++i) delay *= 2;
  return std::min(delay, policy.max_delay);
}

}  // namespace vigil::subscriptions
