// DeadLetterStore: what Add keeps, List's order, Read/Remove of unknown or
// hostile ids.
#include "server/mllp/dead_letter.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace vigil::mllp {
namespace {

class DeadLetterTest : public ::testing::Test {
 protected:
  DeadLetterTest()
      : dir_(std::filesystem::path(::testing::TempDir()) /
             ("dl-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        store_(dir_.string()) {
    std::filesystem::remove_all(dir_);
  }
  ~DeadLetterTest() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  DeadLetterStore store_;
};

TEST_F(DeadLetterTest, MissingFolderIsAnEmptyList) { EXPECT_TRUE(store_.List()->empty()); }

TEST_F(DeadLetterTest, KeepsBytesAndMetadataInArrivalOrder) {
  DeadLetter first;
  first.reason = "PID-7: invalid date";
  first.ack_code = "AE";
  first.control_id = "C1";
  first.received_at = "2026-01-01T00:00:00Z";
  std::string raw("MSH|^~\\&|\rPID|\x01\xff", 16);
  std::string id1 = *store_.Add(raw, first);
  DeadLetter second = first;
  second.control_id = "C2";
  second.received_at = "2026-01-01T00:00:01Z";
  std::string id2 = *store_.Add("x", second);
  std::vector<DeadLetter> list = *store_.List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, id1);
  EXPECT_EQ(list[0].reason, "PID-7: invalid date");
  EXPECT_EQ(list[0].bytes, raw.size());
  EXPECT_EQ(list[1].control_id, "C2");
  EXPECT_EQ(*store_.ReadMessage(id1), raw);
  ASSERT_TRUE(store_.Remove(id1).ok());
  EXPECT_EQ(store_.List()->size(), 1u);
  EXPECT_EQ(store_.Read(id2)->control_id, "C2");
}

TEST_F(DeadLetterTest, UnknownOrHostileIdsAreNotFound) {
  EXPECT_TRUE(absl::IsNotFound(store_.Read("123").status()));
  EXPECT_TRUE(absl::IsNotFound(store_.ReadMessage("../../etc/passwd").status()));
  EXPECT_TRUE(absl::IsNotFound(store_.Remove("1-2-3")));
}

}  // namespace
}  // namespace vigil::mllp
