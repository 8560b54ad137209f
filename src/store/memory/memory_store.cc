#include "store/memory/memory_store.h"

#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/str.h"
#include "base/time.h"
#include "store/memory/memory_eval.h"

namespace vigil::store {
namespace {

using memory_internal::Entry;
using memory_internal::View;

using TypeMap = std::map<std::string, Entry, std::less<>>;

struct LogRecord {  // one version, in commit order (system history)
  std::string type;
  std::string id;
  int64_t version;
};

struct State {
  std::map<std::string, TypeMap, std::less<>> by_type;
  std::vector<LogRecord> log;
  std::map<std::string, std::string, std::less<>> meta;
  int64_t next_rid = 1;
};

class StateView : public View {
 public:
  explicit StateView(const State& s) : s_(s) {}
  const Entry* Find(std::string_view type, std::string_view id) const override {
    auto t = s_.by_type.find(type);
    if (t == s_.by_type.end()) return nullptr;
    auto e = t->second.find(id);
    return e == t->second.end() ? nullptr : &e->second;
  }
  void ForEach(std::string_view type, const std::function<void(const Entry&)>& fn) const override {
    auto t = s_.by_type.find(type);
    if (t == s_.by_type.end()) return;
    for (const auto& [id, e] : t->second) fn(e);
  }

 private:
  const State& s_;
};

std::optional<StoredResource> VersionOf(const Entry* e, int64_t version) {
  if (e == nullptr || version < 1 || version > static_cast<int64_t>(e->versions.size())) {
    return std::nullopt;
  }
  return e->versions[version - 1];
}

class MemoryStore;

// Staged writes over the committed state. The writer mutex it holds keeps the
// committed state unchanged until Commit, so reading it needs no lock.
class MemoryTxn : public WriteTxn, private View {
 public:
  MemoryTxn(MemoryStore& store, std::unique_lock<std::mutex> writer);

  absl::StatusOr<std::optional<StoredResource>> Read(std::string_view type,
                                                     std::string_view id) override {
    const Entry* e = Find(type, id);
    if (e == nullptr) return std::nullopt;
    return e->current();
  }
  absl::StatusOr<std::optional<StoredResource>> ReadVersion(std::string_view type,
                                                            std::string_view id,
                                                            int64_t version) override {
    return VersionOf(Find(type, id), version);
  }
  absl::StatusOr<SearchPage> Search(const Query& query) override;
  absl::StatusOr<std::vector<ResourceKey>> References(const std::vector<ResourceKey>& sources,
                                                      std::string_view param) override {
    return memory_internal::References(*this, sources, param);
  }
  absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override;
  absl::Status Put(ResourceWrite w) override;
  absl::Status PutMeta(std::string_view key, std::string_view value) override;
  absl::Status Commit() override;

 private:
  using Key = std::pair<std::string, std::string>;

  const Entry* Find(std::string_view type, std::string_view id) const override {
    auto s = staged_.find(Key(type, id));
    if (s != staged_.end()) return &s->second;
    return base_.Find(type, id);
  }
  void ForEach(std::string_view type, const std::function<void(const Entry&)>& fn) const override {
    base_.ForEach(type, [&](const Entry& e) {
      const StoredResource& cur = e.current();
      if (!staged_.contains(Key(cur.type, cur.id))) fn(e);
    });
    for (auto it = staged_.lower_bound(Key(type, ""));
         it != staged_.end() && it->first.first == type; ++it) {
      fn(it->second);
    }
  }

  MemoryStore& store_;
  std::unique_lock<std::mutex> writer_;
  StateView base_;
  std::map<Key, Entry> staged_;
  std::vector<LogRecord> staged_log_;
  std::map<std::string, std::string, std::less<>> staged_meta_;
  int64_t next_rid_;
  uint64_t writes_ = 0;              // successful Puts
  std::vector<ChangeEvent> events_;  // one per Put, only while a listener is attached
  bool done_ = false;
};

class MemoryStore : public Store {
 public:
  explicit MemoryStore(MemoryStoreOptions options) : options_(std::move(options)) {
    if (!options_.now_ms) options_.now_ms = NowMs;
  }

  absl::StatusOr<std::optional<StoredResource>> Read(std::string_view type,
                                                     std::string_view id) override {
    std::shared_lock lock(mu_);
    const Entry* e = StateView(state_).Find(type, id);
    if (e == nullptr) return std::nullopt;
    return e->current();
  }
  absl::StatusOr<std::optional<StoredResource>> ReadVersion(std::string_view type,
                                                            std::string_view id,
                                                            int64_t version) override {
    std::shared_lock lock(mu_);
    return VersionOf(StateView(state_).Find(type, id), version);
  }
  absl::StatusOr<SearchPage> Search(const Query& query) override {
    std::shared_lock lock(mu_);
    return memory_internal::Search(StateView(state_), query, options_.now_ms());
  }
  absl::StatusOr<std::vector<ResourceKey>> References(const std::vector<ResourceKey>& sources,
                                                      std::string_view param) override {
    std::shared_lock lock(mu_);
    return memory_internal::References(StateView(state_), sources, param);
  }
  absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override {
    std::shared_lock lock(mu_);
    auto it = state_.meta.find(key);
    if (it == state_.meta.end()) return std::nullopt;
    return it->second;
  }
  absl::StatusOr<std::unique_ptr<WriteTxn>> BeginWrite() override {
    return std::make_unique<MemoryTxn>(*this, std::unique_lock(writer_mu_));
  }
  absl::StatusOr<HistoryPage> History(const HistoryQuery& q) override;
  absl::StatusOr<std::vector<StoredResource>> Scan(const ScanQuery& q) override;
  void SetChangeListener(ChangeListener listener) override {
    std::lock_guard lock(writer_mu_);
    listener_ = std::move(listener);
  }

 private:
  friend class MemoryTxn;

  // Numbers and hands on a committed transaction's events. REQUIRES: writer_mu_.
  void Announce(uint64_t writes, std::vector<ChangeEvent> events) {
    uint64_t sequence = next_sequence_;
    next_sequence_ += writes;
    if (!listener_ || events.empty()) return;
    for (ChangeEvent& e : events) e.sequence = sequence++;
    listener_(std::move(events));
  }

  MemoryStoreOptions options_;
  std::mutex writer_mu_;        // held by the open WriteTxn
  ChangeListener listener_;     // guarded by writer_mu_
  uint64_t next_sequence_ = 1;  // guarded by writer_mu_
  std::shared_mutex mu_;        // guards state_; exclusive only while a Commit applies
  State state_;
};

absl::StatusOr<HistoryPage> MemoryStore::History(const HistoryQuery& q) {
  std::shared_lock lock(mu_);
  StateView view(state_);
  HistoryPage page;
  for (auto it = state_.log.rbegin(); it != state_.log.rend(); ++it) {
    if (!q.type.empty() && it->type != q.type) continue;
    if (!q.type.empty() && !q.id.empty() && it->id != q.id) continue;
    std::optional<StoredResource> v = VersionOf(view.Find(it->type, it->id), it->version);
    if (q.since && v->last_updated < *q.since) continue;
    size_t index = static_cast<size_t>(page.total++);
    if (index >= q.offset && index - q.offset < q.count) page.versions.push_back(std::move(*v));
  }
  return page;
}

absl::StatusOr<std::vector<StoredResource>> MemoryStore::Scan(const ScanQuery& q) {
  std::shared_lock lock(mu_);
  std::vector<StoredResource> out;
  auto t = state_.by_type.find(q.type);
  if (t == state_.by_type.end()) return out;
  for (auto it = t->second.upper_bound(q.after_id); it != t->second.end() && out.size() < q.count;
       ++it) {
    const StoredResource& cur = it->second.current();
    if (cur.deleted || (q.since && cur.last_updated < *q.since)) continue;
    out.push_back(cur);
  }
  return out;
}

MemoryTxn::MemoryTxn(MemoryStore& store, std::unique_lock<std::mutex> writer)
    : store_(store),
      writer_(std::move(writer)),
      base_(store.state_),
      next_rid_(store.state_.next_rid) {}

absl::StatusOr<SearchPage> MemoryTxn::Search(const Query& query) {
  return memory_internal::Search(*this, query, store_.options_.now_ms());
}

absl::StatusOr<std::optional<std::string>> MemoryTxn::GetMeta(std::string_view key) {
  auto s = staged_meta_.find(key);
  if (s != staged_meta_.end()) return s->second;
  auto it = store_.state_.meta.find(key);
  if (it == store_.state_.meta.end()) return std::nullopt;
  return it->second;
}

absl::Status MemoryTxn::Put(ResourceWrite w) {
  if (done_) return absl::FailedPreconditionError("transaction already finished");
  if (w.type.empty() || w.id.empty()) {
    return absl::InvalidArgumentError("resource type and id are required");
  }
  const Entry* old = Find(w.type, w.id);
  int64_t current = old == nullptr ? 0 : old->current().version;
  if (w.version != current + 1) {
    return absl::FailedPreconditionError(StrCat(w.type, "/", w.id, ": version ", w.version,
                                                " written, but the current version is ", current));
  }
  if (store_.listener_) {
    const IndexEntries& owner = w.deleted && old != nullptr ? old->index : w.index;
    events_.push_back(ChangeEvent{0, w.type, w.id, w.version, w.deleted, w.last_updated,
                                  PatientOf(w.type, w.id, owner)});
  }
  ++writes_;
  Key key(w.type, w.id);
  auto staged = staged_.find(key);
  if (staged == staged_.end()) {
    Entry fresh;
    if (old != nullptr) {
      fresh = *old;
    } else {
      fresh.rid = next_rid_++;
    }
    staged = staged_.emplace(key, std::move(fresh)).first;
  }
  Entry& e = staged->second;
  e.index = w.deleted ? IndexEntries{} : std::move(w.index);
  e.versions.push_back(StoredResource{w.type, w.id, w.version, w.last_updated, w.deleted,
                                      w.deleted ? std::string() : std::move(w.json)});
  staged_log_.push_back({std::move(w.type), std::move(w.id), w.version});
  return absl::OkStatus();
}

absl::Status MemoryTxn::PutMeta(std::string_view key, std::string_view value) {
  if (done_) return absl::FailedPreconditionError("transaction already finished");
  staged_meta_.insert_or_assign(std::string(key), std::string(value));
  return absl::OkStatus();
}

absl::Status MemoryTxn::Commit() {
  if (done_) return absl::FailedPreconditionError("transaction already finished");
  done_ = true;
  {
    std::unique_lock lock(store_.mu_);
    State& s = store_.state_;
    for (auto& [key, entry] : staged_) {
      s.by_type[key.first].insert_or_assign(key.second, std::move(entry));
    }
    for (LogRecord& r : staged_log_) s.log.push_back(std::move(r));
    for (auto& [k, v] : staged_meta_) s.meta.insert_or_assign(k, std::move(v));
    s.next_rid = next_rid_;
  }
  store_.Announce(writes_, std::move(events_));
  writer_.unlock();
  return absl::OkStatus();
}

}  // namespace

std::unique_ptr<Store> NewMemoryStore(MemoryStoreOptions options) {
  return std::make_unique<MemoryStore>(std::move(options));
}

}  // namespace vigil::store
