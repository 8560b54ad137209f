// How often each resource type's conditional updates have lately matched an
// existing resource, to decide whether a transaction Bundle's preparation
// searches for their matches (BundleProcessor::PrepareIndexes).
//
// A prepared entry spares the writer its indexing only when the preparation
// resolves it to the id the transaction then writes. A conditional update
// that matches nothing gets a new id, which needs no search: for such
// updates (HL7 v2 results, whose Observations carry new identifiers) each
// search before the transaction is wasted work, one per entry. Skipping the
// search for one that does match prepares it under a new id; the transaction
// then finds the match and indexes the entry, and the entries that reference
// it, under the writer lock. So the preparation searches while at least 1 in
// 8 of a type's recent conditional updates matched (a moving average over
// about the last 8), and otherwise prepares the entry under its new id. A
// type starts out searched.
//
// Thread-safety: both methods may be called concurrently.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace vigil::server {

class ConditionalMatchRates {
 public:
  // Whether the preparation should search for the matches of `type`'s
  // conditional updates.
  bool WorthSearching(std::string_view type) const;
  // One conditional update of `type`, as the transaction resolved it.
  void Record(std::string_view type, bool matched);

 private:
  static constexpr int kAlways = 1024;  // the rate of a type that always matches

  mutable std::mutex mu_;
  std::map<std::string, int, std::less<>> rates_;  // guarded by mu_; absent = kAlways
};

}  // namespace vigil::server
