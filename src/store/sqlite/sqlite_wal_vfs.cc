#include "store/sqlite/sqlite_wal_vfs.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

namespace vigil::store::sqlite_internal {
namespace {

constexpr size_t kMaxRun = 4 << 20;
constexpr size_t kMaxWrite = 124 << 10;
constexpr int kFrameHeaderBytes = 24;  // a WAL frame's header, before its page
constexpr int kWalHeaderBytes = 32;    // the WAL file's own header, at offset 0

sqlite3_vfs* inner_vfs = nullptr;  // the default VFS this one wraps
sqlite3_vfs vfs;
const char* vfs_name = nullptr;  // set once registered
std::atomic<int64_t> gathered{0};
std::atomic<int64_t> runs_written{0};

// Our part of a sqlite3_file; the inner VFS's file follows it in the same
// allocation (vfs.szOsFile covers both).
struct File {
  sqlite3_file base;    // first, so that SQLite's pointer is ours
  sqlite3_file* inner;  // the inner VFS's file
  // A WAL file that gathers (BufferWalWrites):
  bool gather = false;
  File* main = nullptr;   // its connection's database file
  std::vector<char> run;  // appends not yet written, from run_offset
  sqlite3_int64 run_offset = 0;
  sqlite3_int64 last_end = -1;     // where the last write ended
  bool commit_frame_next = false;  // the last append was a commit frame's header
  // A database file: the WAL to write out at its shared-memory barrier.
  File* wal = nullptr;
};

File* Of(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
sqlite3_file* Inner(sqlite3_file* f) { return Of(f)->inner; }
const sqlite3_io_methods& M(sqlite3_file* f) { return *Inner(f)->pMethods; }

size_t InnerOffset() { return (sizeof(File) + 7) & ~size_t{7}; }

// Writes the gathered run, if any, in writes of at most kMaxWrite bytes
// (the unix VFS writes no more than 128 KiB at once); its status.
int WriteRun(File* f) {
  if (f->run.empty()) return SQLITE_OK;
  int rc = SQLITE_OK;
  for (size_t done = 0; done < f->run.size() && rc == SQLITE_OK; done += kMaxWrite) {
    size_t n = std::min(kMaxWrite, f->run.size() - done);
    rc = f->inner->pMethods->xWrite(f->inner, f->run.data() + done, static_cast<int>(n),
                                    f->run_offset + static_cast<sqlite3_int64>(done));
  }
  f->run.clear();
  f->commit_frame_next = false;
  runs_written.fetch_add(1, std::memory_order_relaxed);
  return rc;
}

// A database file's WAL, if linked, writes its run and gathers no more.
void StopGathering(File* main) {
  if (main->wal == nullptr) return;
  (void)WriteRun(main->wal);
  main->wal->main = nullptr;
  main->wal->gather = false;
  main->wal = nullptr;
}

// --- Methods every file passes on (a WAL file writes its run first) --------

int Close(sqlite3_file* file) {
  File* f = Of(file);
  int written = WriteRun(f);
  if (f->main != nullptr) f->main->wal = nullptr;
  StopGathering(f);  // SQLite closes the WAL first; in case it does not
  int rc = M(file).xClose(f->inner);
  f->~File();
  return written != SQLITE_OK ? written : rc;
}
int Read(sqlite3_file* file, void* out, int n, sqlite3_int64 offset) {
  if (int rc = WriteRun(Of(file)); rc != SQLITE_OK) return rc;
  return M(file).xRead(Inner(file), out, n, offset);
}
int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (int rc = WriteRun(Of(file)); rc != SQLITE_OK) return rc;
  return M(file).xTruncate(Inner(file), size);
}
int Sync(sqlite3_file* file, int flags) {
  if (int rc = WriteRun(Of(file)); rc != SQLITE_OK) return rc;
  return M(file).xSync(Inner(file), flags);
}
int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  if (int rc = WriteRun(Of(file)); rc != SQLITE_OK) return rc;
  return M(file).xFileSize(Inner(file), size);
}
int Lock(sqlite3_file* file, int level) { return M(file).xLock(Inner(file), level); }
int Unlock(sqlite3_file* file, int level) { return M(file).xUnlock(Inner(file), level); }
int CheckReservedLock(sqlite3_file* file, int* out) {
  return M(file).xCheckReservedLock(Inner(file), out);
}
int FileControl(sqlite3_file* file, int op, void* arg) {
  if (int rc = WriteRun(Of(file)); rc != SQLITE_OK) return rc;
  return M(file).xFileControl(Inner(file), op, arg);
}
int SectorSize(sqlite3_file* file) { return M(file).xSectorSize(Inner(file)); }
int DeviceCharacteristics(sqlite3_file* file) {
  return M(file).xDeviceCharacteristics(Inner(file));
}
int ShmMap(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  return M(file).xShmMap(Inner(file), region, size, extend, out);
}
// Slot 0 is SQLite's WAL write lock. Every write of a transaction reaches the
// file before the lock is released, as without this VFS: a rolled-back
// transaction's spilled frames must not be written later, over frames that
// another connection committed meanwhile.
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  File* f = Of(file);
  if ((flags & SQLITE_SHM_UNLOCK) != 0 && offset == 0 && f->wal != nullptr) {
    (void)WriteRun(f->wal);  // frames no COMMIT reached: beyond every reader's end
  }
  return M(file).xShmLock(Inner(file), offset, n, flags);
}
// SQLite calls it on the database file between writing a transaction's
// frames and publishing them to readers in the shared memory.
void ShmBarrier(sqlite3_file* file) {
  if (File* wal = Of(file)->wal; wal != nullptr) {
    // Normally empty here (the commit frame wrote the run); a failure cannot
    // be reported from here, the next write reports it.
    (void)WriteRun(wal);
  }
  M(file).xShmBarrier(Inner(file));
}
int ShmUnmap(sqlite3_file* file, int delete_flag) {
  StopGathering(Of(file));
  return M(file).xShmUnmap(Inner(file), delete_flag);
}
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int n, void** out) {
  return M(file).xFetch(Inner(file), offset, n, out);
}
int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* p) {
  return M(file).xUnfetch(Inner(file), offset, p);
}

// Gathers appends (writes where the last one ended); writes a run once a
// commit frame's page is in it; any other write writes the run first and
// goes straight to the file.
int Write(sqlite3_file* file, const void* data, int n, sqlite3_int64 offset) {
  File* f = Of(file);
  bool append = f->gather && offset == f->last_end && offset >= kWalHeaderBytes;
  bool commit_page = append && f->commit_frame_next;  // the commit frame's page
  if (!append || f->run.size() + static_cast<size_t>(n) > kMaxRun) {
    if (int rc = WriteRun(f); rc != SQLITE_OK) return rc;
  }
  f->last_end = offset + n;
  if (!append) return M(file).xWrite(f->inner, data, n, offset);
  if (f->run.empty()) f->run_offset = offset;
  const char* bytes = static_cast<const char*>(data);
  f->run.insert(f->run.end(), bytes, bytes + n);
  gathered.fetch_add(1, std::memory_order_relaxed);
  if (commit_page) return WriteRun(f);
  // Frame header: page number, then the database size in pages, non-zero
  // only in the frame that commits a transaction.
  static const char kZero[4] = {0, 0, 0, 0};
  f->commit_frame_next = n == kFrameHeaderBytes && std::memcmp(bytes + 4, kZero, 4) != 0;
  return SQLITE_OK;
}

constexpr sqlite3_io_methods kMethods = {3,
                                         Close,
                                         Read,
                                         Write,
                                         Truncate,
                                         Sync,
                                         FileSize,
                                         Lock,
                                         Unlock,
                                         CheckReservedLock,
                                         FileControl,
                                         SectorSize,
                                         DeviceCharacteristics,
                                         ShmMap,
                                         ShmLock,
                                         ShmBarrier,
                                         ShmUnmap,
                                         Fetch,
                                         Unfetch};

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  File* f = new (file) File;
  f->base.pMethods = nullptr;
  f->inner = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + InnerOffset());
  f->inner->pMethods = nullptr;
  int rc = inner_vfs->xOpen(inner_vfs, name, f->inner, flags, out_flags);
  if (f->inner->pMethods == nullptr) {  // nothing to close
    f->~File();
    return rc == SQLITE_OK ? SQLITE_CANTOPEN : rc;
  }
  if (f->inner->pMethods->iVersion < 3) {  // no shared memory or fetch to pass on
    f->inner->pMethods->xClose(f->inner);
    f->~File();
    return SQLITE_CANTOPEN;
  }
  f->base.pMethods = &kMethods;
  return rc;
}

}  // namespace

const char* BufferingVfsName() {
  static std::once_flag once;
  std::call_once(once, [] {
    inner_vfs = sqlite3_vfs_find(nullptr);
    if (inner_vfs == nullptr || inner_vfs->iVersion < 1) return;
    vfs = *inner_vfs;  // its other methods do not depend on which VFS calls them
    vfs.szOsFile = static_cast<int>(InnerOffset()) + inner_vfs->szOsFile;
    vfs.zName = "vigil-gathered-wal";
    vfs.pNext = nullptr;
    vfs.xOpen = Open;
    if (sqlite3_vfs_register(&vfs, /*makeDflt=*/0) == SQLITE_OK) vfs_name = vfs.zName;
  });
  return vfs_name;
}

absl::Status BufferWalWrites(sqlite3* db) {
  sqlite3_file* main = nullptr;
  sqlite3_file* wal = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &main) != SQLITE_OK ||
      sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK ||
      main == nullptr || wal == nullptr || main->pMethods != &kMethods ||
      wal->pMethods != &kMethods) {
    return absl::FailedPreconditionError(
        "WAL writes can be gathered only on a connection opened with the buffering VFS whose "
        "WAL file is open");
  }
  Of(main)->wal = Of(wal);
  Of(wal)->main = Of(main);
  Of(wal)->gather = true;
  return absl::OkStatus();
}

WalWriteCounts WalWriteCountsSoFar() { return {gathered.load(), runs_written.load()}; }

}  // namespace vigil::store::sqlite_internal
