#include "subscriptions/subscription.h"

#include <gtest/gtest.h>

#include "base/str.h"
#include "subscriptions/retry.h"

namespace vigil::subscriptions {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

fhir::Json Resource(const std::string& channel, const std::string& extra = "") {
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(
      StrCat(R"({"resourceType":"Subscription","status":"requested","reason":"r",)", extra,
             R"("criteria":"Observation?code=http://loinc.org|8867-4","channel":)", channel, "}"));
  EXPECT_TRUE(json.ok()) << json.status();
  return json.value_or(fhir::Json());
}

absl::StatusOr<Subscription> Read(const std::string& channel, const std::string& extra = "") {
  return ReadSubscription(Resource(channel, extra), "s1", 3, search::Registry::Default());
}

std::string Reason(const std::string& channel, const std::string& extra = "") {
  absl::StatusOr<Subscription> s = Read(channel, extra);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << channel;
  return std::string(Message(s.status()));
}

TEST(ReadSubscriptionTest, ReadsARestHookSubscription) {
  absl::StatusOr<Subscription> s = Read(
      R"({"type":"rest-hook","endpoint":"http://127.0.0.1:9000/hook","header":["Authorization: Bearer abc","X-Trace:  t1 "]})",
      R"("end":"2030-01-01T00:00:00Z",)");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->id, "s1");
  EXPECT_EQ(s->version, 3);
  EXPECT_EQ(s->status, "requested");
  EXPECT_EQ(s->criteria.type, "Observation");
  EXPECT_EQ(s->endpoint.host, "127.0.0.1");
  EXPECT_EQ(s->endpoint.port, "9000");
  EXPECT_EQ(s->endpoint.target, "/hook");
  EXPECT_EQ(s->headers, (Headers{{"Authorization", "Bearer abc"}, {"X-Trace", "t1"}}));
  EXPECT_FALSE(s->payload);
  EXPECT_EQ(s->end_ms, int64_t{1893456000000});
}

TEST(ReadSubscriptionTest, OtherChannelTypesAreRefusedNamingRestHook) {
  EXPECT_EQ(Reason(R"({"type":"websocket"})"), "channel.type 'websocket' is not supported: only rest-hook is supported");
  EXPECT_EQ(Reason(R"({"type":"email","endpoint":"mailto:a@b.org"})"),
            "channel.type 'email' is not supported: only rest-hook is supported");
}

TEST(ReadSubscriptionTest, HttpsEndpointIsAccepted) {
  absl::StatusOr<Subscription> s = Read(R"({"type":"rest-hook","endpoint":"https://hooks.example.org/x"})");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->endpoint.scheme, "https");
  EXPECT_EQ(s->endpoint.host, "hooks.example.org");
  EXPECT_EQ(s->endpoint.port, "443");
  EXPECT_EQ(s->endpoint.target, "/x");
}

TEST(ReadSubscriptionTest, EndpointMustBeAnHttpUrl) {
  EXPECT_EQ(Reason(R"({"type":"rest-hook"})"), "channel.endpoint '' is not an http:// or https:// URL");
  EXPECT_EQ(Reason(R"({"type":"rest-hook","endpoint":"ftp://h/x"})"),
            "channel.endpoint 'ftp://h/x' is not an http:// or https:// URL");
  EXPECT_EQ(Reason(R"({"type":"rest-hook","endpoint":"http://u:secret@h/x"})"),
            "channel.endpoint 'http://u:secret@h/x' has user credentials: put them in channel.header instead");
}

TEST(ReadSubscriptionTest, BadCriteriaIsTheReason) {
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(
      R"({"resourceType":"Subscription","status":"requested","reason":"r","criteria":"Observation?colour=red",
          "channel":{"type":"rest-hook","endpoint":"http://h/x"}})");
  ASSERT_TRUE(json.ok());
  absl::StatusOr<Subscription> s = ReadSubscription(*json, "s1", 1, search::Registry::Default());
  ASSERT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Message(s.status()).starts_with("criteria: ")) << s.status();
}

TEST(ReadSubscriptionTest, HeaderReasonsNameTheHeaderButNeverItsValue) {
  EXPECT_EQ(Reason(R"({"type":"rest-hook","endpoint":"http://h/x","header":["Authorization Bearer secret"]})"),
            "channel.header 1 is not of the form 'Name: value'");
  const std::string reserved =
      Reason(R"({"type":"rest-hook","endpoint":"http://h/x","header":["X-A: 1","Content-Length: 999"]})");
  EXPECT_EQ(reserved, "channel.header 'Content-Length' is set by the server");
}

TEST(ReadSubscriptionTest, OnlyJsonPayloadsAreSupported) {
  EXPECT_EQ(Reason(R"({"type":"rest-hook","endpoint":"http://h/x","payload":"application/fhir+xml"})"),
            "channel.payload 'application/fhir+xml' is not supported: use application/fhir+json, or leave it "
            "out for notifications without a body");
  absl::StatusOr<Subscription> s = Read(R"({"type":"rest-hook","endpoint":"http://h/x","payload":"application/json"})");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->payload);
}

TEST(ReadSubscriptionTest, MalformedEndIsRefused) {
  EXPECT_EQ(Reason(R"({"type":"rest-hook","endpoint":"http://h/x"})", R"("end":"soon",)"),
            "end 'soon' is not a valid instant");
}

TEST(NotificationTest, WithoutPayloadAnEmptyPostToTheEndpoint) {
  absl::StatusOr<Subscription> s =
      Read(R"({"type":"rest-hook","endpoint":"http://h:81/hook?k=1","header":["X-Key: abc"]})");
  ASSERT_TRUE(s.ok()) << s.status();
  HookRequest r = Notification(*s, "Observation", "o1", R"({"resourceType":"Observation"})");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url.text, "http://h:81/hook?k=1");
  EXPECT_EQ(r.url.target, "/hook?k=1");
  EXPECT_EQ(r.headers, (Headers{{"X-Key", "abc"}}));
  EXPECT_EQ(r.body, "");
}

TEST(NotificationTest, WithPayloadAPutOfTheResourceToEndpointTypeId) {
  absl::StatusOr<Subscription> s =
      Read(R"({"type":"rest-hook","endpoint":"http://h/fhir/","payload":"application/fhir+json","header":["X-Key: abc"]})");
  ASSERT_TRUE(s.ok()) << s.status();
  HookRequest r = Notification(*s, "Observation", "o1", R"({"resourceType":"Observation","id":"o1"})");
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.url.text, "http://h/fhir/Observation/o1");
  EXPECT_EQ(r.url.target, "/fhir/Observation/o1");
  EXPECT_EQ(r.headers, (Headers{{"X-Key", "abc"}, {"Content-Type", "application/fhir+json"}}));
  EXPECT_EQ(r.body, R"({"resourceType":"Observation","id":"o1"})");
}

TEST(WithStatusTest, SetsStatusAndErrorThenClearsTheErrorOnActivation) {
  fhir::Json failed = WithStatus(Resource(R"({"type":"rest-hook"})"), "error", "POST x failed 5 times: HTTP 500");
  EXPECT_EQ(StatusOf(failed), "error");
  EXPECT_EQ(failed.Find("error")->text(), "POST x failed 5 times: HTTP 500");
  fhir::Json active = WithStatus(failed, "active", "");
  EXPECT_EQ(StatusOf(active), "active");
  EXPECT_EQ(active.Find("error"), nullptr);
}

TEST(HookUrlTest, DefaultsAndIpv6) {
  absl::StatusOr<HookUrl> plain = ParseHookUrl("http://example.org");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->port, "80");
  EXPECT_EQ(plain->target, "/");
  absl::StatusOr<HookUrl> v6 = ParseHookUrl("http://[::1]:8080?x=1#frag");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "8080");
  EXPECT_EQ(v6->target, "/?x=1");
  EXPECT_EQ(v6->text, "http://[::1]:8080?x=1");
  EXPECT_EQ(ParseHookUrl("https://h").value().port, "443");
}

TEST(HookUrlTest, RefusesBadPortsAndSpaces) {
  for (const char* url : {"http://h:0/", "http://h:65536/", "http://h:8o/", "http://:80/", "http://h/a b", "http:/h"}) {
    EXPECT_FALSE(ParseHookUrl(url).ok()) << url;
  }
}

TEST(RetryDelayTest, DoublesFromTheInitialDelayUpToTheCap) {
  RetryPolicy p;
  EXPECT_EQ(RetryDelay(p, 1), std::chrono::milliseconds(1000));
  EXPECT_EQ(RetryDelay(p, 2), std::chrono::milliseconds(2000));
  EXPECT_EQ(RetryDelay(p, 3), std::chrono::milliseconds(4000));
  EXPECT_EQ(RetryDelay(p, 4), std::chrono::milliseconds(8000));
  p.max_delay = std::chrono::milliseconds(5000);
  EXPECT_EQ(RetryDelay(p, 4), std::chrono::milliseconds(5000));
  EXPECT_EQ(RetryDelay(p, 60), std::chrono::milliseconds(5000));
}

TEST(RetryDelayTest, DefaultPolicyGivesUpAfterFiveAttempts) {
  RetryPolicy p;
  EXPECT_TRUE(ShouldRetry(p, 4));
  EXPECT_FALSE(ShouldRetry(p, 5));
}

}  // namespace
}  // namespace vigil::subscriptions
