#include <optional>
#include <set>
#include <utility>

#include "base/status.h"
#include "base/str.h"
#include "store/sqlite/sqlite_ops.h"
#include "store/sqlite/sqlite_query.h"

namespace vigil::store::sqlite_internal {
namespace {

// Columns: type, id, version, last_updated, deleted, json.
constexpr const char* kColumns =
    "r.type, r.id, v.version, v.last_updated, v.deleted, v.json FROM resources r "
    "JOIN versions v ON v.rid = r.rid";

StoredResource ToStored(const Statement& st) {
  return StoredResource{st.Text(0), st.Text(1), st.Int(2), st.Int(3), st.Int(4) != 0, st.Text(5)};
}

absl::StatusOr<std::optional<StoredResource>> ReadOne(Statement& st) {
  VIGIL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::nullopt;
  return ToStored(st);
}

absl::StatusOr<StoredResource> ReadByRid(Connection& c, int64_t rid) {
  VIGIL_ASSIGN_OR_RETURN(
      Statement st,
      c.Prepare(StrCat("SELECT ", kColumns, " AND v.version = r.version WHERE r.rid = ?")));
  st.BindAll(rid);
  VIGIL_ASSIGN_OR_RETURN(std::optional<StoredResource> r, ReadOne(st));
  if (!r) return absl::InternalError(StrCat("sqlite: resource rid ", rid, " vanished"));
  return std::move(*r);
}

void BindArgs(Statement& st, const std::vector<SqlValue>& args) {
  for (size_t i = 0; i < args.size(); ++i) st.BindValue(static_cast<int>(i + 1), args[i]);
}

absl::StatusOr<int64_t> Count(Connection& c, const SqlText& q) {
  VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare(q.sql));
  BindArgs(st, q.args);
  VIGIL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

// The total a page already tells, read in the same snapshot: a page shorter
// than asked for ends the result, so the total is its offset plus its length.
// Unknown for a full page (more may follow) and for an empty page past the
// start (the offset may lie beyond the end). Saves the COUNT query, which costs
// as much as the page's own, for most searches of one patient's data.
std::optional<int64_t> TotalOfShortPage(const Query& query, size_t page_size) {
  if (query.count == 0 || page_size >= query.count) return std::nullopt;
  if (page_size == 0 && query.offset > 0) return std::nullopt;
  return static_cast<int64_t>(query.offset + page_size);
}

}  // namespace

// The versions of the rid that the (type, id) index holds (?1, ?2), in the
// columns of kColumns: three b-tree searches to a version where joining the
// resources row takes four (-2 us a read at 1M resources).
constexpr const char* kVersionsOfTypeId =
    "SELECT ?1, ?2, v.version, v.last_updated, v.deleted, v.json FROM versions v "
    "WHERE v.rid = (SELECT t.rid FROM resources t WHERE t.type = ?1 AND t.id = ?2)";

absl::StatusOr<std::optional<StoredResource>> ReadCurrent(Connection& c, std::string_view type,
                                                          std::string_view id) {
  // The current version is the newest (a tombstone too).
  VIGIL_ASSIGN_OR_RETURN(Statement st,
                         c.Prepare(StrCat(kVersionsOfTypeId, " ORDER BY v.version DESC LIMIT 1")));
  st.BindAll(type, id);
  return ReadOne(st);
}

absl::StatusOr<std::optional<StoredResource>> ReadVersion(Connection& c, std::string_view type,
                                                          std::string_view id, int64_t version) {
  VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare(StrCat(kVersionsOfTypeId, " AND v.version = ?3")));
  st.BindAll(type, id, version);
  return ReadOne(st);
}

absl::StatusOr<SearchPage> RunSearch(Connection& c, const Query& query, int64_t now_ms) {
  SearchPage page;
  if (query.count > 0) {
    std::vector<int64_t> rids;
    {
      SqlText q = SearchPageSql(query, now_ms);
      VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare(q.sql));
      BindArgs(st, q.args);
      while (true) {
        VIGIL_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        rids.push_back(st.Int(0));
      }
    }
    for (int64_t rid : rids) {
      VIGIL_ASSIGN_OR_RETURN(StoredResource r, ReadByRid(c, rid));
      page.resources.push_back(std::move(r));
    }
  }
  if (query.total == TotalMode::kNone) return page;
  if (std::optional<int64_t> total = TotalOfShortPage(query, page.resources.size())) {
    page.total = *total;
  } else {
    VIGIL_ASSIGN_OR_RETURN(page.total, Count(c, SearchCountSql(query, now_ms)));
  }
  return page;
}

absl::StatusOr<std::vector<ResourceKey>> ReadReferences(Connection& c,
                                                        const std::vector<ResourceKey>& sources,
                                                        std::string_view param) {
  std::string sql =
      "SELECT x.target_type, x.target_id FROM resources r JOIN idx_reference x ON x.rid = r.rid "
      "WHERE r.type = ? AND r.id = ? AND r.deleted = 0 AND x.target_id <> '' "
      "AND x.target_type <> ''";
  if (!param.empty()) sql += " AND x.param = ?";
  VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare(sql));
  std::vector<ResourceKey> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const ResourceKey& k : sources) {
    st.BindAll(std::string_view(k.type), std::string_view(k.id));
    if (!param.empty()) st.Bind(3, param);
    while (true) {
      VIGIL_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      ResourceKey target{st.Text(0), st.Text(1)};
      if (seen.emplace(target.type, target.id).second) out.push_back(std::move(target));
    }
    st.Reset();
  }
  return out;
}

absl::StatusOr<std::optional<std::string>> ReadMeta(Connection& c, std::string_view key) {
  VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare("SELECT value FROM meta WHERE key = ?"));
  st.Bind(1, key);
  VIGIL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::nullopt;
  return st.Text(0);
}

absl::StatusOr<HistoryPage> ReadHistory(Connection& c, const HistoryQuery& query) {
  std::string where = " WHERE 1";
  std::vector<SqlValue> args;
  if (!query.type.empty()) {
    where += " AND r.type = ?";
    args.push_back(query.type);
    if (!query.id.empty()) {
      where += " AND r.id = ?";
      args.push_back(query.id);
    }
  }
  if (query.since) {
    where += " AND v.last_updated >= ?";
    args.push_back(*query.since);
  }
  HistoryPage page;
  VIGIL_ASSIGN_OR_RETURN(
      page.total,
      Count(c, {StrCat("SELECT COUNT(*) FROM resources r JOIN versions v ON v.rid = r.rid", where),
                args}));
  args.push_back(static_cast<int64_t>(std::min<size_t>(query.count, INT64_MAX)));
  args.push_back(static_cast<int64_t>(std::min<size_t>(query.offset, INT64_MAX)));
  VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare(StrCat("SELECT ", kColumns, where,
                                                        " ORDER BY v.seq DESC LIMIT ? OFFSET ?")));
  BindArgs(st, args);
  while (true) {
    VIGIL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    page.versions.push_back(ToStored(st));
  }
  return page;
}

absl::StatusOr<std::vector<StoredResource>> ReadScan(Connection& c, const ScanQuery& query) {
  // Walks the UNIQUE(type, id) index from after_id on; deleted and older rows
  // are skipped by the scan, never sorted.
  std::string sql = StrCat("SELECT ", kColumns,
                           " AND v.version = r.version WHERE r.type = ? AND r.id > ? "
                           "AND r.deleted = 0");
  std::vector<SqlValue> args = {query.type, query.after_id};
  if (query.since) {
    sql += " AND r.last_updated >= ?";
    args.push_back(*query.since);
  }
  sql += " ORDER BY r.id LIMIT ?";
  args.push_back(static_cast<int64_t>(std::min<size_t>(query.count, INT64_MAX)));
  VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare(sql));
  BindArgs(st, args);
  std::vector<StoredResource> out;
  while (true) {
    VIGIL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ToStored(st));
  }
  return out;
}

absl::StatusOr<std::string> ReadCurrentPatient(Connection& c, const std::string& type,
                                               const std::string& id) {
  if (type == "Patient") return id;
  for (std::string_view param : {"patient", "subject"}) {
    VIGIL_ASSIGN_OR_RETURN(std::vector<ResourceKey> targets, ReadReferences(c, {{type, id}}, param));
    for (ResourceKey& target : targets) {
      if (target.type == "Patient") return std::move(target.id);
    }
  }
  return std::string();
}

absl::StatusOr<int64_t> ReadLastSequence(Connection& c) {
  VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare("SELECT coalesce(max(seq), 0) FROM versions"));
  VIGIL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

absl::StatusOr<std::vector<ChangeEvent>> ReadVersionsAfter(Connection& c, int64_t after,
                                                           size_t limit) {
  std::vector<ChangeEvent> events;
  {
    VIGIL_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("SELECT v.seq, r.type, r.id, v.version, v.deleted, v.last_updated FROM versions v "
                  "JOIN resources r ON r.rid = v.rid WHERE v.seq > ? ORDER BY v.seq LIMIT ?"));
    st.BindAll(after, static_cast<int64_t>(limit));
    while (true) {
      VIGIL_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      ChangeEvent e;
      e.sequence = static_cast<uint64_t>(st.Int(0));
      e.type = st.Text(1);
      e.id = st.Text(2);
      e.version = st.Int(3);
      e.deleted = st.Int(4) != 0;
      e.time_ms = st.Int(5);
      events.push_back(std::move(e));
    }
  }
  for (ChangeEvent& e : events) {
    if (!e.deleted) {
      VIGIL_ASSIGN_OR_RETURN(e.patient_id, ReadCurrentPatient(c, e.type, e.id));
    }
  }
  return events;
}

}  // namespace vigil::store::sqlite_internal
