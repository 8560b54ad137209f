// When a failed rest-hook notification is tried again: exponential backoff.
//
//   RetryPolicy p;                      // 1 s, doubling, 5 attempts
//   RetryDelay(p, 1) == 1 s             // wait after the 1st failed attempt
//   RetryDelay(p, 4) == 8 s             // after the 4th; the 5th failure is final
//
// Thread-safety: pure functions over a plain value.
#pragma once

#include <chrono>

namespace vigil::subscriptions {

struct RetryPolicy {
  std::chrono::milliseconds initial_delay{1000};
  int max_attempts = 5;                          // attempts in all, the first included; >= 1
  std::chrono::milliseconds max_delay{300'000};  // no single wait is longer
};

// The wait before attempt failed_attempts + 1: initial_delay * 2^(failed_attempts - 1),
// at most max_delay. REQUIRES: failed_attempts >= 1.
std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int failed_attempts);

// Whether another attempt follows failed_attempts failures.
inline bool ShouldRetry(const RetryPolicy& policy, int failed_attempts) {
  return failed_attempts < policy.max_attempts;
}

}  // namespace vigil::subscriptions
