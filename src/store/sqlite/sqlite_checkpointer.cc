#include "store/sqlite/sqlite_checkpointer.h"

#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "base/status.h"

namespace vigil::store::sqlite_internal {

absl::StatusOr<std::unique_ptr<Checkpointer>> Checkpointer::Open(const std::string& path,
                                                                  int frames) {
  // A checkpoint reads WAL frames and writes database pages; a small cache will do.
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn,
                         Connection::Open(path, /*writer=*/false, /*synchronous_full=*/true,
                                          /*cache_mib=*/4));
  return std::unique_ptr<Checkpointer>(new Checkpointer(std::move(conn), std::max(frames, 1)));
}

void Checkpointer::Attach(Connection& writer) {
  writer_ = writer.db();
  sqlite3_wal_hook(writer_, &Checkpointer::OnCommit, this);
  thread_ = std::thread([this] { Run(); });
}

Checkpointer::~Checkpointer() {
  if (writer_ != nullptr) sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

int Checkpointer::OnCommit(void* self, sqlite3* db, const char* name, int frames) {
  auto* c = static_cast<Checkpointer*>(self);
  if (frames >= 4 * c->frames_) {
    // Errors (e.g. SQLITE_BUSY while the background one runs) are not the
    // committing transaction's: it is already durable.
    (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (frames >= c->frames_) {
    {
      std::lock_guard lock(c->mu_);
      c->requested_ = true;
    }
    c->cv_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return requested_ || stop_; });
    if (stop_) return;
    requested_ = false;
    lock.unlock();
    (void)sqlite3_wal_checkpoint_v2(conn_->db(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                    nullptr);
    lock.lock();
  }
}

}  // namespace vigil::store::sqlite_internal
