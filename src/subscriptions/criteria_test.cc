#include "subscriptions/criteria.h"

#include <gtest/gtest.h>

#include "base/str.h"
#include "fhir/json.h"
#include "persist/resource_writes.h"
#include "store/memory/memory_store.h"

namespace vigil::subscriptions {
namespace {

const search::Registry& Reg() { return search::Registry::Default(); }

TEST(ParseCriteriaTest, SplitsTypeAndDecodedParametersInUrlOrder) {
  absl::StatusOr<Criteria> c =
      ParseCriteria(Reg(), "Observation?code=http://loinc.org|8867-4&subject=Patient/123&date=ge2024-01-01");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->type, "Observation");
  const search::SearchParams want = {
      {"code", "http://loinc.org|8867-4"}, {"subject", "Patient/123"}, {"date", "ge2024-01-01"}};
  EXPECT_EQ(c->params, want);
}

TEST(ParseCriteriaTest, PercentEncodedValuesAreDecoded) {
  absl::StatusOr<Criteria> c = ParseCriteria(Reg(), "Observation?code=http%3A%2F%2Floinc.org%7C8867-4");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->params, (search::SearchParams{{"code", "http://loinc.org|8867-4"}}));
}

TEST(ParseCriteriaTest, TypeAloneMatchesEveryResourceOfIt) {
  absl::StatusOr<Criteria> c = ParseCriteria(Reg(), "Encounter");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->type, "Encounter");
  EXPECT_TRUE(c->params.empty());
}

TEST(ParseCriteriaTest, RefusesWhatIsNotARelativeSearchUrl) {
  for (const char* text : {"", "/Observation?code=1", "http://example.org/fhir/Observation?code=1"}) {
    absl::StatusOr<Criteria> c = ParseCriteria(Reg(), text);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(ParseCriteriaTest, UnknownResourceTypeIsRefusedWithTheSearchParsersReason) {
  absl::StatusOr<Criteria> c = ParseCriteria(Reg(), "Observaton?code=1");
  ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Message(c.status()).starts_with("criteria: ")) << c.status();
  EXPECT_NE(Message(c.status()).find("Observaton"), std::string_view::npos) << c.status();
}

TEST(ParseCriteriaTest, UnknownParameterIsRefusedRatherThanMatchingEverything) {
  absl::StatusOr<Criteria> c = ParseCriteria(Reg(), "Observation?colour=red");
  ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(Message(c.status()).find("colour"), std::string_view::npos) << c.status();
}

TEST(ParseCriteriaTest, MalformedValueIsRefused) {
  EXPECT_EQ(ParseCriteria(Reg(), "Observation?date=gt2024-13-45").status().code(),
            absl::StatusCode::kInvalidArgument);
}

class MatchesCriteriaTest : public ::testing::Test {
 protected:
  MatchesCriteriaTest() : store_(store::NewMemoryStore()), writes_(Reg(), persist::WriteOptions{}) {
    Put(R"({"resourceType":"Patient","id":"123","name":[{"family":"Lind"}]})");
    Put(R"({"resourceType":"Patient","id":"456","name":[{"family":"Berg"}]})");
    Put(Observation("hr", "8867-4", "123", "2024-03-01T10:00:00Z"));
    Put(Observation("hr-old", "8867-4", "123", "2023-03-01T10:00:00Z"));
    Put(Observation("hr-other", "8867-4", "456", "2024-03-01T10:00:00Z"));
    Put(Observation("temp", "8310-5", "123", "2024-03-01T10:00:00Z"));
  }

  static std::string Observation(const std::string& id, const std::string& code, const std::string& patient,
                                 const std::string& when) {
    return StrCat(R"({"resourceType":"Observation","id":")", id,
                  R"(","status":"final","code":{"coding":[{"system":"http://loinc.org","code":")", code,
                  R"("}]},"subject":{"reference":"Patient/)", patient, R"("},"effectiveDateTime":")", when,
                  R"("})");
  }

  void Put(const std::string& json) {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    absl::StatusOr<fhir::Json> resource = fhir::ParseJson(json);
    ASSERT_TRUE(resource.ok());
    const std::string type = resource->Find("resourceType")->text();
    const std::string id = resource->Find("id")->text();
    ASSERT_TRUE(writes_.Update(**txn, type, id, *resource, std::nullopt).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  // The ids among candidates that match criteria.
  std::vector<std::string> Matching(const std::string& criteria, const std::vector<std::string>& candidates) {
    absl::StatusOr<Criteria> c = ParseCriteria(Reg(), criteria);
    EXPECT_TRUE(c.ok()) << c.status();
    std::vector<std::string> out;
    for (const std::string& id : candidates) {
      absl::StatusOr<bool> hit = MatchesCriteria(*store_, Reg(), *c, id, 0);
      EXPECT_TRUE(hit.ok()) << hit.status();
      if (hit.value_or(false)) out.push_back(id);
    }
    return out;
  }

  const std::vector<std::string> all_ = {"hr", "hr-old", "hr-other", "temp"};
  std::unique_ptr<store::Store> store_;
  persist::ResourceWrites writes_;
};

TEST_F(MatchesCriteriaTest, TokenCriteriaMatchesOnlyThatCode) {
  EXPECT_EQ(Matching("Observation?code=http://loinc.org|8867-4", all_),
            (std::vector<std::string>{"hr", "hr-old", "hr-other"}));
}

TEST_F(MatchesCriteriaTest, EveryClauseMustMatch) {
  EXPECT_EQ(Matching("Observation?code=http://loinc.org|8867-4&subject=Patient/123&date=ge2024-01-01", all_),
            (std::vector<std::string>{"hr"}));
}

TEST_F(MatchesCriteriaTest, ChainedParametersWork) {
  EXPECT_EQ(Matching("Observation?subject:Patient.name=berg", all_), (std::vector<std::string>{"hr-other"}));
}

TEST_F(MatchesCriteriaTest, CountZeroInTheCriteriaDoesNotHideMatches) {
  EXPECT_EQ(Matching("Observation?code=8310-5&_count=0&_sort=-date", all_), (std::vector<std::string>{"temp"}));
}

TEST_F(MatchesCriteriaTest, IdInTheCriteriaIsAndedWithTheResourceId) {
  EXPECT_EQ(Matching("Observation?_id=temp", all_), (std::vector<std::string>{"temp"}));
}

TEST_F(MatchesCriteriaTest, UnknownOrOtherTypeIdDoesNotMatch) {
  EXPECT_TRUE(Matching("Observation?code=8867-4", {"123", "missing"}).empty());
}

}  // namespace
}  // namespace vigil::subscriptions
