#include "fhir/transaction_response.h"

#include <gtest/gtest.h>

namespace vigil::fhir {
namespace {

TEST(TransactionResponseTest, ReadsStatusAndLocationOfEachEntryInOrder) {
  std::vector<EntryResponse> r = ParseEntryResponses(
      R"({"resourceType":"Bundle","type":"transaction-response","entry":[)"
      R"({"response":{"status":"201 Created","location":"Patient/p1/_history/1"}},)"
      R"({"response":{"status":"200 OK"}},)"
      R"({"response":{"status":"200 OK","location":"Observation/o1/_history/3"}}]})");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].status, "201 Created");
  EXPECT_EQ(r[0].location, "Patient/p1/_history/1");
  EXPECT_EQ(r[1].location, "");
  EXPECT_EQ(Locations(r), (std::vector<std::string>{"Patient/p1/_history/1", "Observation/o1/_history/3"}));
}

TEST(TransactionResponseTest, AnythingElseHasNoEntries) {
  EXPECT_TRUE(ParseEntryResponses("not json").empty());
  EXPECT_TRUE(ParseEntryResponses(R"({"resourceType":"Bundle"})").empty());
  EXPECT_TRUE(ParseEntryResponses(R"({"entry":{}})").empty());
}

}  // namespace
}  // namespace vigil::fhir
