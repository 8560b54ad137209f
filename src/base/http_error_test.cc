#include "base/http_error.h"

#include "gtest/gtest.h"

namespace vigil {
namespace {

TEST(HttpErrorTest, CarriesStatusAndIssueCode) {
  absl::Status status = HttpError(410, "deleted", "Patient/1 was deleted");
  EXPECT_EQ(HttpStatusOf(status), 410);
  EXPECT_EQ(IssueCodeOf(status), "deleted");
  EXPECT_TRUE(HasHttpStatus(status));
  EXPECT_TRUE(IssuesOf(status).empty());
  EXPECT_FALSE(HasHttpStatus(absl::InternalError("disk")));
  EXPECT_EQ(HttpStatusOf(absl::NotFoundError("x")), 404);
}

TEST(HttpErrorTest, IssuesRoundTripWithAwkwardCharacters) {
  std::vector<HttpIssue> issues = {
      {"error", "value", "Patient.gender", "'F' is not a code"},
      {"warning", "structure", "", "tab\there, newline\nthere, backslash \\ and \\t literally"},
      {"error", "required", "Observation.status", ""},
  };
  absl::Status status = HttpError(422, "processing", "3 issues", issues);
  EXPECT_EQ(HttpStatusOf(status), 422);
  EXPECT_EQ(IssuesOf(status), issues);
}

TEST(HttpErrorTest, WithIssuesOfKeepsTheFindingsOfARewrappedStatus) {
  std::vector<HttpIssue> issues = {{"error", "value", "Patient.gender", "bad"}};
  absl::Status inner = HttpError(422, "processing", "bad", issues);
  absl::Status outer = WithIssuesOf(HttpError(422, "processing", "Bundle.entry[0]: bad"), inner);
  EXPECT_EQ(IssuesOf(outer), issues);
  EXPECT_TRUE(WithIssuesOf(absl::OkStatus(), inner).ok());
}

}  // namespace
}  // namespace vigil
