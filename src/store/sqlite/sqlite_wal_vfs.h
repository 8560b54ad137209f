// A VFS over SQLite's default one that writes a COMMIT's WAL frames in a few
// large pwrites instead of two per frame (internal to the SQLite store).
//
// SQLite writes each WAL frame as two writes, its 24-byte header and its
// page, so a COMMIT of 140 pages makes 280 pwrite calls, under the writer
// lock: ~10% of all CPU of the HL7 v2 benchmark. Once BufferWalWrites is
// called for a connection, its WAL file gathers appends in memory and writes
// them at once:
//   - when the page of a commit frame (a frame header with a non-zero
//     database size) has been appended: that write reports the result of
//     the whole run, so a failed write (a full disk) still fails the COMMIT
//     before SQLite publishes it to readers;
//   - before anything else touches the WAL file (a read, a write elsewhere
//     than at the end of the run, sync, truncate, size, close), and at the
//     connection's shared-memory barrier, which SQLite passes right before it
//     publishes new frames, in case a transaction ends without the pattern
//     above;
//   - when the run reaches 4 MiB.
// A run is written in pieces of 124 KiB (the unix VFS writes at most 128 KiB
// at once), about 5 pwrite calls for those 140 pages.
// Nothing else changes: frames reach the file in the same order and at the
// same offsets, before readers can know of them, and a crash can only lose
// frames that no reader was shown and no COMMIT had reported done.
//
// Thread-safety: a file is used by its connection's thread of the moment, as
// SQLite does; the VFS is registered once per process.
#pragma once

#include <sqlite3.h>

#include "absl/status/status.h"

namespace vigil::store::sqlite_internal {

// The name of the VFS to open connections with (sqlite3_open_v2), registered
// on the first call; null when it could not be registered (the default VFS
// is then used and writes are not gathered).
const char* BufferingVfsName();

// Gathers the WAL writes of `db` (opened with BufferingVfsName, in WAL mode,
// its WAL file open: after its first transaction). FailedPrecondition
// otherwise.
absl::Status BufferWalWrites(sqlite3* db);

struct WalWriteCounts {
  int64_t appends_gathered = 0;  // writes that went into a run
  int64_t runs_written = 0;      // pwrite calls that wrote a run
};
// Totals since the process started; for tests.
WalWriteCounts WalWriteCountsSoFar();

}  // namespace vigil::store::sqlite_internal
