#include "audit/log_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "audit/head_file.h"
#include "audit/verify.h"
#include "base/status.h"
#include "base/str.h"

namespace vigil::audit {
namespace {

bool PwriteAll(int fd, const std::string& data, uint64_t offset) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n =
        ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

LogWriter::LogWriter(std::string dir, int fd, SigningKey key, std::function<int64_t()> now_ms)
    : dir_(std::move(dir)), fd_(fd), key_(std::move(key)), now_ms_(std::move(now_ms)) {}

LogWriter::~LogWriter() { ::close(fd_); }

absl::StatusOr<std::unique_ptr<LogWriter>> LogWriter::Open(const std::string& dir, SigningKey key,
                                                           std::function<int64_t()> now_ms) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = (std::filesystem::path(dir) / kLogFile).string();
  bool exists = std::filesystem::exists(path);
  VerifyReport report;
  std::string repair;
  if (exists) {
    VIGIL_ASSIGN_OR_RETURN(report, VerifyLog(dir, key.Public()));
    if (!report.intact && report.torn && report.head_ok) {
      // A record torn by a crash mid-write, after the last checkpoint: cut it
      // off (nothing signed is lost) and say so in the log itself.
      std::error_code ec;
      uint64_t size = std::filesystem::file_size(path, ec);
      std::filesystem::resize_file(path, report.end_offset, ec);
      if (ec) return absl::InternalError(StrCat("cannot repair ", path));
      repair = StrCat(R"({"vigilAuditRepair":"torn tail removed at start","offset":)",
                      report.end_offset, R"(,"bytes":)", size - report.end_offset, "}");
      std::fprintf(stderr,
                   "vigil audit: %s: removed a torn record at the end (%llu bytes at "
                   "offset %llu, after the last checkpoint)\n",
                   path.c_str(), static_cast<unsigned long long>(size - report.end_offset),
                   static_cast<unsigned long long>(report.end_offset));
      report.intact = true;
    }
    if (!report.intact) {
      return absl::FailedPreconditionError(
          StrCat(path, " is not intact (record ", report.broken_index, " at offset ",
                 report.broken_offset, ": ", report.problem,
                 "); keep it as evidence, move it away, and restart to begin a new log"));
    }
  }
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(StrCat("cannot open ", path));
  std::unique_ptr<LogWriter> writer(new LogWriter(dir, fd, std::move(key), std::move(now_ms)));
  if (!exists) {
    writer->buffer_ = std::string(kFileMagic);
    VIGIL_RETURN_IF_ERROR(writer->Checkpoint());
    return writer;
  }
  writer->records_ = report.records;
  writer->unsealed_ = report.unsealed;
  writer->flushed_offset_ = report.end_offset;
  writer->last_hash_ = report.last_hash;
  if (!repair.empty()) {
    VIGIL_RETURN_IF_ERROR(writer->Append(repair));
    VIGIL_RETURN_IF_ERROR(writer->Flush());
  }
  return writer;
}

void LogWriter::AppendRecord(RecordType type, std::string_view payload) {
  size_t start = buffer_.size();
  PutFixed32(&buffer_, static_cast<uint32_t>(payload.size()));
  buffer_.push_back(static_cast<char>(type));
  buffer_.append(reinterpret_cast<const char*>(last_hash_.data()), last_hash_.size());
  buffer_.append(payload);
  last_hash_ = RecordHash(std::string_view(buffer_).substr(start));
  ++records_;
}

absl::Status LogWriter::Append(std::string_view payload) {
  if (payload.size() > kMaxPayload) return absl::InvalidArgumentError("audit record too large");
  AppendRecord(RecordType::kEvent, payload);
  ++unsealed_;
  return absl::OkStatus();
}

absl::Status LogWriter::Flush() {
  if (!buffer_.empty()) {
    if (!PwriteAll(fd_, buffer_, flushed_offset_)) {
      (void)::ftruncate(fd_, static_cast<off_t>(flushed_offset_));
      return absl::InternalError(StrCat("cannot write to the audit log in ", dir_));
    }
    flushed_offset_ += buffer_.size();
    buffer_.clear();
  }
  if (::fdatasync(fd_) != 0)
    return absl::InternalError(StrCat("cannot sync the audit log in ", dir_));
  return absl::OkStatus();
}

absl::Status LogWriter::Checkpoint() {
  audit::Checkpoint c;
  c.index = records_;
  c.time_ms = now_ms_();
  c.signature = key_.Sign(CheckpointMessage(c.index, c.time_ms, last_hash_));
  if (c.signature.size() != 64) return absl::InternalError("cannot sign an audit checkpoint");
  std::string record =
      EncodeRecord(RecordType::kCheckpoint, last_hash_, EncodeCheckpointPayload(c));
  uint64_t offset = flushed_offset_ + buffer_.size();
  AppendRecord(RecordType::kCheckpoint, EncodeCheckpointPayload(c));
  VIGIL_RETURN_IF_ERROR(Flush());
  unsealed_ = 0;
  Head head;
  head.offset = offset;
  head.record = std::move(record);
  return WriteHead((std::filesystem::path(dir_) / kHeadFile).string(), head);
}

}  // namespace vigil::audit
