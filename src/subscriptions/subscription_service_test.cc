#include "subscriptions/subscription_service.h"

#include <gtest/gtest.h>

#include <atomic>

#include "base/str.h"
#include "store/memory/memory_store.h"
#include "subscriptions/fake_sender.h"

namespace vigil::subscriptions {
namespace {

using std::chrono::milliseconds;
using testing::FakeSender;

const search::Registry& Reg() { return search::Registry::Default(); }

std::string SubscriptionJson(const std::string& id, const std::string& status, const std::string& criteria,
                             const std::string& channel_extra = "", const std::string& extra = "") {
  return StrCat(R"({"resourceType":"Subscription","id":")", id, R"(","status":")", status,
                R"(","reason":"test",)", extra, R"("criteria":")", criteria,
                R"(","channel":{"type":"rest-hook","endpoint":"http://127.0.0.1:9/hook")", channel_extra, "}}");
}

std::string ObservationJson(const std::string& id, const std::string& code) {
  return StrCat(R"({"resourceType":"Observation","id":")", id,
                R"(","status":"final","code":{"coding":[{"system":"http://loinc.org","code":")", code,
                R"("}]},"subject":{"reference":"Patient/p1"}})");
}

class SubscriptionServiceTest : public ::testing::Test {
 protected:
  SubscriptionServiceTest() : store_(store::NewMemoryStore()), writes_(Reg(), persist::WriteOptions{}) {
    EXPECT_TRUE(bus_.Attach(*store_).ok());
  }
  ~SubscriptionServiceTest() override { bus_.Stop(); }

  void Start(RetryPolicy retry = {}) {
    SubscriptionServiceOptions options;
    options.retry = retry;
    options.sender = sender_;
    options.log = [this](std::string_view line) {
      std::lock_guard lock(log_mu_);
      log_.emplace_back(line);
    };
    absl::StatusOr<std::unique_ptr<SubscriptionService>> started =
        SubscriptionService::Start(*store_, Reg(), persist::WriteOptions{}, bus_, std::move(options));
    ASSERT_TRUE(started.ok()) << started.status();
    service_ = *std::move(started);
  }

  void Put(const std::string& json) {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    absl::StatusOr<fhir::Json> resource = fhir::ParseJson(json);
    ASSERT_TRUE(resource.ok()) << json;
    const std::string type = resource->Find("resourceType")->text();
    const std::string id = resource->Find("id")->text();
    absl::StatusOr<persist::WriteResult> written = writes_.Update(**txn, type, id, *resource, std::nullopt);
    ASSERT_TRUE(written.ok()) << written.status();
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  void Delete(const std::string& type, const std::string& id) {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(writes_.Delete(**txn, type, id, std::nullopt).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  void Idle() { ASSERT_TRUE(bus_.WaitIdle(std::chrono::seconds(5))); }

  // Subscription/id as stored: (status, error, version).
  std::tuple<std::string, std::string, int64_t> Stored(const std::string& id) {
    auto stored = store_->Read("Subscription", id);
    EXPECT_TRUE(stored.ok() && stored->has_value());
    if (!stored.ok() || !stored->has_value()) return {};
    fhir::Json json = fhir::ParseJson((*stored)->json).value();
    const fhir::Json* error = json.Find("error");
    return {StatusOf(json), error == nullptr ? "" : error->text(), (*stored)->version};
  }

  // Waits until Subscription/id has status.
  bool WaitForStatus(const std::string& id, const std::string& status) {
    for (int i = 0; i < 500; ++i) {
      if (std::get<0>(Stored(id)) == status) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return false;
  }

  std::unique_ptr<store::Store> store_;
  persist::ResourceWrites writes_;
  events::EventBus bus_;
  std::shared_ptr<FakeSender> sender_ = std::make_shared<FakeSender>();
  std::mutex log_mu_;
  std::vector<std::string> log_;
  std::unique_ptr<SubscriptionService> service_;  // destroyed first, but the bus stops in ~Test before
};

TEST_F(SubscriptionServiceTest, RequestedBecomesActiveOnceAndIsNotProcessedAgain) {
  Start();
  Put(SubscriptionJson("s1", "requested", "Observation?code=http://loinc.org|8867-4"));
  Idle();
  EXPECT_TRUE(WaitForStatus("s1", "active"));
  Idle();  // the event of the server's own write has been handled too
  EXPECT_EQ(Stored("s1"), std::make_tuple(std::string("active"), std::string(), int64_t{2}));
  EXPECT_EQ(service_->active_count(), 1u);
}

TEST_F(SubscriptionServiceTest, StoredSubscriptionsAreLoadedAtStart) {
  Put(SubscriptionJson("s1", "requested", "Observation?code=8867-4"));
  Put(SubscriptionJson("s2", "active", "Observation?code=8310-5"));
  Put(SubscriptionJson("s3", "off", "Observation?code=8310-5"));
  Start();
  EXPECT_EQ(service_->active_count(), 2u);
  EXPECT_EQ(Stored("s1"), std::make_tuple(std::string("active"), std::string(), int64_t{2}));
  EXPECT_EQ(Stored("s2"), std::make_tuple(std::string("active"), std::string(), int64_t{1}));  // no write needed
  EXPECT_EQ(std::get<0>(Stored("s3")), "off");
}

TEST_F(SubscriptionServiceTest, UnsupportedChannelBecomesErrorWithTheReason) {
  Start();
  Put(R"({"resourceType":"Subscription","id":"ws","status":"requested","reason":"r","criteria":"Observation",
          "channel":{"type":"websocket"}})");
  Idle();
  EXPECT_TRUE(WaitForStatus("ws", "error"));
  EXPECT_EQ(std::get<1>(Stored("ws")), "channel.type 'websocket' is not supported: only rest-hook is supported");
  EXPECT_EQ(service_->active_count(), 0u);
}

TEST_F(SubscriptionServiceTest, OnlyMatchingChangesAreNotifiedWithEmptyPost) {
  Start();
  Put(SubscriptionJson("s1", "requested", "Observation?code=http://loinc.org|8867-4", R"(,"header":["X-Key: k1"])"));
  Idle();
  Put(ObservationJson("other", "8310-5"));
  Put(ObservationJson("hr", "8867-4"));
  Put(R"({"resourceType":"Patient","id":"p1"})");
  Idle();
  ASSERT_TRUE(sender_->WaitFor(1));
  Idle();
  std::this_thread::sleep_for(milliseconds(50));
  const auto sent = sender_->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].request.method, "POST");
  EXPECT_EQ(sent[0].request.url.text, "http://127.0.0.1:9/hook");
  EXPECT_EQ(sent[0].request.headers, (std::vector<std::pair<std::string, std::string>>{{"X-Key", "k1"}}));
  EXPECT_EQ(sent[0].request.body, "");
}

TEST_F(SubscriptionServiceTest, PayloadSubscriptionPutsTheStoredResource) {
  Start();
  Put(SubscriptionJson("s1", "requested", "Observation?code=8867-4", R"(,"payload":"application/fhir+json")"));
  Idle();
  Put(ObservationJson("hr", "8867-4"));
  ASSERT_TRUE(sender_->WaitFor(1));
  const HookRequest r = sender_->sent()[0].request;
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.url.text, "http://127.0.0.1:9/hook/Observation/hr");
  auto stored = store_->Read("Observation", "hr");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(r.body, (*stored)->json);
}

TEST_F(SubscriptionServiceTest, DeletesAreNotNotified) {
  Put(ObservationJson("hr", "8867-4"));
  Start();
  Put(SubscriptionJson("s1", "requested", "Observation?code=8867-4"));
  Idle();
  Delete("Observation", "hr");
  Idle();
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_TRUE(sender_->sent().empty());
}

TEST_F(SubscriptionServiceTest, RepeatedFailureSetsErrorAndStopsNotifyingUntilReactivated) {
  sender_->AnswerWith([](const HookRequest&) { return absl::UnavailableError("connection refused"); });
  RetryPolicy retry;
  retry.initial_delay = milliseconds(5);
  retry.max_attempts = 3;
  Start(retry);
  Put(SubscriptionJson("s1", "requested", "Observation?code=8867-4"));
  Idle();
  Put(ObservationJson("hr", "8867-4"));
  ASSERT_TRUE(WaitForStatus("s1", "error"));
  EXPECT_EQ(std::get<1>(Stored("s1")), "POST http://127.0.0.1:9/hook failed 3 times: connection refused");
  Idle();
  EXPECT_EQ(sender_->sent().size(), 3u);
  EXPECT_EQ(service_->active_count(), 0u);

  Put(ObservationJson("hr2", "8867-4"));  // not sent: the Subscription is in error
  Idle();
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(sender_->sent().size(), 3u);

  sender_->AnswerWith(nullptr);  // the endpoint is back; a client reactivates
  Put(SubscriptionJson("s1", "requested", "Observation?code=8867-4"));
  ASSERT_TRUE(WaitForStatus("s1", "active"));
  EXPECT_EQ(std::get<1>(Stored("s1")), "");
  Put(ObservationJson("hr3", "8867-4"));
  ASSERT_TRUE(sender_->WaitFor(4));
}

TEST_F(SubscriptionServiceTest, PassedEndTurnsTheSubscriptionOff) {
  Start();
  Put(SubscriptionJson("past", "requested", "Observation", "", R"("end":"2020-01-01T00:00:00Z",)"));
  Idle();
  EXPECT_TRUE(WaitForStatus("past", "off"));
  Put(ObservationJson("hr", "8867-4"));
  Idle();
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_TRUE(sender_->sent().empty());
}

TEST_F(SubscriptionServiceTest, ClientTurningItOffStopsNotifications) {
  Start();
  Put(SubscriptionJson("s1", "requested", "Observation"));
  Idle();
  ASSERT_TRUE(WaitForStatus("s1", "active"));
  Put(SubscriptionJson("s1", "off", "Observation"));
  Put(ObservationJson("hr", "8867-4"));
  Idle();
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_TRUE(sender_->sent().empty());
  EXPECT_EQ(service_->active_count(), 0u);
}

}  // namespace
}  // namespace vigil::subscriptions
