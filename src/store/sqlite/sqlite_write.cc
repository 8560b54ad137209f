// Put and PutMeta: the import hot path. Every statement here comes from the
// connection's statement cache; a Put is one lookup, one resources write, one
// versions insert and one multi-row insert per index row table it has rows for
// (a reference row looks its target's rid up inside that INSERT).
#include <algorithm>
#include <array>
#include <functional>
#include <variant>

#include "base/status.h"
#include "base/str.h"
#include "store/sqlite/sqlite_ops.h"

namespace vigil::store::sqlite_internal {
namespace {

const std::string kDeleteIndexRows[] = {
    "DELETE FROM idx_token WHERE rid = ?",    "DELETE FROM idx_string WHERE rid = ?",
    "DELETE FROM idx_date WHERE rid = ?",     "DELETE FROM idx_number WHERE rid = ?",
    "DELETE FROM idx_quantity WHERE rid = ?", "DELETE FROM idx_reference WHERE rid = ?",
    "DELETE FROM idx_uri WHERE rid = ?",      "DELETE FROM idx_composite WHERE rid = ?"};

absl::Status DeleteIndexRows(Connection& c, int64_t rid) {
  for (const std::string& sql : kDeleteIndexRows) {
    VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare(sql));
    st.BindAll(rid);
    VIGIL_RETURN_IF_ERROR(st.Run());
  }
  return absl::OkStatus();
}

// Index rows are inserted with multi-row statements ("INSERT ... VALUES
// (...), (...)" of up to kRowsPerInsert rows): SQLite opens the table's and
// its index's cursors once per statement, not once per row.
constexpr size_t kRowsPerInsert = 8;

// The INSERT statements of one row table, for 1 to kRowsPerInsert rows.
class RowInsert {
 public:
  // A row binds `columns` values, the rid first; `computed(first)`, when
  // given, appends the SQL of the columns computed from them (the row's
  // first parameter is ?first).
  RowInsert(std::string_view table, int columns,
            std::function<std::string(int first)> computed = nullptr)
      : columns_(columns) {
    std::string sql = StrCat("INSERT OR IGNORE INTO ", table, " VALUES ");
    for (size_t rows = 0; rows < kRowsPerInsert; ++rows) {
      int first = static_cast<int>(rows) * columns + 1;
      std::string tuple = StrCat(rows == 0 ? "(" : ", (", "?", first);
      for (int i = 1; i < columns; ++i) tuple += StrCat(", ?", first + i);
      if (computed) tuple += StrCat(", ", computed(first));
      sql += tuple + ")";
      sqls_[rows] = sql;
    }
  }
  const std::string& Sql(size_t rows) const { return sqls_[rows - 1]; }
  int columns() const { return columns_; }

 private:
  int columns_;
  std::array<std::string, kRowsPerInsert> sqls_;
};

// Inserts `rows`; `bind(st, row, first)` binds a row's columns after its rid,
// which is parameter `first`.
template <typename Row, typename BindRow>
absl::Status InsertRows(Connection& c, const std::vector<Row>& rows, const RowInsert& insert,
                        int64_t rid, BindRow bind) {
  for (size_t start = 0; start < rows.size(); start += kRowsPerInsert) {
    size_t n = std::min(kRowsPerInsert, rows.size() - start);
    VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare(insert.Sql(n)));
    for (size_t i = 0; i < n; ++i) {
      int first = static_cast<int>(i) * insert.columns() + 1;
      st.Bind(first, rid);
      bind(st, rows[start + i], first);
    }
    VIGIL_RETURN_IF_ERROR(st.Run());
  }
  return absl::OkStatus();
}

// Binds one composite part's value columns (?5 system .. ?15 url, see the
// idx_composite schema); the columns its kind does not use get ''/0.
struct PartBinder {
  Statement& st;

  void Clear() {
    for (int i : {5, 6, 7, 8, 12, 13, 14, 15}) st.Bind(i, std::string_view());
    for (int i : {9, 10, 11}) st.Bind(i, int64_t{0});
  }
  void operator()(const TokenRow& r) {
    st.Bind(5, r.system);
    st.Bind(6, r.code);
  }
  void operator()(const StringRow& r) {
    st.Bind(7, r.normalized);
    st.Bind(8, r.exact);
  }
  void operator()(const DateRow& r) {
    st.Bind(9, r.low);
    st.Bind(10, r.high);
  }
  void operator()(const NumberRow& r) {
    st.Bind(9, r.low);
    st.Bind(10, r.high);
    st.Bind(11, r.value);
  }
  void operator()(const QuantityRow& r) {
    st.Bind(5, r.system);
    st.Bind(6, r.code);
    st.Bind(9, r.low);
    st.Bind(10, r.high);
    st.Bind(11, r.value);
    st.Bind(12, r.unit);
  }
  void operator()(const ReferenceRow& r) {
    st.Bind(13, r.target_type);
    st.Bind(14, r.target_id);
    st.Bind(15, r.url);
  }
  void operator()(const UriRow& r) { st.Bind(11, r.value); }
};

absl::Status InsertCompositeRows(Connection& c, int64_t rid,
                                 const std::vector<CompositeRow>& rows) {
  if (rows.empty()) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(Statement st, c.Prepare("INSERT OR IGNORE INTO idx_composite VALUES "
                                                 "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  for (size_t grp = 0; grp < rows.size(); ++grp) {
    const CompositeRow& row = rows[grp];
    for (size_t part = 0; part < row.parts.size(); ++part) {
      PartBinder binder{st};
      binder.Clear();
      st.Bind(1, rid);
      st.Bind(2, row.param);
      st.Bind(3, static_cast<int64_t>(grp));
      st.Bind(4, static_cast<int64_t>(part));
      std::visit(binder, row.parts[part]);
      VIGIL_RETURN_IF_ERROR(st.Run());
      st.Reset();
    }
  }
  return absl::OkStatus();
}

absl::Status InsertIndexRows(Connection& c, int64_t rid, const IndexEntries& ix) {
  static const RowInsert kTokens("idx_token", 5);
  static const RowInsert kStrings("idx_string", 4);
  static const RowInsert kDates("idx_date", 4);
  static const RowInsert kNumbers("idx_number", 5);
  static const RowInsert kQuantities("idx_quantity", 8);
  // target_rid: the target's rid when it exists (so far in this transaction).
  static const RowInsert kReferences("idx_reference", 5, [](int first) {
    return StrCat("(SELECT t.rid FROM resources t WHERE t.type = ?", first + 2, " AND t.id = ?",
                  first + 3, ")");
  });
  static const RowInsert kUris("idx_uri", 3);
  VIGIL_RETURN_IF_ERROR(
      InsertRows(c, ix.tokens, kTokens, rid, [](Statement& st, const TokenRow& r, int i) {
        st.Bind(i + 1, r.param);
        st.Bind(i + 2, r.system);
        st.Bind(i + 3, r.code);
        st.Bind(i + 4, r.text);
      }));
  VIGIL_RETURN_IF_ERROR(
      InsertRows(c, ix.strings, kStrings, rid, [](Statement& st, const StringRow& r, int i) {
        st.Bind(i + 1, r.param);
        st.Bind(i + 2, r.normalized);
        st.Bind(i + 3, r.exact);
      }));
  VIGIL_RETURN_IF_ERROR(
      InsertRows(c, ix.dates, kDates, rid, [](Statement& st, const DateRow& r, int i) {
        st.Bind(i + 1, r.param);
        st.Bind(i + 2, r.low);
        st.Bind(i + 3, r.high);
      }));
  VIGIL_RETURN_IF_ERROR(
      InsertRows(c, ix.numbers, kNumbers, rid, [](Statement& st, const NumberRow& r, int i) {
        st.Bind(i + 1, r.param);
        st.Bind(i + 2, r.value);
        st.Bind(i + 3, r.low);
        st.Bind(i + 4, r.high);
      }));
  VIGIL_RETURN_IF_ERROR(InsertRows(c, ix.quantities, kQuantities, rid,
                                   [](Statement& st, const QuantityRow& r, int i) {
                                     st.Bind(i + 1, r.param);
                                     st.Bind(i + 2, r.value);
                                     st.Bind(i + 3, r.low);
                                     st.Bind(i + 4, r.high);
                                     st.Bind(i + 5, r.system);
                                     st.Bind(i + 6, r.code);
                                     st.Bind(i + 7, r.unit);
                                   }));
  VIGIL_RETURN_IF_ERROR(InsertRows(c, ix.references, kReferences, rid,
                                   [](Statement& st, const ReferenceRow& r, int i) {
                                     st.Bind(i + 1, r.param);
                                     st.Bind(i + 2, r.target_type);
                                     st.Bind(i + 3, r.target_id);
                                     st.Bind(i + 4, r.url);
                                   }));
  VIGIL_RETURN_IF_ERROR(
      InsertRows(c, ix.uris, kUris, rid, [](Statement& st, const UriRow& r, int i) {
        st.Bind(i + 1, r.param);
        st.Bind(i + 2, r.value);
      }));
  return InsertCompositeRows(c, rid, ix.composites);
}

}  // namespace

absl::Status WriteResource(Connection& c, const ResourceWrite& w) {
  if (w.type.empty() || w.id.empty()) {
    return absl::InvalidArgumentError("resource type and id are required");
  }
  int64_t rid = 0;
  int64_t current = 0;
  bool was_deleted = true;
  {
    VIGIL_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("SELECT rid, version, deleted FROM resources WHERE type = ? AND id = ?"));
    st.BindAll(std::string_view(w.type), std::string_view(w.id));
    VIGIL_ASSIGN_OR_RETURN(bool found, st.Step());
    if (found) {
      rid = st.Int(0);
      current = st.Int(1);
      was_deleted = st.Int(2) != 0;
    }
  }
  if (w.version != current + 1) {
    return absl::FailedPreconditionError(StrCat(w.type, "/", w.id, ": version ", w.version,
                                                " written, but the current version is ", current));
  }
  int64_t deleted = w.deleted ? 1 : 0;
  if (rid == 0) {
    VIGIL_ASSIGN_OR_RETURN(
        Statement st, c.Prepare("INSERT INTO resources (type, id, version, last_updated, deleted) "
                                "VALUES (?, ?, ?, ?, ?)"));
    st.BindAll(std::string_view(w.type), std::string_view(w.id), w.version, w.last_updated,
               deleted);
    VIGIL_RETURN_IF_ERROR(st.Run());
    rid = sqlite3_last_insert_rowid(c.db());
  } else {
    if (!was_deleted) VIGIL_RETURN_IF_ERROR(DeleteIndexRows(c, rid));
    VIGIL_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("UPDATE resources SET version = ?, last_updated = ?, deleted = ? WHERE rid = ?"));
    st.BindAll(w.version, w.last_updated, deleted, rid);
    VIGIL_RETURN_IF_ERROR(st.Run());
  }
  {
    VIGIL_ASSIGN_OR_RETURN(
        Statement st, c.Prepare("INSERT INTO versions (rid, version, last_updated, deleted, json) "
                                "VALUES (?, ?, ?, ?, ?)"));
    st.BindAll(rid, w.version, w.last_updated, deleted);
    st.BindBlob(5, w.deleted ? std::string_view() : std::string_view(w.json));
    VIGIL_RETURN_IF_ERROR(st.Run());
  }
  if (w.deleted) return absl::OkStatus();
  return InsertIndexRows(c, rid, w.index);
}

absl::Status WriteMeta(Connection& c, std::string_view key, std::string_view value) {
  VIGIL_ASSIGN_OR_RETURN(Statement st,
                         c.Prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"));
  st.Bind(1, key);
  st.BindBlob(2, value);
  return st.Run();
}

}  // namespace vigil::store::sqlite_internal
