// Hl7Ingest on the in-memory store: which ACK each message gets, that AA means
// committed, duplicates and reused control ids (dedupe.h), dead letters.
#include "server/mllp/hl7_ingest.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "auth/scopes.h"
#include "auth/test_keys.h"
#include "search/registry.h"
#include "server/mllp/dedupe.h"
#include "store/memory/memory_store.h"

namespace vigil::mllp {
namespace {

using hl7v2::AckCode;

std::string Msh(std::string type, std::string control_id) {
  return "MSH|^~\\&|EPIC|GOODHEALTH|VIGIL|HOSP|20240305143000+0100||" + type + "|" + control_id +
         "|P|2.5.1\r";
}

std::string Adt(std::string control_id, std::string family = "Doe") {
  return Msh("ADT^A01^ADT_A01", control_id) + "EVN|A01|20240305142900+0100\r" +
         "PID|1||12345^^^GH&1.2.840.99&ISO^MR||" + family + "^Jane||19800229|F\r" +
         "PV1|1|I|||||||||||||||||V100^^^GH&1.2.840.99&ISO^VN\r";
}

class Hl7IngestTest : public ::testing::Test {
 protected:
  Hl7IngestTest()
      : store_(store::NewMemoryStore()),
        dir_(std::filesystem::path(::testing::TempDir()) /
             ("dead-letter-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        dead_letters_(dir_.string()) {
    std::filesystem::remove_all(dir_);
    server::FhirApiOptions options;
    options.base_url = "http://test/fhir";
    options.write.now_ms = [this] { return now_ += 1000; };
    options.write.new_id = [this] { return "id" + std::to_string(++next_id_); };
    api_ = std::make_unique<server::FhirApi>(*store_, search::Registry::Default(), options);
    IngestOptions ingest;
    ingest.dead_letters = &dead_letters_;
    ingest.now_ms = [] { return int64_t{1700000000000}; };
    ingest_ = std::make_unique<Hl7Ingest>(*api_, *store_, ingest);
  }
  ~Hl7IngestTest() override { std::filesystem::remove_all(dir_); }

  int64_t Versions() {
    store::HistoryQuery all;
    all.count = 1;
    return store_->History(all)->total;
  }
  size_t DeadLetters() { return dead_letters_.List()->size(); }

  int64_t now_ = 1700000000000;
  int next_id_ = 0;
  std::unique_ptr<store::Store> store_;
  std::filesystem::path dir_;
  DeadLetterStore dead_letters_;
  std::unique_ptr<server::FhirApi> api_;
  std::unique_ptr<Hl7Ingest> ingest_;
};

TEST_F(Hl7IngestTest, ValidMessageIsCommittedThenAnsweredAa) {
  IngestResult r = ingest_->Process(Adt("C1"), "peer");
  EXPECT_EQ(r.code, AckCode::kAccept) << r.reason;
  EXPECT_NE(r.ack.find("MSA|AA|C1"), std::string::npos) << r.ack;
  EXPECT_FALSE(r.duplicate);
  EXPECT_GT(Versions(), 0);
  EXPECT_TRUE(store_->GetMeta(DedupeKey("EPIC", "GOODHEALTH", "C1"))->has_value());
  EXPECT_EQ(DeadLetters(), 0u);
  // What the audit trail records.
  EXPECT_EQ(r.message_type, "ADT^A01");
  EXPECT_EQ(r.sender, "EPIC^GOODHEALTH");
  ASSERT_EQ(static_cast<int64_t>(r.written.size()), Versions());
  EXPECT_TRUE(r.written[0].starts_with("Patient/")) << r.written[0];
  for (const std::string& w : r.written) EXPECT_TRUE(w.ends_with("/_history/1")) << w;
}

TEST_F(Hl7IngestTest, ExactResendIsAnsweredAaWithoutApplyingAgain) {
  ASSERT_EQ(ingest_->Process(Adt("C1"), "peer").code, AckCode::kAccept);
  int64_t versions = Versions();
  IngestResult again = ingest_->Process(Adt("C1"), "peer");
  EXPECT_EQ(again.code, AckCode::kAccept);
  EXPECT_TRUE(again.duplicate);
  EXPECT_NE(again.ack.find("MSA|AA|C1"), std::string::npos);
  EXPECT_EQ(Versions(), versions);
}

TEST_F(Hl7IngestTest, ResendWithOtherLineEndingsIsStillADuplicate) {
  std::string text = Adt("C1");
  ASSERT_EQ(ingest_->Process(text, "peer").code, AckCode::kAccept);
  std::string crlf;
  for (char c : text) crlf += c == '\r' ? std::string("\r\n") : std::string(1, c);
  EXPECT_TRUE(ingest_->Process(crlf, "peer").duplicate);
}

TEST_F(Hl7IngestTest, ReusedControlIdIsProcessedAsANewMessage) {
  ASSERT_EQ(ingest_->Process(Adt("C1"), "peer").code, AckCode::kAccept);
  int64_t versions = Versions();
  IngestResult other = ingest_->Process(Adt("C1", "Roe"), "peer");
  EXPECT_EQ(other.code, AckCode::kAccept) << other.reason;
  EXPECT_TRUE(other.reused);
  EXPECT_FALSE(other.duplicate);
  EXPECT_GT(Versions(), versions);
  // The record now names the second message: its resend is the duplicate.
  EXPECT_TRUE(ingest_->Process(Adt("C1", "Roe"), "peer").duplicate);
}

TEST_F(Hl7IngestTest, UnparseableInputIsRejectedAndKept) {
  IngestResult r = ingest_->Process("this is not HL7", "10.0.0.1:5");
  EXPECT_EQ(r.code, AckCode::kReject);
  EXPECT_NE(r.ack.find("MSA|AR"), std::string::npos) << r.ack;
  ASSERT_EQ(DeadLetters(), 1u);
  DeadLetter kept = dead_letters_.List()->front();
  EXPECT_EQ(kept.ack_code, "AR");
  EXPECT_EQ(kept.peer, "10.0.0.1:5");
  EXPECT_EQ(*dead_letters_.ReadMessage(kept.id), "this is not HL7");
  EXPECT_EQ(Versions(), 0);
}

TEST_F(Hl7IngestTest, UnparseableMessageStillHasItsControlIdInMsa2) {
  // MSH-2 repeats '\': not valid delimiters, but MSH-10 can still be read.
  IngestResult r = ingest_->Process("MSH|^~\\\\&|A|F|R|F|2024||ADT^A01|X17|P|2.6\rPID|1\r", "peer");
  EXPECT_EQ(r.code, AckCode::kReject);
  EXPECT_NE(r.ack.find("MSA|AR|X17|"), std::string::npos) << r.ack;
  EXPECT_EQ(dead_letters_.List()->front().control_id, "X17");
}

TEST_F(Hl7IngestTest, UnsupportedMessageTypeIsRejectedAr) {
  IngestResult r = ingest_->Process(Msh("SIU^S12", "S1") + "SCH|1\r", "peer");
  EXPECT_EQ(r.code, AckCode::kReject);
  EXPECT_NE(r.ack.find("MSA|AR|S1"), std::string::npos) << r.ack;
  EXPECT_NE(r.ack.find("ERR|"), std::string::npos);
  EXPECT_EQ(DeadLetters(), 1u);
}

TEST_F(Hl7IngestTest, BadFieldIsAnApplicationErrorAe) {
  std::string text = Msh("ADT^A01^ADT_A01", "B1") + "PID|1||12345^^^GH^MR||Doe^Jane||1999133|F\r";
  IngestResult r = ingest_->Process(text, "peer");
  EXPECT_EQ(r.code, AckCode::kError);
  EXPECT_NE(r.ack.find("MSA|AE|B1"), std::string::npos) << r.ack;
  EXPECT_NE(r.reason.find("PID-7"), std::string::npos) << r.reason;
  EXPECT_EQ(dead_letters_.List()->front().control_id, "B1");
  EXPECT_EQ(Versions(), 0);
  EXPECT_FALSE(store_->GetMeta(DedupeKey("EPIC", "GOODHEALTH", "B1"))->has_value());
}

TEST_F(Hl7IngestTest, RefusedTransactionIsAeWithNothingRecorded) {
  // Two Patients with the same MRN: the ADT's conditional update matches both.
  std::string patient =
      R"({"resourceType":"Patient","identifier":[{"system":"urn:oid:1.2.840.99","value":"12345"}]})";
  for (int i = 0; i < 2; ++i) {
    auto txn = *store_->BeginWrite();
    persist::ResourceWrites writes(search::Registry::Default(), {});
    ASSERT_TRUE(writes.Create(*txn, *fhir::ParseJson(patient), "p" + std::to_string(i)).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  int64_t versions = Versions();
  IngestResult r = ingest_->Process(Adt("C9"), "peer");
  EXPECT_EQ(r.code, AckCode::kError);
  EXPECT_NE(r.ack.find("MSA|AE|C9"), std::string::npos) << r.ack;
  EXPECT_EQ(Versions(), versions);
  EXPECT_FALSE(store_->GetMeta(DedupeKey("EPIC", "GOODHEALTH", "C9"))->has_value());
  EXPECT_EQ(DeadLetters(), 1u);
}

// With authentication on, messages are authorized like an HTTP client's
// transaction: the listener's system/*.cruds token may write, a narrower one not.
class Hl7IngestAuthTest : public ::testing::Test {
 protected:
  Hl7IngestAuthTest() : store_(store::NewMemoryStore()), key_(auth::testing::TestKey::Rsa("k1")) {
    server::FhirApiOptions options;
    auth::TokenVerifierOptions verifier;
    verifier.claims.issuer = "https://issuer";
    verifier.claims.audience = "https://vigil";
    options.verifier = std::make_shared<auth::TokenVerifier>(
        *auth::JwkSet::Parse(auth::testing::JwksJson({&key_})), verifier);
    api_ = std::make_unique<server::FhirApi>(*store_, search::Registry::Default(), options);
  }
  IngestResult ProcessWith(std::string scopes) {
    IngestOptions options;
    auto token = std::make_shared<auth::AccessToken>();
    token->scopes = auth::ParseScopes(scopes);
    options.token = std::move(token);
    return Hl7Ingest(*api_, *store_, options).Process(Adt("A1"), "peer");
  }
  std::unique_ptr<store::Store> store_;
  auth::testing::TestKey key_;
  std::unique_ptr<server::FhirApi> api_;
};

TEST_F(Hl7IngestAuthTest, SystemTokenMayWrite) {
  IngestResult r = ProcessWith("system/*.cruds");
  EXPECT_EQ(r.code, AckCode::kAccept) << r.reason;
}

TEST_F(Hl7IngestAuthTest, ReadOnlyTokenGetsAeAndNothingIsWritten) {
  IngestResult r = ProcessWith("system/*.rs");
  EXPECT_EQ(r.code, AckCode::kError);
  EXPECT_FALSE(store_->GetMeta(DedupeKey("EPIC", "GOODHEALTH", "A1"))->has_value());
}

TEST(DedupeTest, DecisionFollowsTheRecordedHash) {
  std::string hash = ContentHash("MSH|x\rPID|1");
  EXPECT_EQ(Decide(std::nullopt, hash), Seen::kNew);
  EXPECT_EQ(Decide(DedupeRecord(hash, 5), hash), Seen::kDuplicate);
  EXPECT_EQ(Decide(DedupeRecord(ContentHash("MSH|y"), 5), hash), Seen::kReused);
}

TEST(DedupeTest, KeyNeedsAControlIdAndKeepsPartsApart) {
  EXPECT_EQ(DedupeKey("A", "F", ""), "");
  EXPECT_NE(DedupeKey("A|B", "C", "1"), DedupeKey("A", "B|C", "1"));
}

TEST(DedupeTest, HashIgnoresLineEndingStyle) {
  EXPECT_EQ(ContentHash("MSH|x\rPID|1\r"), ContentHash("MSH|x\r\nPID|1\n"));
  EXPECT_NE(ContentHash("MSH|x\rPID|1"), ContentHash("MSH|x\rPID|2"));
}

}  // namespace
}  // namespace vigil::mllp
