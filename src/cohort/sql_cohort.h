// A cohort defined by SQL over the materialized views: the first column of
// every row of one SELECT on DATA/analytics.sqlite, read as Patient ids
// ("Patient/x" or "x").
//
// The SQL runs through the analytics read-only engine (analytics/sql_query.h):
// one SELECT over the view_ tables, its own read-only connection, a time
// limit.
//
// Errors (HttpError 400): the file does not exist ("no materialized views"),
// or what the engine refuses (SQL that does not compile, more than one
// statement, anything but reading view_ tables); issue "too-costly" when the
// time or row limit is hit.
//
// Thread-safety: each call opens its own connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace vigil::cohort {

struct SqlLimits {
  int64_t time_limit_ms = 5000;
  size_t max_rows = 1'000'000;
};

// The analytics database of a data folder: data_dir/analytics.sqlite.
std::string AnalyticsDbPath(std::string_view data_dir);

// The distinct Patient ids the query returns, sorted.
absl::StatusOr<std::vector<std::string>> SqlCohortPatientIds(const std::string& db_path,
                                                             std::string_view sql,
                                                             const SqlLimits& limits = {});

}  // namespace vigil::cohort
