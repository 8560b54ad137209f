// An in-memory store::Store for unit tests. Nothing is persisted.
//
// Semantics are those of store.h, checked by store/store_conformance_test.cc
// against the SQLite store:
//   - A WriteTxn stages its writes privately (holding the writer mutex for its
//     lifetime) and applies them under an exclusive lock in Commit(), so
//     readers outside the txn see committed data only and never wait for an
//     open transaction, just for the short apply step. Reads through the Store
//     from the thread holding a WriteTxn are fine (they see committed data).
//   - Search evaluates the Query by brute force over the index rows; fine for
//     tests, not for large data.
//
// Thread-safety: the Store is thread-safe; a WriteTxn belongs to one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "store/store.h"

namespace vigil::store {

struct MemoryStoreOptions {
  // Current time in ms since the Unix epoch, for the date `ap` prefix. Empty =
  // the system clock.
  std::function<int64_t()> now_ms;
};

std::unique_ptr<Store> NewMemoryStore(MemoryStoreOptions options = {});

}  // namespace vigil::store
