// The baseline for the import benchmark: the same NDJSON bytes inserted into
// SQLite as opaque rows, with the same journal settings as Vigil's store (WAL,
// synchronous=FULL) and the same batch size, but no parsing, no validation and
// no index rows. Vigil's import rate is reported as a fraction of this.
//
// Usage: raw_insert FILE.ndjson DB_PATH [BATCH]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: raw_insert FILE.ndjson DB_PATH [BATCH]\n");
    return 2;
  }
  const int batch = argc > 3 ? std::stoi(argv[3]) : 2000;
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "raw_insert: cannot open %s\n", argv[1]);
    return 1;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(argv[2], &db) != SQLITE_OK) return 1;
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
               "CREATE TABLE IF NOT EXISTS raw(id INTEGER PRIMARY KEY, json BLOB NOT NULL)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO raw(json) VALUES(?)", -1, &insert, nullptr);
  auto start = std::chrono::steady_clock::now();
  std::string line;
  long rows = 0;
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    sqlite3_bind_blob(insert, 1, line.data(), static_cast<int>(line.size()), SQLITE_STATIC);
    if (sqlite3_step(insert) != SQLITE_DONE) {
      std::fprintf(stderr, "raw_insert: %s\n", sqlite3_errmsg(db));
      return 1;
    }
    sqlite3_reset(insert);
    if (++rows % batch == 0) {
      sqlite3_exec(db, "COMMIT; BEGIN", nullptr, nullptr, nullptr);
    }
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_finalize(insert);
  sqlite3_close(db);
  std::printf("%ld rows in %.2f s: %.0f rows/s\n", rows, seconds, rows / seconds);
  return 0;
}
