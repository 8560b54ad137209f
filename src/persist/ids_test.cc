#include <set>
#include <string>

#include "gtest/gtest.h"
#include "persist/resource_writes.h"

namespace vigil::persist {
namespace {

TEST(TimeOrderedUuid, IsAVersion7UuidAndAValidId) {
  std::string id = TimeOrderedUuid(1764500000000);
  ASSERT_EQ(id.size(), 36u);
  EXPECT_TRUE(IsValidId(id));
  EXPECT_EQ(id[14], '7');                                          // version
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);  // variant 10
  // 1764500000000 ms = 0x019ad4654d00: the first 48 bits.
  EXPECT_EQ(id.substr(0, 13), "019ad465-4d00");
}

TEST(TimeOrderedUuid, LaterMillisecondsSortAfterEarlierOnes) {
  std::string previous = TimeOrderedUuid(1000);
  for (int64_t ms = 1001; ms < 1100; ++ms) {
    std::string id = TimeOrderedUuid(ms);
    EXPECT_LT(previous, id) << ms;
    previous = id;
  }
}

TEST(TimeOrderedUuid, IdsOfOneMillisecondDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(TimeOrderedUuid(42));
  EXPECT_EQ(ids.size(), 10000u);
}

TEST(RandomUuid, IsAVersion4Uuid) {
  std::string id = RandomUuid();
  EXPECT_TRUE(IsValidId(id));
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(RandomUuid(), id);
}

}  // namespace
}  // namespace vigil::persist
