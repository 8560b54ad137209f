// SQLite's own page cache (pcache1), with its truncation made cheap.
//
// At every COMMIT the pager truncates its page cache to the database's size.
// pcache1 does that with a walk over its whole hash table whenever the
// largest key it has ever held lies far past the limit. In SQLite 3.40 a
// b-tree page split (balance_nonroot) sorts its new pages by swapping two of
// them through a temporary key, the pending-byte page (262,145 with 4 KiB
// pages), so after almost every write transaction the largest key lies past
// the end and the COMMIT walks the writer's whole cache: 4-6% of all CPU of
// the HL7 v2 benchmark, spent while holding the writer lock.
//
// This cache delegates every call to pcache1 and only skips a truncation
// when no page at or past its limit can be in the cache: it tracks the
// largest key fetched and the keys that rekeys moved past it, which lets
// the temporary key go again once the swap is done. Every other truncation
// is passed on unchanged, so pages past the end (a rolled-back extension of
// the file) are still discarded.
#pragma once

#include <cstdint>

namespace vigil::store::sqlite_internal {

// Installs the cache for the whole process. Call before SQLite is initialized
// (before anything opens a database); returns false, leaving pcache1 alone,
// when it is too late.
bool InstallPageCache();

struct PageCacheCounts {
  int64_t truncations_passed_on = 0;
  int64_t truncations_skipped = 0;
};
// Totals over every cache since InstallPageCache; for tests.
PageCacheCounts PageCacheCountsSoFar();

}  // namespace vigil::store::sqlite_internal
