#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "store/sqlite/sqlite_checkpointer.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_group_commit.h"
#include "store/sqlite/sqlite_ops.h"
#include "store/sqlite/sqlite_page_cache.h"
#include "store/sqlite/sqlite_wal_vfs.h"

namespace vigil::store {
namespace {

using sqlite_internal::Checkpointer;
using sqlite_internal::CommittedWrites;
using sqlite_internal::Connection;
using sqlite_internal::GroupCommitter;

// Reader connections, opened on demand up to a maximum.
class ReaderPool {
 public:
  ReaderPool(std::string path, bool synchronous_full, int max)
      : path_(std::move(path)), synchronous_full_(synchronous_full), max_(std::max(max, 1)) {}

  // Returns the connection to the pool when destroyed.
  class Lease {
   public:
    Lease(ReaderPool* pool, Connection* c) : pool_(pool), c_(c) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), c_(std::exchange(o.c_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (c_ != nullptr) pool_->Release(c_);
    }
    Connection& operator*() const { return *c_; }

   private:
    ReaderPool* pool_;
    Connection* c_;
  };

  absl::StatusOr<Lease> Acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty() || opened_ < max_; });
    if (!free_.empty()) {
      Connection* c = free_.back();
      free_.pop_back();
      return Lease(this, c);
    }
    ++opened_;
    lock.unlock();
    absl::StatusOr<std::unique_ptr<Connection>> c =
        Connection::Open(path_, /*writer=*/false, synchronous_full_);
    lock.lock();
    if (!c.ok()) {
      --opened_;
      cv_.notify_one();
      return c.status();
    }
    all_.push_back(std::move(*c));
    return Lease(this, all_.back().get());
  }

 private:
  void Release(Connection* c) {
    {
      std::lock_guard lock(mu_);
      free_.push_back(c);
    }
    cv_.notify_one();
  }

  const std::string path_;
  const bool synchronous_full_;
  const int max_;
  std::mutex mu_;
  std::condition_variable cv_;
  int opened_ = 0;                                // guarded by mu_
  std::vector<std::unique_ptr<Connection>> all_;  // guarded by mu_
  std::vector<Connection*> free_;                 // guarded by mu_
};

// Runs fn(c) inside one read transaction, so its statements share a snapshot.
template <typename Fn>
auto InReadTxn(Connection& c, Fn fn) -> decltype(fn(c)) {
  VIGIL_RETURN_IF_ERROR(c.Run("BEGIN"));
  auto result = fn(c);
  absl::Status end = c.Run(result.ok() ? "COMMIT" : "ROLLBACK");
  if (result.ok() && !end.ok()) return end;
  return result;
}

// Store::BeginRead: one leased reader connection inside one read transaction
// (BEGIN before, COMMIT when destroyed), so that its reads share a snapshot
// and the pages they read stay cached; a fresh read transaction after
// another connection's commit starts with an empty cache.
class SqliteSnapshot : public Reader {
 public:
  SqliteSnapshot(ReaderPool::Lease lease, std::function<int64_t()> now)
      : lease_(std::move(lease)), now_(std::move(now)) {}
  // The connection goes back to the pool outside any transaction.
  ~SqliteSnapshot() override {
    if (!(*lease_).Run("COMMIT").ok()) (void)(*lease_).Run("ROLLBACK");
  }

  absl::StatusOr<std::optional<StoredResource>> Read(std::string_view type,
                                                     std::string_view id) override {
    return sqlite_internal::ReadCurrent(*lease_, type, id);
  }
  absl::StatusOr<std::optional<StoredResource>> ReadVersion(std::string_view type,
                                                            std::string_view id,
                                                            int64_t version) override {
    return sqlite_internal::ReadVersion(*lease_, type, id, version);
  }
  absl::StatusOr<SearchPage> Search(const Query& query) override {
    return sqlite_internal::RunSearch(*lease_, query, now_());
  }
  absl::StatusOr<std::vector<ResourceKey>> References(const std::vector<ResourceKey>& sources,
                                                      std::string_view param) override {
    return sqlite_internal::ReadReferences(*lease_, sources, param);
  }
  absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override {
    return sqlite_internal::ReadMeta(*lease_, key);
  }

 private:
  ReaderPool::Lease lease_;
  std::function<int64_t()> now_;
};

class SqliteStore;

// One WriteTxn: a savepoint in the writer's open group (sqlite_group_commit.h).
class SqliteTxn : public WriteTxn {
 public:
  SqliteTxn(SqliteStore& store, Connection& c, GroupCommitter& committer,
            GroupCommitter::Turn turn)
      : store_(store), c_(c), committer_(committer), turn_(std::move(turn)) {}
  ~SqliteTxn() override {
    if (turn_) committer_.Abandon(*std::exchange(turn_, std::nullopt));
  }

  absl::StatusOr<std::optional<StoredResource>> Read(std::string_view type,
                                                     std::string_view id) override {
    return sqlite_internal::ReadCurrent(c_, type, id);
  }
  absl::StatusOr<std::optional<StoredResource>> ReadVersion(std::string_view type,
                                                            std::string_view id,
                                                            int64_t version) override {
    return sqlite_internal::ReadVersion(c_, type, id, version);
  }
  absl::StatusOr<SearchPage> Search(const Query& query) override;
  absl::StatusOr<std::vector<ResourceKey>> References(const std::vector<ResourceKey>& sources,
                                                      std::string_view param) override {
    return sqlite_internal::ReadReferences(c_, sources, param);
  }
  absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override {
    return sqlite_internal::ReadMeta(c_, key);
  }

  absl::Status Put(ResourceWrite w) override;
  absl::Status PutMeta(std::string_view key, std::string_view value) override {
    VIGIL_RETURN_IF_ERROR(Usable());
    absl::Status s = sqlite_internal::WriteMeta(c_, key, value);
    if (!s.ok()) failed_ = s;
    return s;
  }
  absl::Status Commit() override;

 private:
  absl::Status Usable() const {
    if (!turn_) return absl::FailedPreconditionError("transaction already finished");
    return failed_;
  }

  SqliteStore& store_;
  Connection& c_;
  GroupCommitter& committer_;
  std::optional<GroupCommitter::Turn> turn_;  // the writer; empty once finished
  absl::Status failed_;              // set once a write failed halfway; Commit then rolls back
  uint64_t writes_ = 0;              // successful Puts
  std::vector<ChangeEvent> events_;  // one per Put, only while a listener is attached
};

class SqliteStore : public Store {
 public:
  SqliteStore(std::unique_ptr<Connection> writer, std::unique_ptr<Checkpointer> checkpointer,
              std::string path, const SqliteOptions& options)
      : options_(options),
        writer_(std::move(writer)),
        wal_sync_(path),
        committer_(*writer_, options.group, CommitHooks()),
        checkpointer_(std::move(checkpointer)),
        readers_(std::move(path), options.durability == SqliteOptions::Durability::kFull,
                 options.max_readers) {
    if (!options_.now_ms) options_.now_ms = NowMs;
  }

  absl::StatusOr<std::optional<StoredResource>> Read(std::string_view type,
                                                     std::string_view id) override {
    VIGIL_ASSIGN_OR_RETURN(ReaderPool::Lease c, readers_.Acquire());
    return sqlite_internal::ReadCurrent(*c, type, id);
  }
  absl::StatusOr<std::optional<StoredResource>> ReadVersion(std::string_view type,
                                                            std::string_view id,
                                                            int64_t version) override {
    VIGIL_ASSIGN_OR_RETURN(ReaderPool::Lease c, readers_.Acquire());
    return sqlite_internal::ReadVersion(*c, type, id, version);
  }
  absl::StatusOr<SearchPage> Search(const Query& query) override {
    VIGIL_ASSIGN_OR_RETURN(ReaderPool::Lease c, readers_.Acquire());
    int64_t now = options_.now_ms();
    return InReadTxn(
        *c, [&](Connection& conn) { return sqlite_internal::RunSearch(conn, query, now); });
  }
  absl::StatusOr<std::vector<ResourceKey>> References(const std::vector<ResourceKey>& sources,
                                                      std::string_view param) override {
    VIGIL_ASSIGN_OR_RETURN(ReaderPool::Lease c, readers_.Acquire());
    return InReadTxn(*c, [&](Connection& conn) {
      return sqlite_internal::ReadReferences(conn, sources, param);
    });
  }
  absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override {
    VIGIL_ASSIGN_OR_RETURN(ReaderPool::Lease c, readers_.Acquire());
    return sqlite_internal::ReadMeta(*c, key);
  }
  absl::StatusOr<HistoryPage> History(const HistoryQuery& query) override {
    VIGIL_ASSIGN_OR_RETURN(ReaderPool::Lease c, readers_.Acquire());
    return InReadTxn(*c,
                     [&](Connection& conn) { return sqlite_internal::ReadHistory(conn, query); });
  }
  absl::StatusOr<std::vector<StoredResource>> Scan(const ScanQuery& query) override {
    VIGIL_ASSIGN_OR_RETURN(ReaderPool::Lease c, readers_.Acquire());
    return sqlite_internal::ReadScan(*c, query);
  }
  absl::StatusOr<std::unique_ptr<Reader>> BeginRead() override {
    VIGIL_ASSIGN_OR_RETURN(ReaderPool::Lease c, readers_.Acquire());
    VIGIL_RETURN_IF_ERROR((*c).Run("BEGIN"));
    return std::make_unique<SqliteSnapshot>(std::move(c), options_.now_ms);
  }
  absl::StatusOr<std::unique_ptr<WriteTxn>> BeginWrite() override {
    VIGIL_ASSIGN_OR_RETURN(GroupCommitter::Turn turn, committer_.Begin());
    return std::make_unique<SqliteTxn>(*this, *writer_, committer_, std::move(turn));
  }

  void SetChangeListener(ChangeListener listener) override {
    std::unique_lock lock = committer_.Exclusive();
    listener_ = std::move(listener);
    // Events are for what is committed from now on.
    if (absl::StatusOr<int64_t> last = sqlite_internal::ReadLastSequence(*writer_); last.ok()) {
      last_seq_ = *last;
    }
  }

  absl::StatusOr<size_t> AnnounceExternalWrites() override {
    size_t total = 0;
    while (true) {  // the lock is taken per chunk: writers wait for one chunk at most
      std::unique_lock lock = committer_.Exclusive();
      if (!Listening()) return total;
      VIGIL_ASSIGN_OR_RETURN(int64_t last, sqlite_internal::ReadLastSequence(*writer_));
      if (last <= last_seq_) return total;
      VIGIL_RETURN_IF_ERROR(writer_->Exec("BEGIN"));  // one snapshot per chunk
      absl::StatusOr<size_t> announced = AnnounceForeignChunk();
      (void)writer_->Exec(announced.ok() ? "COMMIT" : "ROLLBACK");
      if (!announced.ok()) return announced.status();
      total += *announced;
    }
  }

  int64_t Now() const { return options_.now_ms(); }
  // REQUIRES: the writer lock (held by the open SqliteTxn).
  bool Listening() const { return static_cast<bool>(listener_); }

 private:
  static constexpr size_t kForeignChunk = 4096;

  GroupCommitter::Hooks CommitHooks() {
    GroupCommitter::Hooks hooks;
    // What other processes committed before this group comes first.
    hooks.on_open = [this]() -> absl::Status {
      if (!Listening()) return absl::OkStatus();
      VIGIL_ASSIGN_OR_RETURN(int64_t last, sqlite_internal::ReadLastSequence(*writer_));
      if (last <= last_seq_) return absl::OkStatus();  // no other process wrote
      // Their events follow those of our groups still syncing.
      (void)committer_.SyncCommitted();
      while (true) {
        VIGIL_ASSIGN_OR_RETURN(size_t announced, AnnounceForeignChunk());
        if (announced < kForeignChunk) break;
      }
      return absl::OkStatus();
    };
    hooks.on_commit = [this](CommittedWrites& committed) {
      Number(committed.writes, committed.events, committed.last_seq);
    };
    hooks.on_durable = [this](CommittedWrites committed) { HandOn(std::move(committed.events)); };
    // The writer commits with synchronous=NORMAL and the WAL is synced after
    // the writer lock is released (sqlite_group_commit.h).
    if (options_.durability == SqliteOptions::Durability::kFull) {
      hooks.sync = [this] { return wal_sync_.Sync(); };
    }
    hooks.read_last_seq = [this] { return sqlite_internal::ReadLastSequence(*writer_); };
    return hooks;
  }

  // Numbers committed events; `last_seq` is the highest versions.seq written.
  // REQUIRES: the writer lock.
  void Number(uint64_t writes, std::vector<ChangeEvent>& events, int64_t last_seq) {
    uint64_t sequence = next_sequence_;
    next_sequence_ += writes;
    last_seq_ = std::max(last_seq_, last_seq);
    for (ChangeEvent& e : events) e.sequence = sequence++;
  }

  // Hands durable events on, in commit order. REQUIRES: the writer lock, or
  // the committer's sync turn (on_durable).
  void HandOn(std::vector<ChangeEvent> events) {
    if (listener_ && !events.empty()) listener_(std::move(events));
  }

  // Announces up to kForeignChunk versions committed by other writers of the
  // file (seq above last_seq_); returns how many. REQUIRES: the writer lock, inside
  // a transaction on writer_.
  absl::StatusOr<size_t> AnnounceForeignChunk() {
    VIGIL_ASSIGN_OR_RETURN(std::vector<ChangeEvent> events,
                           sqlite_internal::ReadVersionsAfter(*writer_, last_seq_, kForeignChunk));
    if (events.empty()) return size_t{0};
    size_t n = events.size();
    int64_t last = static_cast<int64_t>(events.back().sequence);
    Number(n, events, last);
    HandOn(std::move(events));
    return n;
  }

  SqliteOptions options_;
  // The fields below up to writer_ are guarded by the writer lock (committer_).
  ChangeListener listener_;
  uint64_t next_sequence_ = 1;
  // The highest versions.seq announced or written here while listening;
  // higher ones were committed by another process.
  int64_t last_seq_ = 0;
  std::unique_ptr<Connection> writer_;          // used only under the writer lock
  sqlite_internal::WalSync wal_sync_;           // used only in the committer's sync turn
  GroupCommitter committer_;                    // owns the writer lock
  std::unique_ptr<Checkpointer> checkpointer_;  // hooked to writer_, destroyed before it
  ReaderPool readers_;                          // destroyed before writer_
};

absl::StatusOr<SearchPage> SqliteTxn::Search(const Query& query) {
  return sqlite_internal::RunSearch(c_, query, store_.Now());
}

absl::Status SqliteTxn::Put(ResourceWrite w) {
  VIGIL_RETURN_IF_ERROR(Usable());
  std::string patient;
  if (store_.Listening()) {
    // A delete removes the index rows that name the patient: read them first.
    if (w.deleted) {
      VIGIL_ASSIGN_OR_RETURN(patient, sqlite_internal::ReadCurrentPatient(c_, w.type, w.id));
    } else {
      patient = PatientOf(w.type, w.id, w.index);
    }
  }
  absl::Status s = sqlite_internal::WriteResource(c_, w);
  if (!s.ok()) {
    // A wrong version or a bad key is detected before anything is written;
    // any other failure may leave a half-written Put, so Commit must not run.
    if (!absl::IsFailedPrecondition(s) && !absl::IsInvalidArgument(s)) failed_ = s;
    return s;
  }
  ++writes_;
  if (store_.Listening()) {
    events_.push_back(ChangeEvent{0, std::move(w.type), std::move(w.id), w.version, w.deleted,
                                  w.last_updated, std::move(patient)});
  }
  return absl::OkStatus();
}

absl::Status SqliteTxn::Commit() {
  if (!turn_) return absl::FailedPreconditionError("transaction already finished");
  GroupCommitter::Turn turn = *std::exchange(turn_, std::nullopt);
  if (!failed_.ok()) {
    committer_.Abandon(std::move(turn));
    return failed_;
  }
  return committer_.Commit(std::move(turn), writes_, std::move(events_));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& dir,
                                                       const SqliteOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::UnavailableError(StrCat("cannot create ", dir, ": ", ec.message()));
  std::string path = (std::filesystem::path(dir) / "vigil.db").string();
  // Never FULL: with kFull the committer syncs the WAL itself (CommitHooks).
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                         Connection::Open(path, /*writer=*/true, /*synchronous_full=*/false,
                                          options.writer_cache_mib));
  VIGIL_RETURN_IF_ERROR(sqlite_internal::InitSchema(*writer, options.notice));
  // A COMMIT's frames are written with one pwrite (sqlite_wal_vfs.h).
  VIGIL_RETURN_IF_ERROR(sqlite_internal::BufferWalWrites(writer->db()));
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<Checkpointer> checkpointer, Checkpointer::Open(path, options.checkpoint_pages));
  checkpointer->Attach(*writer);
  return std::make_unique<SqliteStore>(std::move(writer), std::move(checkpointer),
                                       std::move(path), options);
}

void ConfigureSqlite() {
  // SQLITE_MISUSE once SQLite is initialized: the defaults then stay.
  (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)sqlite_internal::InstallPageCache();
}

}  // namespace vigil::store
