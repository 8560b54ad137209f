// The chain/checkpoint writer and the verifier, and the tamper cases
// docs/formats/audit_log.md ("Checks") promises to detect.
#include <sys/stat.h>

#include <vector>

#include "audit/head_file.h"
#include "audit/log_reader.h"
#include "audit/log_writer.h"
#include "audit/test_util.h"
#include "audit/verify.h"
#include "base/time.h"
#include "gtest/gtest.h"

namespace vigil::audit {
namespace {

using testing::FreshDir;
using testing::ReadAll;
using testing::WriteAll;

std::vector<uint64_t> RecordOffsets(const std::string& path) {
  std::string problem;
  std::FILE* f = OpenLog(path, &problem);
  std::vector<uint64_t> offsets;
  if (f == nullptr) return offsets;
  LogReader reader(f);
  LogRecord rec;
  while (reader.Next(&rec) == ReadResult::kRecord) offsets.push_back(rec.offset);
  offsets.push_back(reader.offset());  // end
  std::fclose(f);
  return offsets;
}

class AuditLogTest : public ::testing::Test {
 protected:
  // Records: 0 checkpoint, 1-5 events, 6 checkpoint, 7-9 events, 10 checkpoint.
  void SetUp() override {
    dir_ = FreshDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    path_ = dir_ + "/audit.log";
    auto writer = OpenWriter();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(writer->Append("event-" + std::to_string(i)).ok());
    ASSERT_TRUE(writer->Checkpoint().ok());
    for (int i = 5; i < 8; ++i) ASSERT_TRUE(writer->Append("event-" + std::to_string(i)).ok());
    ASSERT_TRUE(writer->Checkpoint().ok());
    offsets_ = RecordOffsets(path_);
    ASSERT_EQ(offsets_.size(), 12u);
  }

  std::unique_ptr<LogWriter> OpenWriter() {
    absl::StatusOr<SigningKey> key = SigningKey::LoadOrCreate(dir_);
    EXPECT_TRUE(key.ok()) << key.status();
    absl::StatusOr<std::unique_ptr<LogWriter>> w = LogWriter::Open(dir_, *std::move(key), NowMs);
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? *std::move(w) : nullptr;
  }

  VerifyReport Verify() {
    absl::StatusOr<VerifyKey> key = VerifyKey::Load(dir_ + "/audit_key.pub.pem");
    EXPECT_TRUE(key.ok()) << key.status();
    absl::StatusOr<VerifyReport> r = VerifyLog(dir_, *key);
    EXPECT_TRUE(r.ok()) << r.status();
    return *r;
  }

  std::string Record(int i) {
    return ReadAll(path_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
  }

  std::string dir_;
  std::string path_;
  std::vector<uint64_t> offsets_;
};

TEST_F(AuditLogTest, IntactLogVerifies) {
  VerifyReport r = Verify();
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.records, 11u);
  EXPECT_EQ(r.events, 8u);
  EXPECT_EQ(r.checkpoints, 3u);
  EXPECT_EQ(r.unsealed, 0u);
}

TEST_F(AuditLogTest, PrivateKeyIsOwnerOnlyAndPublicKeyBesideIt) {
  struct stat st;
  ASSERT_EQ(::stat((dir_ + "/audit_key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/audit_key.pub.pem"));
}

TEST_F(AuditLogTest, GroupReadablePrivateKeyIsRefused) {
  std::filesystem::permissions(dir_ + "/audit_key.pem", std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  EXPECT_EQ(SigningKey::LoadOrCreate(dir_).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(AuditLogTest, ReopenedWriterContinuesTheChain) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(writer->records(), 11u);
  ASSERT_TRUE(writer->Append("event-8").ok());
  ASSERT_TRUE(writer->Checkpoint().ok());
  writer.reset();
  VerifyReport r = Verify();
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.records, 13u);
}

TEST_F(AuditLogTest, UnsealedTailIsReportedButIntact) {
  auto writer = OpenWriter();
  ASSERT_TRUE(writer->Append("event-8").ok());
  ASSERT_TRUE(writer->Append("event-9").ok());
  ASSERT_TRUE(writer->Flush().ok());
  VerifyReport r = Verify();
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.unsealed, 2u);
}

TEST_F(AuditLogTest, EditedByteInARecordIsCaught) {
  std::string log = ReadAll(path_);
  log[offsets_[3] + kHeaderSize + 2] ^= 1;  // in event-2's payload
  WriteAll(path_, log);
  VerifyReport r = Verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.broken_index, 4u);  // the record whose link no longer holds
  EXPECT_EQ(r.broken_offset, offsets_[4]);
  EXPECT_NE(r.problem.find("prev_hash"), std::string::npos);
}

TEST_F(AuditLogTest, EditedLengthIsCaught) {
  std::string log = ReadAll(path_);
  log[offsets_[3]] ^= 4;
  WriteAll(path_, log);
  EXPECT_FALSE(Verify().intact);
}

TEST_F(AuditLogTest, DeletedRecordIsCaught) {
  std::string log = ReadAll(path_);
  log.erase(offsets_[3], offsets_[4] - offsets_[3]);
  WriteAll(path_, log);
  VerifyReport r = Verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.broken_index, 3u);
  EXPECT_EQ(r.broken_offset, offsets_[3]);
}

TEST_F(AuditLogTest, SwappedRecordsAreCaught) {
  std::string a = Record(3), b = Record(4);
  std::string log = ReadAll(path_);
  log.replace(offsets_[3], a.size() + b.size(), b + a);
  WriteAll(path_, log);
  VerifyReport r = Verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.broken_index, 3u);
}

TEST_F(AuditLogTest, TruncationInsideARecordIsCaught) {
  std::filesystem::resize_file(path_, offsets_[8] + 10);
  VerifyReport r = Verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.broken_index, 8u);
  EXPECT_NE(r.problem.find("ends inside"), std::string::npos);
}

TEST_F(AuditLogTest, TruncationAtABoundaryBeforeTheLastCheckpointIsCaught) {
  std::filesystem::resize_file(path_, offsets_[8]);  // records 8-10 gone, 0-7 chain fine
  VerifyReport r = Verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.broken_index, 10u);  // the checkpoint audit.head remembers
  EXPECT_NE(r.problem.find("truncated"), std::string::npos);
}

TEST_F(AuditLogTest, MissingHeadIsCaught) {
  std::filesystem::remove(dir_ + "/audit.head");
  EXPECT_FALSE(Verify().intact);
}

TEST_F(AuditLogTest, CorruptedSignatureIsCaught) {
  std::string log = ReadAll(path_);
  log[offsets_[7] - 1] ^= 0x80;  // last byte of checkpoint 6's signature
  WriteAll(path_, log);
  VerifyReport r = Verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.broken_index, 6u);  // the next link breaks too, but 6 is found first
  EXPECT_NE(r.problem.find("signature"), std::string::npos);
}

TEST_F(AuditLogTest, SignatureByAnotherKeyIsCaught) {
  SigningKey other = SigningKey::Generate();
  std::string rec = Record(6);
  std::optional<Checkpoint> c = DecodeCheckpointPayload(rec.substr(kHeaderSize));
  ASSERT_TRUE(c);
  Hash prev;
  std::memcpy(prev.data(), rec.data() + 5, 32);
  c->signature = other.Sign(CheckpointMessage(c->index, c->time_ms, prev));
  std::string log = ReadAll(path_);
  log.replace(offsets_[6] + kHeaderSize, kCheckpointPayloadSize, EncodeCheckpointPayload(*c));
  WriteAll(path_, log);
  VerifyReport r = Verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.broken_index, 6u);
  EXPECT_NE(r.problem.find("signature"), std::string::npos);
}

TEST_F(AuditLogTest, WriterCutsATornUnsealedTailAndRecordsIt) {
  {
    auto writer = OpenWriter();
    ASSERT_TRUE(writer->Append("event-8").ok());
    ASSERT_TRUE(writer->Flush().ok());
  }
  uint64_t size = std::filesystem::file_size(path_);
  std::filesystem::resize_file(path_, size - 3);  // a crash inside the last write
  EXPECT_FALSE(Verify().intact);                  // verify still reports it
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Checkpoint().ok());
  writer.reset();
  VerifyReport r = Verify();
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.events, 9u);  // 8 + the repair note; event-8 is gone
  EXPECT_NE(ReadAll(path_).find("torn tail removed"), std::string::npos);
}

TEST_F(AuditLogTest, WriterRefusesATamperedLog) {
  std::filesystem::resize_file(path_, offsets_[8] + 10);
  absl::StatusOr<SigningKey> key = SigningKey::LoadOrCreate(dir_);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(LogWriter::Open(dir_, *std::move(key), NowMs).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace vigil::audit
