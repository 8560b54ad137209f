// Test-only: a HookSender that records every request and answers from a
// script (OK by default), so delivery and service tests need no network.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "subscriptions/hook_sender.h"

namespace vigil::subscriptions::testing {

struct SentRequest {
  HookRequest request;
  std::chrono::steady_clock::time_point at;
};

class FakeSender final : public HookSender {
 public:
  // The answer to each request; default: OK.
  void AnswerWith(std::function<absl::Status(const HookRequest&)> answer) {
    std::lock_guard lock(mu_);
    answer_ = std::move(answer);
  }

  absl::Status Send(const HookRequest& request) override {
    std::function<absl::Status(const HookRequest&)> answer;
    {
      std::lock_guard lock(mu_);
      sent_.push_back({request, std::chrono::steady_clock::now()});
      answer = answer_;
      changed_.notify_all();
    }
    return answer ? answer(request) : absl::OkStatus();
  }
  void Cancel() override {}

  std::vector<SentRequest> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  // Waits until at least n requests were sent; false after timeout.
  bool WaitFor(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return sent_.size() >= n; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::function<absl::Status(const HookRequest&)> answer_;
  std::vector<SentRequest> sent_;
};

}  // namespace vigil::subscriptions::testing
