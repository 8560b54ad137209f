// Brute-force evaluation of store::Query over in-memory resources (internal to
// the memory store). The evaluator reads through a View so that a WriteTxn can
// present its staged writes layered over the committed data.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace vigil::store::memory_internal {

// One resource: all its versions (versions[i].version == i + 1) and the index
// rows of the current version (empty when it is a tombstone).
struct Entry {
  int64_t rid = 0;  // creation order; the stable tie-break of searches
  std::vector<StoredResource> versions;
  IndexEntries index;

  const StoredResource& current() const { return versions.back(); }
};

class View {
 public:
  virtual ~View() = default;
  // nullptr when the resource was never written.
  virtual const Entry* Find(std::string_view type, std::string_view id) const = 0;
  // Every resource of `type`, in no particular order.
  virtual void ForEach(std::string_view type,
                       const std::function<void(const Entry&)>& fn) const = 0;
};

SearchPage Search(const View& view, const Query& query, int64_t now_ms);

std::vector<ResourceKey> References(const View& view, const std::vector<ResourceKey>& sources,
                                    std::string_view param);

}  // namespace vigil::store::memory_internal
