#include "audit/verify.h"

#include <filesystem>

#include "audit/head_file.h"
#include "audit/log_reader.h"
#include "base/str.h"

namespace vigil::audit {
namespace {

void Broken(VerifyReport* r, uint64_t index, uint64_t offset, std::string problem) {
  r->intact = false;
  r->broken_index = index;
  r->broken_offset = offset;
  r->problem = std::move(problem);
}

// Checks one framed record against the chain so far; false (and r broken) if not.
bool CheckRecord(const LogRecord& rec, const VerifyKey& key, VerifyReport* r) {
  if (rec.prev != r->last_hash) {
    Broken(r, rec.index, rec.offset,
           StrCat("its prev_hash does not match the hash of record ", rec.index - 1, ": record ",
                  rec.index - 1,
                  " was modified, or records were deleted, "
                  "inserted or reordered here"));
    if (rec.index == 0) r->problem = "the first record's prev_hash is not all zeros";
    return false;
  }
  if (rec.type == RecordType::kCheckpoint) {
    std::optional<Checkpoint> c = DecodeCheckpointPayload(rec.payload);
    if (!c) {
      Broken(r, rec.index, rec.offset, "checkpoint payload has the wrong size");
      return false;
    }
    if (c->index != rec.index) {
      Broken(r, rec.index, rec.offset,
             StrCat("checkpoint says it is record ", c->index, ", but it is record ", rec.index));
      return false;
    }
    if (!key.Verify(CheckpointMessage(c->index, c->time_ms, rec.prev), c->signature)) {
      Broken(r, rec.index, rec.offset, "checkpoint signature is not valid for the public key");
      return false;
    }
    ++r->checkpoints;
    r->unsealed = 0;
  } else {
    ++r->events;
    ++r->unsealed;
  }
  return true;
}

// The checkpoint named by audit.head must be in the log, byte for byte.
void CheckHead(const std::string& dir, const std::string& log_path, VerifyReport* r) {
  absl::StatusOr<Head> head = ReadHead((std::filesystem::path(dir) / kHeadFile).string());
  if (!head.ok()) {
    Broken(r, r->records, r->end_offset,
           StrCat(Message(head.status()), ": the last checkpoint cannot be checked"));
    return;
  }
  std::FILE* f = std::fopen(log_path.c_str(), "rb");
  std::string bytes(head->record.size(), '\0');
  bool read = f != nullptr && std::fseek(f, static_cast<long>(head->offset), SEEK_SET) == 0 &&
              std::fread(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (f != nullptr) std::fclose(f);
  uint64_t index = 0;
  if (std::optional<Checkpoint> c = head->record.size() > kHeaderSize
                                        ? DecodeCheckpointPayload(head->record.substr(kHeaderSize))
                                        : std::nullopt) {
    index = c->index;
  }
  if (!read || head->offset + bytes.size() > r->end_offset) {
    Broken(r, index, head->offset,
           StrCat("the log is truncated: the last checkpoint (record ", index, " at offset ",
                  head->offset, ", per audit.head) is missing"));
  } else if (bytes != head->record) {
    Broken(r, index, head->offset,
           StrCat("record ", index, " differs from the last checkpoint kept in audit.head"));
  }
}

}  // namespace

absl::StatusOr<VerifyReport> VerifyLog(const std::string& dir, const VerifyKey& key) {
  std::string log_path = (std::filesystem::path(dir) / kLogFile).string();
  if (!std::filesystem::exists(log_path)) {
    return absl::NotFoundError(StrCat("no audit log at ", log_path));
  }
  VerifyReport r;
  std::string problem;
  std::FILE* f = OpenLog(log_path, &problem);
  if (f == nullptr) {
    Broken(&r, 0, 0, problem);
    return r;
  }
  LogReader reader(f);
  r.end_offset = reader.offset();
  LogRecord rec;
  for (;;) {
    ReadResult result = reader.Next(&rec);
    if (result == ReadResult::kEnd) break;
    if (result != ReadResult::kRecord) {
      Broken(&r, r.records, reader.offset(), reader.problem());
      r.torn = result == ReadResult::kTorn;
      break;
    }
    if (!CheckRecord(rec, key, &r)) break;
    ++r.records;
    r.last_hash = rec.hash;
    r.end_offset = reader.offset();
  }
  std::fclose(f);
  if (r.intact) {
    CheckHead(dir, log_path, &r);
    r.head_ok = r.intact;
  } else if (r.torn) {  // the torn record stays the one reported
    VerifyReport head = r;
    head.intact = true;
    CheckHead(dir, log_path, &head);
    r.head_ok = head.intact;
  }
  return r;
}

}  // namespace vigil::audit
