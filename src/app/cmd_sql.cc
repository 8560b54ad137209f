// `vigil sql [--data DIR] [--limit N] [--timeout-ms T] "SELECT ..."`: one
// read-only query over the materialized views in DIR/analytics.sqlite, with
// the engine and guards of POST /api/sql (analytics/sql_query.h); prints CSV
// with a header line.
//
// Exit status: 0 on success (a note on stderr when rows were cut at the
// limit); 1 when the query is refused, fails, runs out of time, or there is
// no analytics database.
#include <iostream>
#include <memory>

#include "analytics/analytics_service.h"
#include "analytics/sql_query.h"
#include "app/commands.h"
#include "app/data_dir.h"
#include "base/str.h"

namespace vigil::app {
namespace {

struct SqlArgs {
  std::string data;
  std::string sql;
  size_t limit = 10000;
  int timeout_ms = 5000;
};

int Run(const SqlArgs& args) {
  std::string dir = args.data.empty() ? DefaultDataDir() : args.data;
  analytics::SqlLimits limits;
  limits.max_rows = args.limit;
  limits.timeout = std::chrono::milliseconds(args.timeout_ms);
  absl::StatusOr<analytics::SqlResult> result =
      analytics::RunReadOnlySql(StrCat(dir, "/", analytics::kAnalyticsFile), args.sql, limits);
  if (!result.ok()) {
    std::cerr << "vigil sql: " << Message(result.status()) << "\n";
    return 1;
  }
  std::cout << analytics::SqlResultCsv(*result);
  if (result->truncated) {
    std::cerr << "vigil sql: only the first " << result->rows.size()
              << " rows are shown (--limit)\n";
  }
  return 0;
}

}  // namespace

void RegisterSql(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SqlArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sql", "Run one read-only SQL query over the materialized views; prints CSV");
  cmd->add_option("--data", args->data,
                  "data folder (default: $VIGIL_DATA or ~/.local/share/vigil)");
  cmd->add_option("--limit", args->limit, "at most this many rows (default 10000)")
      ->check(CLI::Range(1, 100000000));
  cmd->add_option("--timeout-ms", args->timeout_ms, "stop the query after this time (default 5000)")
      ->check(CLI::Range(1, 3600000));
  cmd->add_option("sql", args->sql, "one SELECT over the view_<name> tables")->required();
  cmd->callback([args, &exit_code] { exit_code = Run(*args); });
}

}  // namespace vigil::app
