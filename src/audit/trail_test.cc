// AuditTrail: many threads recording at once still produce one valid chain with
// every event in it, and Stop seals the log.
#include "audit/trail.h"

#include <thread>
#include <vector>

#include "audit/log_reader.h"
#include "audit/test_util.h"
#include "audit/verify.h"
#include "base/time.h"
#include "gtest/gtest.h"

namespace vigil::audit {
namespace {

TEST(AuditTrailTest, ConcurrentFloodProducesAValidSealedChain) {
  std::string dir = testing::FreshDir("flood");
  absl::StatusOr<SigningKey> key = SigningKey::LoadOrCreate(dir);
  ASSERT_TRUE(key.ok());
  auto writer = LogWriter::Open(dir, *std::move(key), NowMs);
  ASSERT_TRUE(writer.ok()) << writer.status();
  TrailOptions options;
  options.queue_capacity = 16;  // small: the flood must block, never drop
  options.checkpoint_every = 500;
  AuditTrail trail(*std::move(writer), options);
  constexpr int kThreads = 8, kEach = 1000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&trail, t] {
      for (int i = 0; i < kEach; ++i) trail.Record("{\"t\":" + std::to_string(t) + "}");
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(trail.Stop().ok());
  absl::StatusOr<VerifyKey> pub = VerifyKey::Load(dir + "/audit_key.pub.pem");
  ASSERT_TRUE(pub.ok());
  absl::StatusOr<VerifyReport> r = VerifyLog(dir, *pub);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->intact) << r->problem;
  EXPECT_EQ(r->events, static_cast<uint64_t>(kThreads * kEach));
  EXPECT_EQ(r->unsealed, 0u);  // Stop wrote a final checkpoint
  EXPECT_GE(r->checkpoints, 2u + (kThreads * kEach) / 500 - 1);
}

TEST(AuditTrailTest, IdleTrailSealsOnTheInterval) {
  std::string dir = testing::FreshDir("interval");
  absl::StatusOr<SigningKey> key = SigningKey::LoadOrCreate(dir);
  ASSERT_TRUE(key.ok());
  auto writer = LogWriter::Open(dir, *std::move(key), NowMs);
  ASSERT_TRUE(writer.ok());
  TrailOptions options;
  options.checkpoint_interval = std::chrono::milliseconds(50);
  AuditTrail trail(*std::move(writer), options);
  trail.Record("{}");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  absl::StatusOr<VerifyKey> pub = VerifyKey::Load(dir + "/audit_key.pub.pem");
  ASSERT_TRUE(pub.ok());
  absl::StatusOr<VerifyReport> r = VerifyLog(dir, *pub);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->intact) << r->problem;
  EXPECT_EQ(r->events, 1u);
  EXPECT_EQ(r->unsealed, 0u);
}

}  // namespace
}  // namespace vigil::audit
