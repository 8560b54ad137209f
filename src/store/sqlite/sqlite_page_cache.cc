#include "store/sqlite/sqlite_page_cache.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <new>
#include <vector>

namespace vigil::store::sqlite_internal {
namespace {

sqlite3_pcache_methods2 inner;  // pcache1, copied before ours replaces it
std::atomic<int64_t> passed_on{0};
std::atomic<int64_t> skipped{0};

// One per pager; SQLite calls a cache from one connection at a time.
struct Cache {
  sqlite3_pcache* inner = nullptr;
  unsigned max_fetched = 0;            // no page was ever given a key above it except:
  std::vector<unsigned> rekeyed_past;  // keys of pages that rekeys moved above max_fetched
};

// Past this many keys (which only a discard of a rekeyed page leaves behind)
// truncations are passed on, and the list is pruned by them.
constexpr size_t kMaxRekeyedPast = 64;

Cache* Of(sqlite3_pcache* p) { return reinterpret_cast<Cache*>(p); }

int Init(void* arg) { return inner.xInit(arg); }
void Shutdown(void* arg) {
  if (inner.xShutdown != nullptr) inner.xShutdown(arg);
}

sqlite3_pcache* Create(int page_size, int extra_size, int purgeable) {
  sqlite3_pcache* p = inner.xCreate(page_size, extra_size, purgeable);
  if (p == nullptr) return nullptr;
  Cache* c = new (std::nothrow) Cache;
  if (c == nullptr) {
    inner.xDestroy(p);
    return nullptr;
  }
  c->inner = p;
  return reinterpret_cast<sqlite3_pcache*>(c);
}

void Cachesize(sqlite3_pcache* p, int pages) { inner.xCachesize(Of(p)->inner, pages); }
int Pagecount(sqlite3_pcache* p) { return inner.xPagecount(Of(p)->inner); }

sqlite3_pcache_page* Fetch(sqlite3_pcache* p, unsigned key, int create) {
  Cache* c = Of(p);
  if (create != 0) c->max_fetched = std::max(c->max_fetched, key);
  return inner.xFetch(c->inner, key, create);
}

void Unpin(sqlite3_pcache* p, sqlite3_pcache_page* page, int discard) {
  inner.xUnpin(Of(p)->inner, page, discard);
}

void Rekey(sqlite3_pcache* p, sqlite3_pcache_page* page, unsigned old_key, unsigned new_key) {
  Cache* c = Of(p);
  auto it = std::find(c->rekeyed_past.begin(), c->rekeyed_past.end(), old_key);
  if (it != c->rekeyed_past.end()) c->rekeyed_past.erase(it);
  if (new_key > c->max_fetched) c->rekeyed_past.push_back(new_key);
  inner.xRekey(c->inner, page, old_key, new_key);
}

// Whether a page keyed `limit` or above may be in the cache.
bool MayHoldFrom(const Cache& c, unsigned limit) {
  if (c.max_fetched >= limit || c.rekeyed_past.size() > kMaxRekeyedPast) return true;
  return std::any_of(c.rekeyed_past.begin(), c.rekeyed_past.end(),
                     [&](unsigned k) { return k >= limit; });
}

void Truncate(sqlite3_pcache* p, unsigned limit) {
  Cache* c = Of(p);
  if (!MayHoldFrom(*c, limit)) {
    skipped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  passed_on.fetch_add(1, std::memory_order_relaxed);
  inner.xTruncate(c->inner, limit);
  if (limit > 0) c->max_fetched = std::min(c->max_fetched, limit - 1);
  std::erase_if(c->rekeyed_past, [&](unsigned k) { return k >= limit; });
}

void Destroy(sqlite3_pcache* p) {
  Cache* c = Of(p);
  inner.xDestroy(c->inner);
  delete c;
}

void Shrink(sqlite3_pcache* p) { inner.xShrink(Of(p)->inner); }

}  // namespace

bool InstallPageCache() {
  sqlite3_pcache_methods2 pcache1{};
  if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &pcache1) != SQLITE_OK) return false;
  if (pcache1.xInit == nullptr || pcache1.xCreate == Create) return false;
  sqlite3_pcache_methods2 ours = pcache1;  // same iVersion and pArg
  ours.xInit = Init;
  ours.xShutdown = Shutdown;
  ours.xCreate = Create;
  ours.xCachesize = Cachesize;
  ours.xPagecount = Pagecount;
  ours.xFetch = Fetch;
  ours.xUnpin = Unpin;
  ours.xRekey = Rekey;
  ours.xTruncate = Truncate;
  ours.xDestroy = Destroy;
  ours.xShrink = Shrink;
  inner = pcache1;
  if (sqlite3_config(SQLITE_CONFIG_PCACHE2, &ours) != SQLITE_OK) return false;
  return true;
}

PageCacheCounts PageCacheCountsSoFar() {
  PageCacheCounts counts;
  counts.truncations_passed_on = passed_on.load(std::memory_order_relaxed);
  counts.truncations_skipped = skipped.load(std::memory_order_relaxed);
  return counts;
}

}  // namespace vigil::store::sqlite_internal
