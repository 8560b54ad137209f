#include "subscriptions/delivery_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "base/str.h"
#include "subscriptions/fake_sender.h"

namespace vigil::subscriptions {
namespace {

using std::chrono::milliseconds;
using testing::FakeSender;

Delivery Make(const std::string& subscription, const std::string& target, int64_t version = 1) {
  Delivery d;
  d.subscription_id = subscription;
  d.subscription_version = version;
  d.resource = target;
  d.request.method = "POST";
  d.request.url = ParseHookUrl(StrCat("http://127.0.0.1:9/", subscription)).value();
  d.request.body = target;
  return d;
}

// Records the failed callbacks and lets a test wait for them.
struct Failures {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> reasons;

  DeliveryCallbacks Callbacks() {
    DeliveryCallbacks c;
    c.failed = [this](const Delivery& d, const std::string& reason) {
      std::lock_guard lock(mu);
      reasons.push_back(StrCat(d.subscription_id, ": ", reason));
      cv.notify_all();
    };
    return c;
  }
  bool WaitFor(size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(5), [&] { return reasons.size() >= n; });
  }
};

std::vector<std::string> Bodies(const std::vector<testing::SentRequest>& sent) {
  std::vector<std::string> out;
  for (const auto& s : sent) out.push_back(s.request.body);
  return out;
}

TEST(DeliveryWorkerTest, SendsInEnqueueOrderAndReportsNothingOnSuccess) {
  auto sender = std::make_shared<FakeSender>();
  Failures failures;
  DeliveryWorker worker(sender, RetryPolicy{}, failures.Callbacks());
  worker.Enqueue(Make("a", "Observation/1"));
  worker.Enqueue(Make("a", "Observation/2"));
  ASSERT_TRUE(sender->WaitFor(2));
  EXPECT_EQ(Bodies(sender->sent()), (std::vector<std::string>{"Observation/1", "Observation/2"}));
  worker.Stop();
  EXPECT_TRUE(failures.reasons.empty());
  EXPECT_EQ(worker.Pending(), 0u);
}

TEST(DeliveryWorkerTest, GivesUpAfterMaxAttemptsWaitingLongerEachTime) {
  auto sender = std::make_shared<FakeSender>();
  sender->AnswerWith([](const HookRequest&) { return absl::UnavailableError("connection refused"); });
  Failures failures;
  RetryPolicy policy;
  policy.initial_delay = milliseconds(20);
  policy.max_attempts = 4;
  DeliveryWorker worker(sender, policy, failures.Callbacks());
  worker.Enqueue(Make("a", "Observation/1"));
  ASSERT_TRUE(failures.WaitFor(1));
  EXPECT_EQ(failures.reasons[0], "a: POST http://127.0.0.1:9/a failed 4 times: connection refused");
  const auto sent = sender->sent();
  ASSERT_EQ(sent.size(), 4u);
  for (size_t i = 1; i < sent.size(); ++i) {  // 20, 40, 80 ms between the attempts
    EXPECT_GE(sent[i].at - sent[i - 1].at, RetryDelay(policy, static_cast<int>(i))) << "before attempt " << i + 1;
  }
  EXPECT_EQ(worker.Pending(), 0u);
}

TEST(DeliveryWorkerTest, SucceedsOnARetryWithoutReportingAFailure) {
  auto sender = std::make_shared<FakeSender>();
  std::atomic<int> calls = 0;
  sender->AnswerWith([&](const HookRequest&) {
    return ++calls < 3 ? absl::UnavailableError("HTTP 503") : absl::OkStatus();
  });
  Failures failures;
  RetryPolicy policy;
  policy.initial_delay = milliseconds(5);
  DeliveryWorker worker(sender, policy, failures.Callbacks());
  worker.Enqueue(Make("a", "Observation/1"));
  worker.Enqueue(Make("a", "Observation/2"));
  ASSERT_TRUE(sender->WaitFor(4));
  // The second notification waits for the first to succeed (per-Subscription order).
  EXPECT_EQ(Bodies(sender->sent()),
            (std::vector<std::string>{"Observation/1", "Observation/1", "Observation/1", "Observation/2"}));
  worker.Stop();
  EXPECT_TRUE(failures.reasons.empty());
}

TEST(DeliveryWorkerTest, ARetryingSubscriptionDoesNotHoldUpTheOthers) {
  auto sender = std::make_shared<FakeSender>();
  sender->AnswerWith([](const HookRequest& r) {
    return r.url.target == "/a" ? absl::UnavailableError("timed out") : absl::OkStatus();
  });
  Failures failures;
  RetryPolicy policy;
  policy.initial_delay = milliseconds(300);
  policy.max_attempts = 2;
  DeliveryWorker worker(sender, policy, failures.Callbacks());
  worker.Enqueue(Make("a", "Observation/1"));
  ASSERT_TRUE(sender->WaitFor(1));
  worker.Enqueue(Make("b", "Observation/2"));
  ASSERT_TRUE(failures.WaitFor(1));
  // b went out during a's 300 ms wait, before a's second (last) attempt.
  EXPECT_EQ(Bodies(sender->sent()), (std::vector<std::string>{"Observation/1", "Observation/2", "Observation/1"}));
}

TEST(DeliveryWorkerTest, FinalFailureDropsWhatWasQueuedForThatVersionOnly) {
  auto sender = std::make_shared<FakeSender>();
  sender->AnswerWith([](const HookRequest& r) {
    return r.body == "Observation/1" ? absl::UnavailableError("HTTP 500") : absl::OkStatus();
  });
  Failures failures;
  RetryPolicy policy;
  policy.initial_delay = milliseconds(50);
  policy.max_attempts = 2;
  DeliveryWorker worker(sender, policy, failures.Callbacks());
  worker.Enqueue(Make("a", "Observation/1", 1));
  worker.Enqueue(Make("a", "Observation/2", 1));  // same version: dropped with it
  worker.Enqueue(Make("a", "Observation/3", 2));  // a newer version (reactivated): kept
  ASSERT_TRUE(sender->WaitFor(3));
  EXPECT_EQ(Bodies(sender->sent()), (std::vector<std::string>{"Observation/1", "Observation/1", "Observation/3"}));
  EXPECT_EQ(failures.reasons, (std::vector<std::string>{"a: POST http://127.0.0.1:9/a failed 2 times: HTTP 500"}));
}

TEST(DeliveryWorkerTest, CancelDropsTheQueuedNotificationsOfOneSubscription) {
  auto sender = std::make_shared<FakeSender>();
  std::mutex gate;
  std::unique_lock hold(gate);  // the first send blocks until released
  sender->AnswerWith([&](const HookRequest& r) {
    std::lock_guard wait(gate);
    return r.body == "Observation/1" ? absl::UnavailableError("HTTP 500") : absl::OkStatus();
  });
  Failures failures;
  RetryPolicy policy;
  policy.initial_delay = milliseconds(1);
  DeliveryWorker worker(sender, policy, failures.Callbacks());
  worker.Enqueue(Make("a", "Observation/1"));
  worker.Enqueue(Make("a", "Observation/2"));
  ASSERT_TRUE(sender->WaitFor(1));
  worker.Cancel("a");
  EXPECT_EQ(worker.Pending(), 1u);  // the one in flight
  hold.unlock();
  worker.Enqueue(Make("b", "Observation/3"));
  ASSERT_TRUE(sender->WaitFor(2));
  worker.Stop();
  // The cancelled one was neither retried nor reported; the one queued behind it never went.
  EXPECT_EQ(Bodies(sender->sent()), (std::vector<std::string>{"Observation/1", "Observation/3"}));
  EXPECT_TRUE(failures.reasons.empty());
}

}  // namespace
}  // namespace vigil::subscriptions
